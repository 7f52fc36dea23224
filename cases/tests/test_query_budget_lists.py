"""Query pins of the paged lists of issue 17 (points 9 and 10): the count is the same for any size and page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Membership, Person
from needs.services import need_create
from reference.models import LifeArea
from threads.services import message_post

pytestmark = pytest.mark.django_db

#: The unit overview: session and user, the unit's cases, one query per kind of case fact, and the
#: access events' insert; a search adds one. 18 -> 15: the rule sets and their rules in one query, then
#: kept per worker (timetable.selectors.KEPT_RULE_SETS), and the budget made exact.
UNIT_BUDGET = 15
CHANGES_BUDGET = 14
THREAD_BUDGET = 14


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def add_unit_cases(institution, creator, n: int) -> None:
    """Open cases in bulk (test data for size only; the overview reads them like any other)."""
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        Person(first_name=f"U{i}", last_name="Unit", birth_date=datetime.date(1990, 1, 1)) for i in range(n)
    )
    cases = Case.objects.bulk_create(
        Case(
            person=person,
            institution=institution,
            security_level="high",
            country="NO",
            legal_status="sentenced",
            intake_date=today - datetime.timedelta(days=i % 60),
            sentence_start=today - datetime.timedelta(days=i % 60),
            sentence_days=200 + i,
            expected_release=today + datetime.timedelta(days=5 + i % 90),
            home_municipality="Bergen",
            created_by=creator,
        )
        for i, person in enumerate(people)
    )
    # Every case has a lead when its transaction commits (a deferred trigger on PostgreSQL).
    now = timezone.now()
    leads = Membership.objects.bulk_create(
        Membership(
            case=case,
            user=creator,
            role=creator.role,
            agency=institution,
            start_date=case.intake_date,
            accepted_at=now,
            added_by=creator,
            added_at=now,
        )
        for case in cases
    )
    for case, lead in zip(cases, leads, strict=True):
        case.lead = lead
    Case.objects.bulk_update(cases, ["lead"])


def test_the_unit_overview_costs_the_same_for_any_size_and_page(client_for, personas, django_assert_max_num_queries):
    coordinator = User.objects.get(username="tove.koordinator")
    client = client_for(coordinator)
    url = reverse("cases:unit")
    client.get(url)  # a worker's first request reads the rule sets it keeps (timetable.selectors.KEPT_RULE_SETS)
    small = queries(client, url)
    add_unit_cases(coordinator.agency, personas.contact_officer, 120)
    large = queries(client, url)
    last_page = queries(client, url, page=3)
    with django_assert_max_num_queries(UNIT_BUDGET):
        client.get(url, {"page": 2})
    assert small == large == last_page <= UNIT_BUDGET, (small, large, last_page)
    with django_assert_max_num_queries(UNIT_BUDGET + 1):
        assert client.post(url, {"q": "Unit"}).status_code == 200


def test_the_change_log_costs_the_same_on_every_page(client_for, personas, case):
    client = client_for(personas.contact_officer)
    url = reverse("cases:changes", kwargs={"code": case.code})
    areas = list(LifeArea.objects.all())

    def add(n: int) -> None:
        for i in range(n):
            need_create(actor=personas.contact_officer, case=case, life_area=areas[i % len(areas)], summary=f"N{i}")

    add(110)  # the first two pages hold need entries only
    small = (queries(client, url), queries(client, url, page=2))
    add(90)
    large = (queries(client, url), queries(client, url, page=2))
    body = client.get(url, {"page": 2}).content.decode()
    assert 'data-page="2"' in body  # the log is paged, not cut off
    assert small == large
    assert max(large) <= CHANGES_BUDGET


def test_the_thread_costs_the_same_on_every_page(client_for, personas, case):
    client = client_for(personas.contact_officer)
    url = reverse("threads:thread", kwargs={"code": case.code})

    def add(first: int, n: int) -> None:
        for i in range(first, first + n):
            message_post(actor=personas.contact_officer, case=case, body=f"Melding {i}", audience="covered")

    add(0, 60)
    small = (queries(client, url), queries(client, url, page=1))
    add(60, 60)
    newest = client.get(url).content.decode()
    assert "Melding 119" in newest and "Melding 0<" not in newest and 'rel="prev"' in newest
    oldest = client.get(url, {"page": 1}).content.decode()
    assert "Melding 0<" in oldest and 'rel="next"' in oldest
    large = (queries(client, url), queries(client, url, page=1))
    assert small == large
    assert max(large) <= THREAD_BUDGET
