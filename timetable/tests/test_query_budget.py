"""What is due costs the same number of queries for 10 cases as for 400."""

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Role, User
from cases.models import Case, Membership, Person
from journal.models import AccessEvent
from needs.models import NeedsConversation
from timetable.selectors import DUE_PAGE_SIZE, due_for

pytestmark = pytest.mark.django_db

# 21: the lead sees emergency accesses to the cases they lead (issue 17, point 10), one query.
# 22: the cases they lead before the sentence starts, with summons and group (issue 25), one query
# (and one access-event insert when some are listed), whatever their number.
# 24: the referrals waiting for an answer, to the user's agency and sent by the user (issue 21), one query each
# (their cases join the same access-event insert).
# 25: the directory's entries the user keeps that need checking (issue 21, point 5), one query.
# 26: the follow-ups three months after release of the cases' facts (issue 22), one query.
# 25: the prison's rule set is read with the cases (timetable.selectors.with_rule_sets), not asked again.
# 24: the rule sets and their rules in one query (timetable.selectors.RuleBook), not two.
# 23: the rule sets kept per worker (timetable.selectors.KEPT_RULE_SETS), read on its first request only.
DUE_BUDGET = 23


def officer_with_cases(n: int) -> User:
    """A contact officer leading n cases in varied states (made in bulk: this is test data)."""
    bergen = Agency.objects.get(name="Bergen fengsel")
    officer = User.objects.create(username=f"officer{n}", role=Role.CONTACT_OFFICER, agency=bergen)
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        Person(first_name=f"P{i}", last_name="Test", birth_date=datetime.date(1990, 1, 1)) for i in range(n)
    )
    cases = Case.objects.bulk_create(
        Case(
            person=person,
            institution=bergen,
            security_level="high",
            country="NO",
            legal_status="sentenced" if i % 5 else "remand",
            intake_date=today - datetime.timedelta(days=i % 40),
            sentence_start=today - datetime.timedelta(days=i % 40) if i % 5 else None,
            sentence_days=100 + i if i % 5 else None,
            remand_days=i % 7,
            isolation_days=i % 3,
            expected_release=today + datetime.timedelta(days=10 + i % 90) if i % 5 else None,
            home_municipality="Bergen",
            created_by=officer,
        )
        for i, person in enumerate(people)
    )
    leads = Membership.objects.bulk_create(
        Membership(
            case=case,
            user=officer,
            role=Role.CONTACT_OFFICER,
            agency=bergen,
            start_date=case.intake_date,
            accepted_at=timezone.now(),
            added_by=officer,
        )
        for case in cases
    )
    for case, lead in zip(cases, leads, strict=True):
        case.lead = lead
    Case.objects.bulk_update(cases, ["lead"])
    NeedsConversation.objects.bulk_create(
        NeedsConversation(case=case, held_on=case.intake_date, completed=True, recorded_by=officer)
        for case in cases[::3]
    )
    return officer


def count_due_queries(client, user) -> tuple[int, str]:
    """The page's queries, the access events' INSERT counted as one: see ``insert_statements``.

    The page is opened once before counting: a worker's first request reads the reference data it
    keeps (the rule sets), which is not the page's.
    """
    client.force_login(user)
    client.get(reverse("timetable:due"))
    before = AccessEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("timetable:due"))
    assert response.status_code == 200
    inserts = [
        query for query in captured.captured_queries if query["sql"].startswith('INSERT INTO "journal_accessevent"')
    ]
    assert len(inserts) == insert_statements(AccessEvent.objects.count() - before)
    return len(captured) - len(inserts) + 1, response.content.decode()


def insert_statements(events: int) -> int:
    """The statements ``bulk_create`` needs for this many access events: one on PostgreSQL.

    Django 5.2 sends at most 999 values per statement to SQLite (``max_query_params``), so
    400 events of 7 columns take 3 statements there, as the one request's one ``bulk_create``.
    """
    fields = [field for field in AccessEvent._meta.concrete_fields if not field.primary_key]
    return math.ceil(events / connection.ops.bulk_batch_size(fields, [None] * events))


def test_what_is_due_costs_the_same_for_10_and_400_cases(client, django_assert_max_num_queries):
    few = officer_with_cases(10)
    many = officer_with_cases(400)
    small, small_body = count_due_queries(client, few)
    with django_assert_max_num_queries(DUE_BUDGET):
        client.get(reverse("timetable:due"))
    client.force_login(many)
    # One access event per case shown, all in one statement (journal.services.record_access).
    with django_assert_max_num_queries(DUE_BUDGET):
        response = client.get(reverse("timetable:due"))
    large, large_body = count_due_queries(client, many)
    print(f"what is due: {small} queries at 10 cases, {large} at 400 cases ({connection.vendor})")
    assert small == large <= DUE_BUDGET
    assert small_body.count('class="due-item"') >= 10
    assert large_body.count('class="due-item"') == DUE_PAGE_SIZE  # paged (issue 17, point 9)
    assert response.status_code == 200


def test_what_is_due_pages_its_deadlines_and_every_deadline_is_on_one_page(client):
    officer = officer_with_cases(60)
    client.force_login(officer)
    everything = due_for(officer, view="timetable:calendar_feed")  # unpaged, as the calendar feed reads it
    total = len(everything.overdue) + len(everything.this_week) + len(everything.later)
    assert total > 2 * DUE_PAGE_SIZE
    shown, number, pages = 0, 1, []
    while True:
        response = client.get(reverse("timetable:due"), {"page": number})
        body = response.content.decode()
        assert response.status_code == 200
        on_page = body.count('class="due-item"')
        pages.append(on_page)
        shown += on_page
        if f'rel="next" href="?page={number + 1}"' not in body:  # the deadlines' own pages, not a side list's
            break
        number += 1
    assert pages[0] == DUE_PAGE_SIZE
    assert shown == total
    assert len(pages) == -(-total // DUE_PAGE_SIZE)
    # Past the last page: the last page, not an error.
    last = client.get(reverse("timetable:due"), {"page": 999}).content.decode()
    assert last.count('class="due-item"') == pages[-1]
    assert client.get(reverse("timetable:due"), {"page": "x"}).status_code == 200
