"""Walk the journal's hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from journal.chain import walk
from journal.models import JournalEntry


class Command(BaseCommand):
    help = "Check that no journal entry was changed, removed or inserted since it was written."

    def handle(self, *args, **options) -> None:
        count = 0

        def entries():
            nonlocal count
            for count, entry in enumerate(JournalEntry.objects.order_by("id").iterator(chunk_size=2000), start=1):  # noqa: B007
                yield entry

        broken = next(walk(entries()), None)
        if broken is not None:
            raise CommandError(f"The journal is broken at entry {broken.entry_id}: {broken.reason}.")
        self.stdout.write(f"The journal is intact, {count} rows.")
