"""Applications and decisions (issue 18, point 1): a refusal always has its reason, the appeal
deadline follows its rule, the person reads their own in plain words, and nobody else gets in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from accounts.models import User
from applications.models import Application, ApplicationKind, Outcome
from applications.services import application_decide, application_record
from cases.models import Case
from consent.services import consent_withdraw
from journal.models import JournalEntry
from timetable.appeals import appeal_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def pending(case, personas):
    return application_record(
        actor=personas.contact_officer,
        case=case,
        kind=ApplicationKind.DAY_RELEASE,
        by_person=True,
        applied_on=timezone.localdate() - datetime.timedelta(days=3),
        decides=case.institution,
        expected_answer=timezone.localdate() + datetime.timedelta(days=10),
    )


def decision_url(application: Application) -> str:
    return reverse("applications:decide", kwargs={"code": application.case.code, "application_id": application.pk})


# --- A refusal is never silent (seed 001, 1.2.1) -------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.REFUSED, Outcome.PARTLY])
def test_the_service_refuses_a_refusal_without_its_reason(pending, personas, outcome):
    entries = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        application_decide(
            actor=personas.contact_officer,
            application=pending,
            outcome=outcome,
            decided_on=timezone.localdate(),
            reason="   ",
            version=pending.version,
        )
    assert "reason" in refused.value.message_dict
    pending.refresh_from_db()
    assert pending.outcome == Outcome.PENDING and JournalEntry.objects.count() == entries


def test_the_form_refuses_a_refusal_without_its_reason_and_saves_nothing(client_for, pending, personas):
    today = timezone.localdate().isoformat()
    response = client_for(personas.contact_officer).post(
        decision_url(pending), {"outcome": "refused", "decided_on": today, "reason": "", "version": pending.version}
    )
    assert response.status_code == 400
    assert "Write the reason for the refusal" in response.content.decode()
    pending.refresh_from_db()
    assert pending.outcome == Outcome.PENDING and pending.version == 1


def test_a_refusal_with_its_reason_is_saved_journaled_and_shown_to_the_person(client_for, case, pending, personas):
    today = timezone.localdate()
    response = client_for(personas.contact_officer).post(
        decision_url(pending),
        {
            "outcome": "refused",
            "decided_on": today.isoformat(),
            "reached_on": today.isoformat(),
            "reason": "Ingen arbeidsgiver er bekreftet ennå.",
            "next_step": "Søk igjen med en bekreftelse.",
            "version": pending.version,
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.outcome, pending.version) == (Outcome.REFUSED, 2)
    entry = JournalEntry.objects.get(action="application.decide", object_id=str(pending.pk))
    assert entry.old is not None and entry.new is not None
    assert entry.old["outcome"] == "" and entry.new["reason"] == "Ingen arbeidsgiver er bekreftet ennå."
    page = client_for(personas.person).get(reverse("applications:list", kwargs={"code": case.code})).content.decode()
    assert "Ingen arbeidsgiver er bekreftet ennå." in page
    deadline = appeal_deadline(kind="day_release", outcome="refused", decided_on=today, reached_on=today, country="NO")
    assert deadline is not None
    assert f"You can complain until {dateformat.format(deadline.last_day, 'j. F Y')}." in page


def test_a_stale_decision_is_refused_as_a_conflict(client_for, pending, personas):
    application_decide(
        actor=personas.social_worker,
        application=pending,
        outcome=Outcome.GRANTED,
        decided_on=timezone.localdate(),
        version=1,
    )
    response = client_for(personas.contact_officer).post(
        decision_url(pending),
        {"outcome": "refused", "decided_on": timezone.localdate().isoformat(), "reason": "Nei.", "version": 1},
    )
    assert response.status_code == 400 and "Someone else changed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.outcome == Outcome.GRANTED


def test_bad_dates_are_refused_with_a_message(pending, personas):
    with pytest.raises(ValidationError) as refused:
        application_decide(
            actor=personas.contact_officer,
            application=pending,
            outcome=Outcome.GRANTED,
            decided_on=pending.applied_on - datetime.timedelta(days=1),
            version=1,
        )
    assert "decided_on" in refused.value.message_dict


# --- The appeal deadline (forvaltningsloven § 29) ------------------------------------------------


def test_the_appeal_deadline_is_three_weeks_from_the_day_the_decision_reached_the_person():
    friday = datetime.date(2027, 1, 8)
    deadline = appeal_deadline(
        kind="leave", outcome="refused", decided_on=friday - datetime.timedelta(days=2), reached_on=friday, country="NO"
    )
    assert deadline is not None
    assert (deadline.last_day, deadline.estimate) == (datetime.date(2027, 1, 29), False)
    assert "§ 29" in str(deadline.rule)


def test_an_appeal_deadline_on_a_holiday_moves_to_the_next_working_day():
    # Reached on Saturday 6 March 2027: three weeks end on Saturday 27 March; Easter Monday is 29 March.
    deadline = appeal_deadline(
        kind="housing", outcome="partly", decided_on=None, reached_on=datetime.date(2027, 3, 6), country="NO"
    )
    assert deadline is not None and deadline.last_day == datetime.date(2027, 3, 30)


def test_without_the_day_it_reached_the_person_the_deadline_is_an_estimate_from_the_decision():
    deadline = appeal_deadline(
        kind="leave", outcome="refused", decided_on=datetime.date(2027, 1, 8), reached_on=None, country="NO"
    )
    assert deadline is not None and deadline.estimate and deadline.last_day == datetime.date(2027, 1, 29)


@pytest.mark.parametrize(
    "kind, outcome, country",
    [
        ("leave", "granted", "NO"),
        ("leave", "withdrawn", "NO"),
        ("programme", "refused", "NO"),
        ("leave", "refused", "DK"),
    ],
)
def test_no_appeal_deadline_where_none_applies_or_no_rule_is_recorded(kind, outcome, country):
    day = datetime.date(2027, 1, 8)
    assert appeal_deadline(kind=kind, outcome=outcome, decided_on=day, reached_on=day, country=country) is None


# --- What the person and the staff see ------------------------------------------------------------


def test_the_person_sees_the_refusal_its_reason_and_the_earliest_leave_date(client_for, case, personas):
    page = client_for(personas.person).get(reverse("applications:list", kwargs={"code": case.code})).content.decode()
    assert "Du har ikke sonet lenge nok ennå." in page  # the demo's refused leave
    assert "You can complain until" in page
    assert "Leave is possible from" in page and "These dates are estimates." in page
    # The form to record applications is the staff's.
    assert "Record an application" not in page


def test_the_staff_see_applications_late_past_their_expected_answer_on_the_overview(client_for, case, personas):
    url = reverse("cases:overview", kwargs={"code": case.code})
    staff_page = client_for(personas.contact_officer).get(url).content.decode()
    assert 'data-testid="late-applications"' in staff_page and "Housing" in staff_page
    person_page = client_for(personas.person).get(url).content.decode()
    assert 'data-testid="late-applications"' not in person_page


def test_staff_record_an_application_on_the_persons_behalf_journaled(client_for, case, personas):
    today = timezone.localdate()
    response = client_for(personas.social_worker).post(
        reverse("applications:add", kwargs={"code": case.code}),
        {
            "kind": "electronic_control",
            "who": "staff",
            "applied_on": today.isoformat(),
            "decides": case.institution_id,
            "expected_answer": (today + datetime.timedelta(days=21)).isoformat(),
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(case=case, kind="electronic_control")
    assert not application.by_person and application.recorded_by == personas.social_worker
    assert JournalEntry.objects.filter(action="application.record", object_id=str(application.pk)).exists()


def test_bad_input_changes_nothing_and_is_no_server_error(client_for, case, personas):
    count = Application.objects.count()
    response = client_for(personas.contact_officer).post(
        reverse("applications:add", kwargs={"code": case.code}),
        {"kind": "nonsense", "who": "person", "applied_on": "2999-01-01", "decides": "99999999999999999999"},
    )
    assert response.status_code == 400 and Application.objects.count() == count


# --- The attacker --------------------------------------------------------------------------------


def test_another_prisons_staff_and_a_removed_member_get_the_missing_page(client_for, case, personas):
    application = Application.objects.filter(case=case).first()
    assert application is not None
    urls = [
        reverse("applications:list", kwargs={"code": case.code}),
        reverse("applications:detail", kwargs={"code": case.code, "application_id": application.pk}),
    ]
    removed = User.objects.get(username="helge.helse")  # ended two days ago in the demo world
    for user in (personas.outsider, removed):
        for url in urls:
            assert client_for(user).get(url).status_code == 404, (user, url)


def test_another_cases_application_under_the_own_case_code_is_missing(client_for, case, other_case, personas):
    theirs = application_record(
        actor=User.objects.get(username="olav.oslo"),
        case=other_case,
        kind=ApplicationKind.LEAVE,
        by_person=True,
        applied_on=timezone.localdate(),
    )
    url = reverse("applications:detail", kwargs={"code": case.code, "application_id": theirs.pk})
    for user in (personas.person, personas.contact_officer):
        assert client_for(user).get(url).status_code == 404
    response = client_for(personas.contact_officer).post(
        reverse("applications:decide", kwargs={"code": case.code, "application_id": theirs.pk}),
        {"outcome": "refused", "decided_on": timezone.localdate().isoformat(), "reason": "x", "version": 1},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.outcome == Outcome.PENDING


def test_withdrawn_consent_takes_the_applications_from_the_covered_member(client_for, case, personas):
    url = reverse("applications:list", kwargs={"code": case.code})
    assert client_for(personas.nav_with_consent).get(url).status_code == 200
    consent_withdraw(actor=personas.person, case=Case.objects.get(pk=case.pk))
    assert client_for(personas.nav_with_consent).get(url).status_code == 403
    for user in (personas.municipal_without_consent, personas.volunteer):
        assert client_for(user).get(url).status_code == 403
