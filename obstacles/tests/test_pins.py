"""Query counts of the map and the failure zones, pinned at two data sizes (issue 19, Measured).

The unit's map and the country's map are daily pages of the benchmark (``bench.pages``); the
failure zones are the coordinator's and the analyst's. Each makes the same number of queries
for a small generated population and after many more obstacles, here pinned exactly.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from bench.pages import DAILY_PAGES
from cases.models import Case
from obstacles.models import Challenge, Obstacle, Source
from population.generator import Generator
from population.tests.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

#: +1 on every page since issue 23: django-otp reads the device that passed the staff's second factor.
PINNED = {
    ("unit_map", "coordinator"): 5,  # the session, the user with the agency, the device, the catalogue, the counts
    ("country_map", "coordinator"): 5,
    ("zones", "coordinator"): 5,  # the session, the user, the device, the counts by pair, the counts by quarter
    ("zones", "analyst"): 5,
}


def grow(prison_id: int | None, n: int) -> None:
    """n more obstacles on the prison's cases and elsewhere, coded across the catalogue, over two years."""
    codes = list(Challenge.objects.values_list("pk", flat=True))
    ours = list(Case.objects.filter(institution_id=prison_id).values_list("pk", flat=True)[:20])
    others = list(Case.objects.exclude(institution_id=prison_id).values_list("pk", flat=True)[:20])
    today = timezone.localdate()
    stages = ["during_sentence", "preparing_release", "release", "expectations"]
    kinds = ["prison", "nav", "municipality", "health"]
    Obstacle.objects.bulk_create(
        Obstacle(
            case_id=(ours if i % 2 else others)[i % 20],
            source=Source.GROUP,
            logged_at=timezone.now(),
            what_happened="Mer data",
            happened_on=today - datetime.timedelta(days=i % 700),
            stage=stages[i % 4],
            failed_agency=kinds[i % 4],
            bore_agency=kinds[(i // 4) % 4],
            challenge_id=codes[i % len(codes)] if i % 3 else None,
        )
        for i in range(n)
    )


def test_the_maps_and_the_failure_zones_make_the_same_number_of_queries_at_two_sizes(client, personas):
    Generator(cases=60, seed=11).run()
    coordinator = User.objects.filter(role=Role.REENTRY_COORDINATOR, username__startswith="gen.").order_by("pk")[0]
    urls = {
        "unit_map": DAILY_PAGES["unit_map"](""),
        "country_map": DAILY_PAGES["country_map"](""),
        "zones": reverse("obstacles:zones"),
    }
    users = {"coordinator": coordinator, "analyst": personas.analyst}

    def counted() -> dict[tuple[str, str], int]:
        found = {}
        for page, persona in PINNED:
            client.force_login(users[persona])
            found[(page, persona)] = count_queries(client, urls[page])
        return found

    small = counted()
    before = Obstacle.objects.count()
    grow(coordinator.agency_id, 3000)
    assert Obstacle.objects.count() == before + 3000
    large = counted()
    assert small == large == PINNED, f"small: {small}; large: {large}; pinned: {PINNED}"
