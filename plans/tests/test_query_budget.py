"""The plan page costs the same number of queries however many needs, measures and members a case has."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from cases.services import membership_add
from handover.services import membership_accept
from needs.services import need_create
from plans.services import delivery_note_add, measure_move, measure_propose
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

#: Measured: 20 queries for the contact officer (session, user, case, access, access event, page).
PLAN_PAGE_BUDGET = 20


def grow(case, personas, today, n: int) -> None:
    """Add n needs, n members and 2n measures (half chosen, with notes) to the case."""
    areas = list(LifeArea.objects.all()[:5])
    for i in range(n):
        need = need_create(actor=personas.contact_officer, case=case, life_area=areas[i % len(areas)], summary=f"N{i}")
        user = User.objects.create(
            username=f"grow{i}", role=Role.NAV, agency=personas.nav_with_consent.agency, first_name=f"G{i}"
        )
        member = membership_add(actor=personas.contact_officer, case=case, user=user, start_date=today)
        membership_accept(actor=user, membership=member)
        for j in range(2):
            measure = measure_propose(
                actor=personas.contact_officer,
                case=case,
                title=f"M{i}-{j}",
                needs=[need],
                responsible_user=user,
                start_date=today,
                due_date=today + datetime.timedelta(days=10),
                requires_of_person="x",
            )
            if j == 0:
                measure = measure_move(actor=personas.contact_officer, measure=measure, status="chosen")
                delivery_note_add(actor=user, measure=measure, text="ok")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["contact_officer", "nav_with_consent", "person", "municipal_without_consent"])
def test_the_plan_page_query_count_is_constant_in_needs_measures_and_members(
    client_for, case, personas, today, persona, django_assert_max_num_queries
):
    client = client_for(getattr(personas, persona))
    url = reverse("plans:plan", kwargs={"code": case.code})
    # The page, and the page with the proposal form that is built when asked for.
    urls = [url, f"{url}?form=proposal"]
    small = [count_queries(client, each) for each in urls]
    grow(case, personas, today, 8)
    large = [count_queries(client, each) for each in urls]
    assert small == large, (small, large)
    for each in urls:
        with django_assert_max_num_queries(PLAN_PAGE_BUDGET):
            client.get(each)
