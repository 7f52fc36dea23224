"""Deliver the due release notices; safe to run twice or at once.

Run it from cron or a systemd timer every minute, as the retries' first pause is a
minute. Each notice is taken by one run only (a conditional UPDATE on its claim column),
sent to the agency's endpoint or e-mail address, and each attempt and its answer kept.
A notice that fails is tried again after 1, 5 and 30 minutes, 2 and 12 hours; after the
last attempt it is given up, with an error in the log and an alert the case's staff see
on the release page.
"""

from django.core.management.base import BaseCommand

from notices.services import deliver_due


class Command(BaseCommand):
    help = "Deliver the due release notices to the agencies' endpoints and e-mail addresses, with retries."

    def handle(self, *args, **options) -> None:
        result = deliver_due()
        self.stdout.write(
            f"taken {result.taken}, delivered {result.delivered}, failed {result.failed}, gave up {result.gave_up}"
        )
        if result.gave_up:
            self.stderr.write(f"{result.gave_up} notice(s) given up: the case's staff are alerted (see the log)")
