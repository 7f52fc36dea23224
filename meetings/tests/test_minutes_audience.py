"""Minutes and decisions reach only their audience (issue 16, hole 4).

Without consent an external member sees that the group exists and their own tasks
(DOMAIN §5); minutes and decisions are free text about needs. Canaries in each.
"""

import pytest
from django.urls import reverse

from core.audience import Audience
from meetings.models import Meeting, MeetingKind
from meetings.services import decision_record, minutes_record

pytestmark = pytest.mark.django_db

MINUTES = "CANARY-MINUTES-rusmiddeltest-positiv"
DECISION = {
    Audience.STAFF: "CANARY-DECISION-STAFF-soknad-avslag",
    Audience.COVERED: "CANARY-DECISION-COVERED-gjeldsordning",
    Audience.GROUP: "CANARY-DECISION-GROUP-neste-mote-tirsdag",
}


@pytest.fixture
def meeting(case, personas):
    meeting = Meeting.objects.filter(case=case, kind=MeetingKind.GROUP).first()
    minutes_record(
        actor=personas.contact_officer,
        meeting=meeting,
        minutes=MINUTES,
        version=meeting.version,
        person_attended=False,
    )
    for audience, text in DECISION.items():
        decision_record(actor=personas.contact_officer, meeting=meeting, text=text, audience=audience)
    return meeting


def _pages(client, case, meeting) -> str:
    urls = [
        reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk}),
        reverse("meetings:list", kwargs={"code": case.code}),
        reverse("cases:overview", kwargs={"code": case.code}),
        reverse("cases:changes", kwargs={"code": case.code}),
    ]
    return "".join(client.get(url).content.decode() for url in urls)


@pytest.mark.parametrize(
    ("persona", "minutes", "decisions"),
    [
        ("person", True, {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("contact_officer", True, {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("social_worker", True, {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("nav_with_consent", True, {Audience.COVERED, Audience.GROUP}),
        ("municipal_without_consent", False, {Audience.GROUP}),
        ("volunteer", False, set()),
        ("outsider", False, set()),
    ],
)
def test_minutes_and_decisions_reach_only_their_audience(
    client_for, case, personas, meeting, persona, minutes, decisions
):
    text = _pages(client_for(getattr(personas, persona)), case, meeting)
    assert (MINUTES in text) is minutes
    assert {audience for audience, body in DECISION.items() if body in text} == decisions


def test_minutes_for_everyone_reach_the_uncovered_member(client_for, case, personas, meeting):
    meeting.refresh_from_db()
    minutes_record(
        actor=personas.contact_officer,
        meeting=meeting,
        minutes="Praktisk: neste møte er tirsdag.",
        version=meeting.version,
        person_attended=False,
        audience=Audience.GROUP,
    )
    text = _pages(client_for(personas.municipal_without_consent), case, meeting)
    assert "Praktisk: neste møte er tirsdag." in text


def test_the_author_sees_who_reads_the_minutes_and_sets_the_audience(client_for, case, personas, meeting):
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk})
    client = client_for(personas.contact_officer)
    page = client.get(url).content.decode()
    assert 'data-testid="audience-readers"' in page and "Nils Berg" in page
    meeting.refresh_from_db()
    minutes_url = reverse("meetings:minutes", kwargs={"code": case.code, "meeting_id": meeting.pk})
    response = client.post(minutes_url, {"minutes": MINUTES, "audience": Audience.STAFF, "version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_audience == Audience.STAFF
    assert MINUTES not in _pages(client_for(personas.nav_with_consent), case, meeting)
    assert MINUTES in _pages(client_for(personas.person), case, meeting)
