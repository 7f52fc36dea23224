"""Meetings: the agenda is every change since the previous meeting of the same kind; attendance,
minutes, decisions that create or change a measure, and the .ics download."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Membership
from journal.models import JournalEntry
from meetings.ics import fold, meeting_ics
from meetings.models import Attendance, Decision, Meeting, MeetingKind
from meetings.selectors import agenda, previous_meeting
from meetings.services import attendance_record, decision_record, meeting_book
from needs.models import Need
from needs.services import need_update
from plans.models import Measure
from plans.services import measure_move, measure_propose

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def group_meeting(case):
    return Meeting.objects.get(case=case, kind=MeetingKind.GROUP)


def _backdate(meeting: Meeting, moment: datetime.datetime) -> Meeting:
    """Move a meeting into the past (booking refuses the past; meetings get held)."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=moment)
    meeting.refresh_from_db()
    return meeting


def test_the_agenda_lists_exactly_the_changes_since_the_previous_meeting_of_the_same_kind(
    case, personas, group_meeting
):
    from access.tests.oracle import access_for

    kari = personas.contact_officer
    # The earlier group meeting was held a moment ago; everything before it is off the agenda.
    earlier = meeting_book(actor=kari, case=case, kind=MeetingKind.GROUP, starts_at=_at(1), place="Rom 1")
    _backdate(earlier, timezone.now())
    # A meeting of another kind in between does not reset the group agenda.
    other_kind = meeting_book(actor=kari, case=case, kind=MeetingKind.WITH_PERSON, starts_at=_at(1), place="Rom 2")
    _backdate(other_kind, timezone.now())

    need = Need.objects.get(case=case, life_area__slug="housing")
    need_update(actor=kari, need=need, version=need.version, status="addressed")
    measure = measure_propose(
        actor=personas.nav_with_consent,
        case=case,
        title="Startlån",
        needs=[need],
        responsible_user=personas.nav_with_consent,
        start_date=timezone.localdate(),
        due_date=timezone.localdate(),
        requires_of_person="x",
    )
    measure = measure_move(actor=kari, measure=measure, status="chosen")
    private = Need.objects.get(case=case, private=True)
    need_update(actor=kari, need=private, version=private.version, summary="Privat endring")

    assert previous_meeting(group_meeting) == earlier
    kari_items = agenda(access_for(kari, case), group_meeting, earlier)
    assert [(item.kind, item.entry.action) for item in kari_items] == [
        ("need", "need.update"),
        ("measure", "measure.propose"),
        ("measure", "measure.chosen"),
        ("need", "need.update"),
    ]
    # NAV is covered by consent but never sees the private need's change.
    nils_items = agenda(access_for(personas.nav_with_consent, case), group_meeting, earlier)
    assert [item.entry.action for item in nils_items] == ["need.update", "measure.propose", "measure.chosen"]
    # The municipality, without consent, sees no needs and no measures of others.
    assert agenda(access_for(personas.municipal_without_consent, case), group_meeting, earlier) == []


def test_the_first_meeting_of_a_kind_lists_every_change_so_far(case, personas, group_meeting):
    from access.tests.oracle import access_for

    assert previous_meeting(group_meeting) is None
    items = agenda(access_for(personas.contact_officer, case), group_meeting, None)
    needs_changed = JournalEntry.objects.filter(case=case, object_type="needs.need").count()
    measures_changed = JournalEntry.objects.filter(case=case, object_type="plans.measure").count()
    assert len(items) == needs_changed + measures_changed > 0


def test_the_meeting_page_shows_the_agenda(client_for, case, personas, group_meeting):
    response = client_for(personas.contact_officer).get(
        reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    )
    assert response.status_code == 200
    assert b'class="agenda-item"' in response.content


def test_an_attendee_must_be_a_member(client_for, case, personas, group_meeting):
    petra = Membership.objects.get(case=case, user__username="petra.friomsorg")
    helge = Membership.objects.get(case=case, user__username="helge.helse")
    kari = client_for(personas.contact_officer)
    url = reverse("meetings:attendance", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    journal_before = JournalEntry.objects.count()
    for stranger in (petra, helge):
        response = kari.post(url, {"membership": stranger.pk, "present": "1"})
        assert response.status_code == 400
        assert "Only members of the group" in str(response.context["attendance_form"].errors)
    assert Attendance.objects.count() == 0
    assert JournalEntry.objects.count() == journal_before
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent)
    assert kari.post(url, {"membership": nils.pk, "present": "1"}).status_code == 302
    assert Attendance.objects.get(meeting=group_meeting, membership=nils).present


def test_a_member_of_another_case_cannot_attend(case, other_case, personas, group_meeting):
    stranger = Membership.objects.filter(case=other_case).first()
    with pytest.raises(ValidationError):
        attendance_record(actor=personas.contact_officer, meeting=group_meeting, membership=stranger, present=True)


def test_a_decision_changes_a_measure_or_creates_one(case, personas, group_meeting):
    measure = Measure.objects.get(case=case, status="started")
    new_due = measure.due_date + datetime.timedelta(days=14)
    decision = decision_record(
        actor=personas.contact_officer, meeting=group_meeting, text="Utsatt to uker.", measure=measure, due_date=new_due
    )
    measure.refresh_from_db()
    assert measure.due_date == new_due and decision.measure == measure
    need = Need.objects.get(case=case, life_area__slug="debt")
    created = decision_record(
        actor=personas.contact_officer,
        meeting=group_meeting,
        text="Gjeldsrådgiver kontaktes.",
        new_measure={
            "title": "Gjeldsrådgivning",
            "needs": [need],
            "responsible_user": personas.nav_with_consent,
            "start_date": timezone.localdate(),
            "due_date": timezone.localdate(),
            "requires_of_person": "Ta med inkassobrev.",
        },
    )
    assert created.measure.title == "Gjeldsrådgivning" and created.measure.status == "proposed"


