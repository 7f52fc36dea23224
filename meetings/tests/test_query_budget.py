"""The meeting page costs the same number of queries however many needs, measures, members and changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Membership
from meetings.models import Meeting, MeetingKind
from meetings.services import attendance_record, decision_record
from plans.models import Measure
from plans.tests.test_query_budget import count_queries, grow

pytestmark = pytest.mark.django_db

#: Measured: 27 queries for the contact officer with the decision forms asked for (fewer without). The
#: agenda names what its changes refer to (agencies, people, life areas, tangles, needs conversations):
#: one query per kind of object, whatever the number of changes.
# + the obstacles logged since the previous meeting (issue 19), + the second factor's device (issue 23)
MEETING_PAGE_BUDGET = 29


@pytest.mark.parametrize("persona", ["contact_officer", "nav_with_consent", "person", "municipal_without_consent"])
def test_the_meeting_page_query_count_is_constant(client_for, case, personas, persona, django_assert_max_num_queries):
    today = timezone.localdate()
    meeting = Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
    client = client_for(getattr(personas, persona))
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk})
    # The page, and the page with the forms that are built when asked for.
    urls = [url, f"{url}?form=attendance", f"{url}?form=decision"]
    small = [count_queries(client, each) for each in urls]
    grow(case, personas, today, 8)
    for membership in Membership.objects.filter(case=case, user__username__startswith="grow"):
        attendance_record(actor=personas.contact_officer, meeting=meeting, membership=membership, present=True)
    for measure in Measure.objects.filter(case=case, status="chosen")[:5]:
        decision_record(
            actor=personas.contact_officer, meeting=meeting, text="Start.", measure=measure, status="started"
        )
    large = [count_queries(client, each) for each in urls]
    assert small == large, (small, large)
    for each in urls:
        with django_assert_max_num_queries(MEETING_PAGE_BUDGET):
            client.get(each)
