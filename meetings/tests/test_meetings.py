"""Meetings: the agenda is every change since the previous meeting of the same kind; attendance,
minutes, decisions that create or change a measure, and the .ics download."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Membership
from core.audience import Audience
from journal.models import JournalEntry
from meetings.ics import fold, meeting_ics
from meetings.models import Attendance, Meeting, MeetingKind
from meetings.services import decision_record, meeting_book
from needs.models import Need

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


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


def test_the_person_reads_the_meeting_in_own_words_and_staff_keep_theirs(client_for, case, personas, group_meeting):
    """Issue 18: the same sections, headed for the person in plain words; staff keep the agenda and minutes."""
    from meetings.services import minutes_record

    minutes_record(
        actor=personas.contact_officer,
        meeting=group_meeting,
        minutes="Vi ble enige om bolig.",
        version=group_meeting.version,
        person_attended=True,
        audience=Audience.STAFF,
    )
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": group_meeting.pk})
    person = client_for(personas.person).get(url).content.decode()
    staff = client_for(personas.contact_officer).get(url).content.decode()
    yours = ["We talk about what has changed", "Who comes", "What was said", "What you agreed", "You take part."]
    theirs = ["Agenda: changes to needs and plan", "Attendance", "Minutes", "Decisions", "The person attends."]
    assert all(text in person for text in yours) and not any(f">{text}<" in person for text in theirs)
    assert all(text in staff for text in theirs) and not any(text in staff for text in yours)
    assert "Only you and the prison staff who have your case" in person
    assert "Only the person and the prison staff of the case" in staff
