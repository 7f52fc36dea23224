"""ASSURANCE #9 for the lists: every case a list page names is one access event of that request.

Each list page is read by every persona; every case code in the response must have
exactly one access event written by that request, and no case more than one.
"""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from access.policy import cases_visible_to
from cases.models import Case, Membership
from journal.models import AccessEvent
from timetable.models import Deadline, Reminder, ReminderPhase
from timetable.services import calendar_feed_create, deadlines_refresh

pytestmark = pytest.mark.django_db

LISTS = ["cases:caseload", "cases:invitations", "timetable:due", "timetable:inbox", "timetable:calendar_feed"]


@pytest.fixture
def world(personas, other_case):
    """Deadlines computed; for every persona, a reminder on each deadline of the cases they see;
    the NAV adviser invited to another prison's case."""
    nav = personas.nav_with_consent
    Membership.objects.create(
        case=other_case,
        user=nav,
        role=nav.role,
        agency=nav.agency,
        start_date=timezone.localdate(),
        added_by=personas.outsider,
    )
    deadlines_refresh()
    for _, user in personas.items():
        for deadline in Deadline.objects.filter(case__in=cases_visible_to(user), due_date__isnull=False):
            assert deadline.due_date is not None
            Reminder.objects.create(
                recipient=user, deadline=deadline, due_date=deadline.due_date, phase=ReminderPhase.DUE
            )
    return {case.code: case.pk for case in Case.objects.all()}


@pytest.mark.parametrize("name", LISTS)
def test_every_case_a_list_names_is_logged_once_by_that_request(client, personas, world, name):
    checked = 0
    for persona, user in personas.items():
        client.logout()
        if name == "timetable:calendar_feed":
            url = reverse(name, kwargs={"token": calendar_feed_create(actor=user)})
        else:
            client.force_login(user)
            url = reverse(name)
        last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        if persona == "person" and name != "timetable:calendar_feed":
            # The person is sent from the staff's lists to their own page (issue 18): no list, no read.
            assert response.status_code == 302, (persona, name)
            assert not AccessEvent.objects.filter(id__gt=last, user=user).exists()
            continue
        assert response.status_code == 200, (persona, name)
        body = response.content.decode()
        shown = {pk for code, pk in world.items() if code in body}
        logged = Counter(AccessEvent.objects.filter(id__gt=last, user=user).values_list("case_id", flat=True))
        assert shown <= set(logged), (persona, name, shown - set(logged))
        assert all(count == 1 for count in logged.values()), (persona, name, logged)
        checked += len(shown)
    assert checked > 0, name