def test_a_decision_with_an_illegal_change_saves_nothing(case, personas, group_meeting):
    measure = Measure.objects.get(case=case, status="started")
    before = (Decision.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError):
        decision_record(
            actor=personas.contact_officer, meeting=group_meeting, text="Tilbake.", measure=measure, status="chosen"
        )
    assert (Decision.objects.count(), JournalEntry.objects.count()) == before


def test_a_recurring_meeting_is_a_series_at_a_fixed_interval(case, personas):
    first = meeting_book(
        actor=personas.contact_officer,
        case=case,
        kind=MeetingKind.WITH_PERSON,
        starts_at=_at(2, 9),
        place="Besøksrom",
        repeat_every_days=14,
        occurrences=4,
    )
    series = list(Meeting.objects.filter(pk=first.pk) | Meeting.objects.filter(series=first))
    series.sort(key=lambda meeting: meeting.starts_at)
    assert len(series) == 4
    local = [timezone.localtime(meeting.starts_at) for meeting in series]
    assert all((b.date() - a.date()).days == 14 for a, b in itertools.pairwise(local))
    assert {moment.hour for moment in local} == {9}


def test_the_ics_file_is_a_valid_calendar_without_the_persons_name(client_for, case, personas, group_meeting):
    response = client_for(personas.nav_with_consent).get(
        reverse("meetings:ics", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\r\nBEGIN:VEVENT\r\n" in body and f"UID:meeting-{group_meeting.pk}@" in body
    start = group_meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body
    assert case.person.first_name not in body and case.person.last_name not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "LOCATION:Bergen fengsel\\, møterom 2" in body


def test_ics_text_is_escaped_and_long_lines_are_folded(case, group_meeting):
    group_meeting.place = "Rom; 2, " + "æ" * 80
    body = meeting_ics(group_meeting, summary="A;B,C\nD", url="https://example.invalid/x", host="example.invalid")
    assert "SUMMARY:A\\;B\\,C\\nD" in body
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "LOCATION:Rom\\; 2\\, " + "æ" * 80 in unfolded
    assert fold("x" * 10) == "x" * 10


def test_minutes_from_a_stale_form_are_refused(client_for, case, personas, group_meeting):
    url = reverse("meetings:minutes", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    kari = client_for(personas.contact_officer)
    assert kari.post(url, {"minutes": "Referat A", "version": 1}).status_code == 302
    sara = client_for(personas.social_worker)
    response = sara.post(url, {"minutes": "Referat B", "version": 1})
    assert response.status_code == 409
    group_meeting.refresh_from_db()
    assert group_meeting.minutes == "Referat A"


def test_only_prison_staff_record_attendance(client_for, case, personas, group_meeting):
    url = reverse("meetings:attendance", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent)
    assert client_for(personas.nav_with_consent).post(url, {"membership": nils.pk, "present": "1"}).status_code == 403
    assert not User.objects.filter(username="nobody").exists()


def test_a_decision_names_a_measure_only_to_those_who_may_see_it(client_for, case, personas, group_meeting):
    """A measure for a private need must not reach NAV through the decisions list."""
    private = Need.objects.get(case=case, private=True)
    decision_record(
        actor=personas.contact_officer,
        meeting=group_meeting,
        text="Avtalt samtale.",
        new_measure={
            "title": "Samtale med psykolog i fengselet",
            "needs": [private],
            "responsible_user": personas.contact_officer,
            "start_date": timezone.localdate(),
            "due_date": timezone.localdate(),
            "requires_of_person": "Møte opp.",
        },
    )
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    officer_page = client_for(personas.contact_officer).get(url).content.decode()
    assert "Avtalt samtale." in officer_page and "Samtale med psykolog i fengselet" in officer_page
    nav_page = client_for(personas.nav_with_consent).get(url).content.decode()
    assert "Avtalt samtale." in nav_page
    assert "Samtale med psykolog i fengselet" not in nav_page


def test_the_forms_with_choices_are_built_when_asked_for(client_for, case, personas, group_meeting):
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    kari = client_for(personas.contact_officer)
    plain = kari.get(url)
    assert plain.context["attendance_form"] is None and plain.context["decision_form"] is None
    assert plain.context["minutes_form"] is not None  # the minutes are written in the meeting: always there
    body = plain.content.decode()
    assert 'href="?form=attendance#attendance-form"' in body and 'href="?form=decision#decision-forms"' in body
    attendance = kari.get(f"{url}?form=attendance")
    assert attendance.context["attendance_form"] is not None and attendance.context["decision_form"] is None
    assert 'id="attendance-form"' in attendance.content.decode()
    decision = kari.get(f"{url}?form=decision")
    assert decision.context["decision_form"] is not None and decision.context["new_measure_form"] is not None
    assert 'id="decision-forms"' in decision.content.decode()
    # Who may not book meetings gets neither the forms nor the links, whatever they ask for.
    nils = client_for(personas.nav_with_consent).get(f"{url}?form=decision")
    assert nils.context["decision_form"] is None and 'href="?form=' not in nils.content.decode()
