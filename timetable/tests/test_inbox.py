"""The inbox reads case codes, what is due and when: every case it lists is an access event."""

import pytest
from django.urls import reverse

from access.policy import cases_visible_to
from journal.models import AccessEvent, AccessPurpose
from timetable.models import Deadline, Reminder, ReminderPhase
from timetable.services import deadlines_refresh

pytestmark = pytest.mark.django_db


def remind(user, deadline, phase=ReminderPhase.DUE) -> Reminder:
    return Reminder.objects.create(recipient=user, deadline=deadline, due_date=deadline.due_date, phase=phase)


@pytest.fixture
def deadlines(db):
    deadlines_refresh()
    return Deadline.objects.filter(due_date__isnull=False).select_related("case")


def test_the_inbox_logs_exactly_one_read_per_case_listed(client_for, personas, deadlines):
    officer = personas.contact_officer
    visible = cases_visible_to(officer)
    cases = list(visible.filter(deadlines__due_date__isnull=False).distinct()[:2])
    assert len(cases) == 2
    mine = [deadlines.filter(case=case).first() for case in cases]
    remind(officer, mine[0], ReminderPhase.BEFORE)
    remind(officer, mine[0], ReminderPhase.DUE)  # two reminders, one case: one read
    remind(officer, mine[1])
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    body = client_for(officer).get(reverse("timetable:inbox")).content.decode()
    assert all(case.code in body for case in cases)
    events = AccessEvent.objects.filter(id__gt=before)
    assert sorted(events.values_list("case_id", flat=True)) == sorted(case.pk for case in cases)
    assert {(e.user_id, e.view, e.purpose) for e in events} == {(officer.pk, "timetable:inbox", AccessPurpose.CASELOAD)}


def test_the_inbox_leaves_out_cases_the_user_does_not_see(client_for, personas, deadlines, other_case):
    officer = personas.contact_officer
    assert not cases_visible_to(officer).filter(pk=other_case.pk).exists()
    remind(officer, deadlines.filter(case=other_case).first())
    body = client_for(officer).get(reverse("timetable:inbox")).content.decode()
    assert other_case.code not in body
    assert not AccessEvent.objects.filter(case=other_case, user=officer).exists()


def test_the_inbox_is_paged_and_logs_only_the_cases_on_its_page(client_for, personas, deadlines, monkeypatch):
    """Issue 17, point 9: the inbox stopped at its newest 100; now every reminder is on a page."""
    from timetable import selectors

    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 1)
    officer = personas.contact_officer
    cases = list(cases_visible_to(officer).filter(deadlines__due_date__isnull=False).distinct()[:2])
    older, newer = (remind(officer, deadlines.filter(case=case).first()) for case in cases)
    client = client_for(officer)
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first = client.get(reverse("timetable:inbox")).content.decode()
    assert newer.deadline.case.code in first and older.deadline.case.code not in first
    assert 'rel="next" href="?page=2"' in first
    assert not AccessEvent.objects.filter(id__gt=before, case=older.deadline.case).exists()
    second = client.get(reverse("timetable:inbox"), {"page": "2"}).content.decode()
    assert older.deadline.case.code in second and newer.deadline.case.code not in second
    assert AccessEvent.objects.filter(id__gt=before, case=older.deadline.case, view="timetable:inbox").exists()
    assert client.get(reverse("timetable:inbox"), {"page": "x"}).status_code == 200
