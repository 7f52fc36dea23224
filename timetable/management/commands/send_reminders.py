"""Send the due reminders to the in-app inbox and by e-mail; safe to run twice or at once.

Run it from cron or a systemd timer, e.g. every morning. Each reminder is a row with a
unique constraint on (recipient, deadline, due date, phase). Its e-mail is taken for
sending by one run only, sent, then marked sent; an e-mail that fails (SMTP down) is
retried by the next run, up to TIMETABLE_REMINDER_MAX_ATTEMPTS, and then given up with
an error in the log and an alert to the case's lead on "what is due".
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
            f"claimed {result.claimed}, sent {result.sent}, already claimed {result.already}, "
            f"failed {result.failed}, gave up {result.gave_up}, left half-sent by a crash {result.unknown}"
        )
        if result.gave_up or result.unknown:
            self.stderr.write(f"{result.gave_up + result.unknown} reminder(s) need the lead's attention (see the log)")
