"""Log the obstacles the system sees in its own data (``obstacles.detection``); safe to run again.

Run it from cron or a systemd timer, e.g. every night. A rerun logs nothing it logged before.
"""

from django.core.management.base import BaseCommand

from obstacles.detection import detect


class Command(BaseCommand):
    help = "Log the obstacles the system sees in its own data, each coded to the reentry map; idempotent."

    def handle(self, *args, **options) -> None:
        result = detect()
        self.stdout.write(f"found {result.found}, new {result.new}")
