"""Load the demo data once and print the demo logins."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.demo import DEMO_MARKER_USERNAME, USERS, build_demo
from obstacles.detection import detect

DEMO_PASSWORD_ENV = "OVERGANG_DEMO_PASSWORD"  # noqa: S105 (the variable's name, not a password)


class Command(BaseCommand):
    help = "Create demo agencies, one user per persona and seven cases (skipped if present)."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded with production settings.")
        # A demo password for local demo data only; production refuses to load it above.
        password = os.environ.get(DEMO_PASSWORD_ENV) or "demo-overgang-2026"
        if User.objects.filter(username=DEMO_MARKER_USERNAME).exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            build_demo(password=password)
            # The obstacles the system sees itself (a Friday release, a late notice ...), as the nightly run would.
            result = detect()
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded; the system found {result.new} obstacle(s)."))
        self.stdout.write(f"\nDemo logins (password for all: {password}):")
        for username, (first, last, _role, _agency, about) in USERS.items():
            self.stdout.write(f"  {username:<16} {first} {last}: {about}")
