"""Apply the deletion ledger again, after a restore, so that expired data do not come back."""

from django.core.management.base import BaseCommand, CommandError

from retention.services import replay_deletions


class Command(BaseCommand):
    help = "Apply the deletion ledger again (after restoring a backup); idempotent. Fails if rows stay expired."

    def handle(self, *args, **options) -> None:
        try:
            result = replay_deletions()
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.left:
            raise CommandError(f"{result.left} expired rows remain after replaying {result.records} records.")
        self.stdout.write(
            f"replayed {result.records} deletion records: {result.rows} rows scrubbed again, "
            f"{result.entries} journal entries erased again, 0 expired rows left"
        )
