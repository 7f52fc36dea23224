"""Recompute every open case's deadlines (the nightly pass); safe to run at any time."""

from django.core.management.base import BaseCommand

from timetable.services import BATCH_SIZE, deadlines_refresh


class Command(BaseCommand):
    help = "Recompute the deadlines of every open case, in batches (one query per kind of fact per batch)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, batch_size: int, **options) -> None:
        result = deadlines_refresh(batch_size=batch_size)
        self.stdout.write(f"{result.cases} cases, {result.deadlines} deadlines, {result.batches} batches")
