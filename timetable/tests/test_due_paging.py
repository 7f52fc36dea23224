"""Every list on "what is due" is paged, each by its own parameter (issue 17, point 9).

Before this, the lists beside the deadlines stopped at a cap (50 emergency accesses, 50 referrals
sent, 100 reminder alerts) or showed everything at once. The page size is set to one here so
that two rows make two pages; the paging itself is the real one.
"""

import datetime
import re

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases.models import LegalStatus
from cases.services import IntakeData
from core import paging
from journal.models import AccessEvent
from summons.services import summoned_case_register
from timetable import selectors

pytestmark = pytest.mark.django_db


def register_waiting(officer: User, first_name: str, days_ahead: int):
    start = timezone.localdate() + datetime.timedelta(days=days_ahead)
    person = User.objects.create(username=f"{first_name.lower()}.venter", first_name=first_name, role=Role.PERSON)
    return summoned_case_register(
        actor=officer,
        data=IntakeData(
            first_name=first_name,
            last_name="Venter",
            birth_date=datetime.date(2001, 3, 4),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=start,
            sentence_start=start,
            sentence_months=8,
        ),
        person_user=person,
    )


def test_the_address_keeps_the_other_lists_pages():
    query = QueryDict("page=2&start=3&risks=1")
    assert paging.query_without(query, "start") == "page=2&risks=1"
    assert paging.query_without(QueryDict(""), "start") == ""


def test_a_list_beside_the_deadlines_pages_by_its_own_parameter_and_logs_only_its_page(
    client_for, personas, monkeypatch
):
    monkeypatch.setattr(paging, "SIDE_PAGE_SIZE", 1)
    monkeypatch.setattr(selectors, "DUE_PAGE_SIZE", 1)  # the deadlines too: one of another case
    first = register_waiting(personas.contact_officer, "Aksel", 20)
    second = register_waiting(personas.contact_officer, "Birk", 30)
    client = client_for(personas.contact_officer)
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0  # the log is append-only

    page = client.get(reverse("timetable:due"), {"risks": "1"}).content.decode()
    assert re.findall(r'data-before-start="([^"]+)"', page) == [first.code]  # the earliest start first
    # The next page of this list, with the other lists where they were.
    assert 'href="?risks=1&amp;start=2"' in page
    assert second.code not in page
    assert not AccessEvent.objects.filter(id__gt=before, case=second).exists()

    found = re.search(r'data-pages="(\d+)" data-page-param="start"', page)
    assert found is not None
    pages = int(found.group(1))
    assert pages >= 2
    seen = [first.code]
    for number in range(2, pages + 1):
        page = client.get(reverse("timetable:due"), {"risks": "1", "start": str(number)}).content.decode()
        assert f'href="?risks=1&amp;start={number - 1}"' in page
        seen += re.findall(r'data-before-start="([^"]+)"', page)
    assert len(seen) == pages and second.code in seen  # one a page, each once
    assert AccessEvent.objects.filter(id__gt=before, case=second, view="timetable:due").exists()


@pytest.mark.parametrize("asked", ["0", "99", "x", "-1"])
def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_not_an_error(client_for, personas, asked):
    register_waiting(personas.contact_officer, "Aksel", 20)
    client = client_for(personas.contact_officer)
    for param in ("page", *selectors.SIDE_LISTS):
        response = client.get(reverse("timetable:due"), {param: asked})
        assert response.status_code == 200, param


def test_before_the_start_asks_nothing_of_those_given_no_case_and_the_same_of_the_others(
    personas, django_assert_num_queries
):
    """``views._before_start``: the list is empty, with no query built, where ``before_start_cases`` gives none.

    For the others it is ``before_start_due`` of their cases, unchanged.
    """
    from django.db.models.query import EmptyQuerySet

    from access.summons import before_start_cases
    from summons.selectors import before_start_due
    from timetable.views import _before_start

    waiting = register_waiting(personas.contact_officer, "Aksel", 20)
    for user in (personas.nav_with_consent, personas.municipal_without_consent, personas.volunteer):
        assert isinstance(before_start_cases(user), EmptyQuerySet)
        with django_assert_num_queries(0):
            assert _before_start(user) == []
    officer = personas.contact_officer
    assert not isinstance(before_start_cases(officer), EmptyQuerySet)
    assert [item.case.pk for item in _before_start(officer)] == [
        item.case.pk for item in before_start_due(before_start_cases(officer))
    ]
    assert waiting.pk in {item.case.pk for item in _before_start(officer)}
