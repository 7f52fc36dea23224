"""Write the deletion ledger to a file, one JSON line per record, for ``replay_deletions --ledger``.

Keep it beside the backups: a backup restored later than this file was written is replayed
from it, so anonymisations made after the backup are not undone.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from retention.ledger import to_line
from retention.models import DeletionRecord


class Command(BaseCommand):
    help = "Write the deletion ledger (ids and field names, never content) to a file, one JSON line per record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, **options) -> None:
        records = DeletionRecord.objects.order_by("pk")
        options["path"].write_text("".join(to_line(record) + "\n" for record in records), encoding="utf-8")
        self.stdout.write(f"wrote {records.count()} deletion records to {options['path']}")
