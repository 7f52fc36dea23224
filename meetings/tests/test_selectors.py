"""The meeting reads: the agenda is the journal filtered by what the viewer sees; a missing meeting is a 404."""

import pytest
from django.db.models import Q

from access.policy import cases_visible_to
from access.tests.oracle import access_for
from accounts.models import User
from journal.models import JournalEntry
from meetings.models import Meeting
from meetings.selectors import agenda, previous_meeting
from needs.selectors import needs_for_case
from plans.selectors import measure_list

pytestmark = pytest.mark.django_db


def test_a_meeting_id_no_column_holds_is_the_same_404_as_any_missing_meeting(client_for, personas, case):
    response = client_for(personas.contact_officer).get(f"/cases/{case.code}/meetings/{2**70}/")
    assert response.status_code == 404


def expected_agenda(access, meeting, previous) -> list[int]:
    needs = list(needs_for_case(access))
    need_ids = [str(need.pk) for need in needs]
    measure_ids = [str(measure.pk) for measure in measure_list(access, needs)]
    entries = JournalEntry.objects.filter(case=access.case, at__lte=meeting.starts_at).filter(
        Q(object_type="needs.need", object_id__in=need_ids) | Q(object_type="plans.measure", object_id__in=measure_ids)
    )
    if previous is not None:
        entries = entries.filter(at__gt=previous.starts_at)
    return [entry.pk for entry in entries.order_by("at", "id")]


def test_the_agenda_equals_the_journal_filtered_in_sql_for_every_meeting_and_viewer():
    shown = 0
    for user in User.objects.all():
        visible = set(cases_visible_to(user).values_list("pk", flat=True))
        for meeting in Meeting.objects.filter(case_id__in=visible).select_related("case__person"):
            access = access_for(user, meeting.case)
            previous = previous_meeting(meeting)
            got = [item.entry.pk for item in agenda(access, meeting, previous)]
            assert got == expected_agenda(access, meeting, previous), (user.username, meeting.pk)
            shown += len(got)
    assert shown > 0
