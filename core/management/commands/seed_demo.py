"""Load the demo data once and print the demo logins."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.demo import DEMO_MARKER_USERNAME, USERS, build_demo
from obstacles.detection import detect

#: Generated cases beside the personas' by default: enough for the analyst's shares (10 cases or
#: more) in each country and year, about 10 s on SQLite (issue 22's tryout on a fresh clone).
HISTORY = 400
DEMO_PASSWORD_ENV = "OVERGANG_DEMO_PASSWORD"  # noqa: S105 (the variable's name, not a password)


class Command(BaseCommand):
    help = "Create demo agencies, one user per persona and their cases, with generated history (skipped if present)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=HISTORY,
            help=f"Generated cases of the past years beside the personas' (default {HISTORY}; 0 for none).",
        )

    def handle(self, *args, history: int, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded with production settings.")
        # A demo password for local demo data only; production refuses to load it above.
        password = os.environ.get(DEMO_PASSWORD_ENV) or "demo-overgang-2026"
        if User.objects.filter(username=DEMO_MARKER_USERNAME).exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            if history < 0:
                raise CommandError("--history is a number of cases, 0 or more.")
            build_demo(password=password, history=history)
            # The obstacles the system sees itself (a Friday release, a late notice ...), as the nightly run would.
            result = detect()
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded; the system found {result.new} obstacle(s)."))
        self.stdout.write(f"\nDemo logins (password for all: {password}):")
        for username, (first, last, _role, _agency, about) in USERS.items():
            self.stdout.write(f"  {username:<16} {first} {last}: {about}")
