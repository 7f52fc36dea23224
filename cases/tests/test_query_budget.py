"""The caseload and the case overview run a constant number of queries, whatever the size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.services import IntakeData, case_open, membership_add
from needs.services import need_create
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

# Pinned budgets; a change that adds queries per row (N+1) breaks these.
CASELOAD_BUDGET = 10
# 26: the overview shows release readiness (done/total and what is missing), one query.
OVERVIEW_BUDGET = 26


def add_needs(case, actor, n: int) -> None:
    areas = list(LifeArea.objects.all())
    for i in range(n):
        need_create(actor=actor, case=case, life_area=areas[i % len(areas)], summary=f"Need {i}")


def add_cases(actor, n: int, member) -> None:
    for i in range(n):
        case = case_open(
            actor=actor,
            data=IntakeData(
                first_name=f"Test{i}",
                last_name="Person",
                birth_date=datetime.date(2000, 1, 1),
                home_municipality="Bergen",
                legal_status="remand",
                intake_date=timezone.localdate() - datetime.timedelta(days=1),
            ),
        )
        membership_add(actor=actor, case=case, user=member)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_overview_queries_do_not_grow_with_needs(client, personas, case):
    client.force_login(personas.contact_officer)
    url = reverse("cases:overview", kwargs={"code": case.code})
    add_needs(case, personas.contact_officer, 5 - case.needs.count())
    small = count_queries(client, url)
    add_needs(case, personas.contact_officer, 45)
    large = count_queries(client, url)
    assert case.needs.count() >= 50
    assert small == large <= OVERVIEW_BUDGET


@pytest.mark.parametrize("persona", ["contact_officer", "nav_with_consent", "person"])
def test_overview_budget_holds_for_each_kind_of_viewer(client, personas, case, persona, django_assert_max_num_queries):
    client.force_login(getattr(personas, persona))
    with django_assert_max_num_queries(OVERVIEW_BUDGET):
        assert client.get(reverse("cases:overview", kwargs={"code": case.code})).status_code == 200


def test_caseload_queries_do_not_grow_with_cases(client, personas):
    nav = personas.nav_with_consent
    client.force_login(nav)
    url = reverse("cases:caseload")
    start = count_queries(client, url)
    add_cases(personas.contact_officer, 3, nav)
    small = count_queries(client, url)
    add_cases(personas.contact_officer, 37, nav)
    large = count_queries(client, url)
    assert start == small == large <= CASELOAD_BUDGET


def test_needs_map_queries_do_not_grow_with_needs(client, personas, case):
    client.force_login(personas.contact_officer)
    url = reverse("needs:map", kwargs={"code": case.code})
    small = count_queries(client, url)
    add_needs(case, personas.contact_officer, 45)
    assert count_queries(client, url) == small
