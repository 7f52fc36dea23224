"""Every page that shows journal entries filters them by the rule of the page that shows the object (issue 16, hole 6).

The social worker is prison staff but may not see a private need (it is for the person and
the contact officer), nor a measure that answers one; the change log must not show them either.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.services import decision_record
from needs.models import Need
from plans.services import delivery_note_add, measure_move, measure_propose

pytestmark = pytest.mark.django_db

CANARIES = ("CANARY-TITLE-psykolog", "CANARY-DETAILS-angst", "CANARY-REQUIRES-samtaler", "CANARY-NOTE-time-bestilt")


@pytest.fixture
def private_measure(case, personas):
    from meetings.models import Meeting, MeetingKind

    private = Need.objects.get(case=case, private=True)
    today = timezone.localdate()
    measure = measure_propose(
        actor=personas.contact_officer,
        case=case,
        title=CANARIES[0],
        description=CANARIES[1],
        needs=[private],
        responsible_user=personas.contact_officer,
        start_date=today,
        due_date=today + datetime.timedelta(days=30),
        requires_of_person=CANARIES[2],
    )
    measure = measure_move(actor=personas.person, measure=measure, status="chosen")
    measure = measure_move(actor=personas.contact_officer, measure=measure, status="started")
    delivery_note_add(actor=personas.contact_officer, measure=measure, text=CANARIES[3])
    meeting = Meeting.objects.filter(case=case, kind=MeetingKind.GROUP)[0]
    decision_record(
        actor=personas.contact_officer,
        meeting=meeting,
        text="CANARY-DECISION-due",
        measure=measure,
        due_date=today + datetime.timedelta(days=40),
    )
    return private, measure


def _changes(client, case) -> str:
    pages = [
        client.get(reverse("cases:changes", kwargs={"code": case.code})),
        client.get(reverse("cases:overview", kwargs={"code": case.code})),
    ]
    assert all(page.status_code == 200 for page in pages)
    return "".join(page.content.decode() for page in pages)


def test_the_social_worker_sees_no_trace_of_a_measure_for_a_private_need(client_for, case, personas, private_measure):
    private, measure = private_measure
    text = _changes(client_for(personas.social_worker), case)
    for canary in CANARIES:
        assert canary not in text, canary
    assert f"need no. {private.pk}" not in text and f"behov nr. {private.pk}" not in text
    assert f"#{measure.pk}" not in text
    # The plan page, the rule the change log follows, does not show it either.
    plan = client_for(personas.social_worker).get(reverse("plans:plan", kwargs={"code": case.code})).content.decode()
    assert CANARIES[0] not in plan


def test_the_contact_officer_sees_every_change(client_for, case, personas, private_measure):
    text = _changes(client_for(personas.contact_officer), case)
    for canary in CANARIES:
        assert canary in text, canary


def test_the_meeting_agenda_leaves_out_the_measure_for_a_private_need(client_for, case, personas, private_measure):
    from meetings.models import Meeting

    later = Meeting.objects.filter(case=case).order_by("-starts_at")[0]
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": later.pk})
    assert CANARIES[0] not in client_for(personas.social_worker).get(url).content.decode()
