"""Apply the deletion ledger again, after a restore, so that expired data do not come back.

With ``--ledger FILE`` (written by ``manage.py export_deletions`` from the live database,
e.g. with every backup), a restored backup older than some anonymisations first gets the
records it lacks; without it, the restored database's own ledger is replayed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.ledger import from_line
from retention.services import replay_deletions


class Command(BaseCommand):
    help = "Apply the deletion ledger again (after restoring a backup); idempotent. Fails if rows stay expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ledger", type=Path, help="a newer ledger, as export_deletions wrote it")

    def handle(self, *args, **options) -> None:
        newer = None
        if options["ledger"] is not None:
            try:
                lines = options["ledger"].read_text(encoding="utf-8").splitlines()
                newer = [from_line(line) for line in lines if line.strip()]
            except (OSError, ValueError, TypeError) as error:
                raise CommandError(f"Cannot read the ledger file: {error}") from error
        try:
            result = replay_deletions(newer)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.left:
            raise CommandError(f"{result.left} expired rows remain after replaying {result.records} records.")
        self.stdout.write(
            f"replayed {result.records} deletion records: {result.rows} rows scrubbed again, "
            f"{result.entries} journal entries erased again, 0 expired rows left"
        )
