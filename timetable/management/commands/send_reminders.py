"""Send the due reminders by e-mail and to the in-app inbox; safe to run twice or at once.

Run it from cron or a systemd timer, e.g. every morning. Each reminder is a row with a
unique constraint on (recipient, deadline, due date, phase), inserted before the e-mail
is sent, so no run sends a reminder that another run has claimed.
"""

import os

from django.core.management.base import BaseCommand

from timetable.services import reminders_send


class Command(BaseCommand):
    help = "Send each deadline's owners one reminder before and one on the due date (e-mail and inbox)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-refresh", action="store_true", help="Do not recompute the deadlines first.")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("OVERGANG_BASE_URL", ""),
            help="The site's address, for links in the e-mails.",
        )
        # For the crash-after-send test only: stop after the first e-mail, before marking it.
        parser.add_argument("--crash-after-send", action="store_true", help="(testing) Crash after the first e-mail.")

    def handle(self, *args, no_refresh: bool, base_url: str, crash_after_send: bool, **options) -> None:
        result = reminders_send(refresh=not no_refresh, base_url=base_url, crash_after_send=crash_after_send)
        self.stdout.write(
            f"claimed {result.claimed}, sent {result.sent}, already claimed {result.already}, failed {result.failed}"
        )
