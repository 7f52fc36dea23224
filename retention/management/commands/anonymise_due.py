"""Anonymise every closed case whose day has come (``retention.services``); safe to run again.

Run it from the same scheduler as the reminders, e.g. every night.
"""

from django.core.management.base import BaseCommand

from accounts.services import system_user
from retention.services import anonymise_due


class Command(BaseCommand):
    help = "Anonymise every closed case whose anonymisation day has come; idempotent and safe to run at once."

    def handle(self, *args, **options) -> None:
        outcome = anonymise_due(system_user())
        self.stdout.write(
            f"anonymised {outcome.anonymised} cases and {outcome.persons} persons, skipped {outcome.skipped}"
        )
