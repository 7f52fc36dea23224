"""Read Open Referral HSDS 3.0 JSON into the directory (issue 21, point 6): idempotent, every rejection reported."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from directory.hsds import import_services


class Command(BaseCommand):
    help = "Import an HSDS 3.0 service list; a second run of the same file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the HSDS 3.0 JSON file (export_hsds's shape)")
        parser.add_argument("--actor", required=True, help="the username the journal names for the changes")
        parser.add_argument("--every", type=int, default=500, help="write a progress line every N records")

    def handle(self, *args, path: str, actor: str, every: int, **options) -> None:
        user = User.objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {actor!r}.")
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"{done} of {total} records")

        report = import_services(data, actor=user, progress=progress, every=max(every, 1))
        for index, identifier, reasons in report.rejected:
            self.stdout.write(f"rejected record {index} ({identifier or 'no id'}): {'; '.join(reasons)}")
        self.stdout.write(
            f"created {report.created}, changed {report.changed}, unchanged {report.unchanged}, "
            f"rejected {len(report.rejected)}"
        )
