"""Count who in each programme's catchment may fit it (issue 20); run it each night, after the deadlines.

Each run adds one count per programme, journaled with the system as its actor; the programme's
view shows the latest. Safe to run twice or at once: each run only adds its own counts.
"""

from django.core.management.base import BaseCommand

from accounts.services import system_user
from programmes.models import Programme
from programmes.services import catchment_count


class Command(BaseCommand):
    help = "Count who in each programme's catchment may fit it, by status, for the programmes' views."

    def handle(self, *args, **options) -> None:
        actor = system_user()
        for programme in Programme.objects.prefetch_related("criteria").order_by("slug"):
            # The log names no status count: small ones are for the view, which hides them.
            count = catchment_count(actor=actor, programme=programme)
            self.stdout.write(f"{programme.slug}: {count.cases} open cases of the catchment judged")
