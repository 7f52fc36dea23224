"""The case's outcomes after release (issue 22, point 3): the lead records the situation three months
after release and new charges within a year, through journaled services, on a deadline of the
timetable; the case's staff read them; nobody else gets in."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from access.policy import access_by_code
from accounts.models import User
from cases.models import Case, Membership
from cases.services import membership_make_lead
from core.errors import ConcurrentEditError
from handover.models import TransitionKind
from handover.services import transition_complete, transition_plan
from journal.models import JournalEntry
from outcomes.models import FollowUp, NewCharge, Situation
from outcomes.services import charge_record, charge_remove, follow_up_record
from timetable import engine
from timetable.models import DeadlineKind, DeadlineState
from timetable.selectors import RuleBook, facts_for_cases

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def today() -> datetime.date:
    return timezone.localdate()


def released(case: Case, lead: User) -> Case:
    """Release the person today, as the lead records it (handover.services)."""
    transition = transition_plan(actor=lead, case=case, kind=TransitionKind.RELEASE, planned_date=today())
    transition_complete(actor=lead, transition=transition, on=today())
    return Case.objects.get(pk=case.pk)


def later(days: int):
    """Travel the project clock ``days`` on (the follow-up is about three months after the release)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def page(case: Case) -> str:
    return reverse("outcomes:case", kwargs={"code": case.code})


def follow_up_url(case: Case) -> str:
    return reverse("outcomes:follow_up", kwargs={"code": case.code})


def charge_url(case: Case) -> str:
    return reverse("outcomes:charge_add", kwargs={"code": case.code})


def remove_url(charge: NewCharge) -> str:
    return reverse("outcomes:charge_remove", kwargs={"code": charge.case.code, "charge_id": charge.pk})


def follow_up_deadline(case: Case, on: datetime.date) -> engine.DeadlineResult:
    case = Case.objects.get(pk=case.pk)
    rules = RuleBook([case.pk]).rules_for(case)
    results = engine.evaluate(rules, facts_for_cases([case])[case.pk], on)
    (result,) = [r for r in results if r.rule.kind == DeadlineKind.OUTCOME_FOLLOW_UP]
    return result


def test_before_the_release_the_page_says_so_and_nothing_can_be_recorded(client_for, personas, case):
    client = client_for(personas.contact_officer)
    response = client.get(page(case))
    assert response.status_code == 200
    assert b'data-testid="not-released"' in response.content and b"follow-up-form" not in response.content
    refused = client.post(follow_up_url(case), {"situation": "work", "assessed_on": today().isoformat()})
    assert refused.status_code == 400 and b"after the release" in refused.content
    assert not FollowUp.objects.filter(case=case).exists()
    with pytest.raises(ValidationError):
        charge_record(actor=personas.contact_officer, case=case, charged_on=today())
    # On the timetable: waiting for the release.
    deadline = follow_up_deadline(case, today())
    assert deadline.state == DeadlineState.NOT_APPLICABLE and deadline.waiting_for == "the release"


def test_the_lead_records_the_situation_three_months_after_release_and_the_deadline_is_met(client_for, personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    release = case.released_on
    due = engine.add_months(release, 3)
    deadline = follow_up_deadline(case, today())
    assert (deadline.due, deadline.state, deadline.owners) == (due, DeadlineState.UPCOMING, (kari.pk,))
    assert deadline.owner_label == "The case's lead"
    # On the day of release it is too early: the form is not offered, the service refuses.
    client = client_for(kari)
    assert b"follow-up-form" not in client.get(page(case)).content
    with pytest.raises(ValidationError):
        follow_up_record(actor=kari, case=case, situation=Situation.WORK, assessed_on=today())
    with later((due - today()).days + 1):
        assert follow_up_deadline(case, timezone.localdate()).state == DeadlineState.OVERDUE
        client = client_for(kari)
        assert b"follow-up-form" in client.get(page(case)).content
        response = client.post(follow_up_url(case), {"situation": "work", "assessed_on": timezone.localdate()})
        assert response.status_code == 302
        saved = FollowUp.objects.get(case=case)
        assert (saved.situation, saved.assessed_on, saved.recorded_by) == ("work", timezone.localdate(), kari)
        entry = JournalEntry.objects.filter(case=case, action="outcome.follow_up").get()
        assert entry.new == {"situation": "work", "assessed_on": timezone.localdate().isoformat()}
        assert entry.actor == kari
        met = follow_up_deadline(case, timezone.localdate())
        assert (met.state, met.met_on, met.late) == (DeadlineState.MET, timezone.localdate(), True)
        shown = client.get(page(case))
        assert b'data-situation="work"' in shown.content


def test_a_correction_needs_the_version_it_began_from(personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    with later(100):
        day = timezone.localdate()
        first = follow_up_record(actor=kari, case=case, situation=Situation.UNKNOWN, assessed_on=day)
        with pytest.raises(ConcurrentEditError):  # a second first record: someone else recorded it meanwhile
            follow_up_record(actor=kari, case=case, situation=Situation.WORK, assessed_on=day)
        corrected = follow_up_record(
            actor=kari, case=case, situation=Situation.EDUCATION, assessed_on=day, version=first.version
        )
        assert (corrected.situation, corrected.version) == ("education", 2)
        with pytest.raises(ConcurrentEditError):
            follow_up_record(actor=kari, case=case, situation=Situation.WORK, assessed_on=day, version=1)
        assert FollowUp.objects.get(case=case).situation == "education"
        entry = JournalEntry.objects.get(case=case, action="outcome.follow_up_correct")
        assert entry.old is not None and entry.new is not None
        assert (entry.old["situation"], entry.new["situation"]) == ("unknown", "education")


def test_a_stale_form_shows_the_conflict_and_saves_nothing(client_for, personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    with later(100):
        day = timezone.localdate()
        follow_up_record(actor=kari, case=case, situation=Situation.UNKNOWN, assessed_on=day)
        client = client_for(kari)
        response = client.post(follow_up_url(case), {"situation": "work", "assessed_on": day.isoformat()})
        assert response.status_code == 400 and b"Someone else changed" in response.content
        assert FollowUp.objects.get(case=case).situation == "unknown"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"situation": "prison", "assessed_on": "2027-01-01"},
        {"situation": "work", "assessed_on": "not a day"},
        {"situation": "work", "assessed_on": "2027-01-01", "version": "99999999999"},
    ],
)
def test_bad_input_is_refused_without_an_error(client_for, personas, case, data):
    kari = personas.contact_officer
    case = released(case, kari)
    with later(100):
        response = client_for(kari).post(follow_up_url(case), data)
        assert response.status_code == 400
        assert not FollowUp.objects.filter(case=case).exists()
        assert client_for(kari).post(charge_url(case), {"charged_on": "31.02"}).status_code == 400


def test_charges_within_the_year_are_recorded_by_day_and_removed_when_a_mistake(client_for, personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    release = case.released_on
    with later(30):
        client = client_for(kari)
        day = timezone.localdate()
        assert client.post(charge_url(case), {"charged_on": day.isoformat()}).status_code == 302
        charge = NewCharge.objects.get(case=case)
        assert charge.charged_on == day
        again = client.post(charge_url(case), {"charged_on": day.isoformat()})
        assert again.status_code == 400 and b"already recorded" in again.content
        before = client.post(charge_url(case), {"charged_on": (release - datetime.timedelta(days=1)).isoformat()})
        assert before.status_code == 400
        future = client.post(charge_url(case), {"charged_on": (day + datetime.timedelta(days=1)).isoformat()})
        assert future.status_code == 400
        assert NewCharge.objects.filter(case=case).count() == 1
        shown = client.get(page(case)).content
        assert shown.count(b'data-testid="charge"') == 1
        removed = client.post(remove_url(charge), {f"c{charge.pk}-version": charge.version})
        assert removed.status_code == 302
        charge.refresh_from_db()
        assert charge.removed_at is not None and charge.removed_by == kari
        assert b'data-testid="no-charges"' in client.get(page(case)).content
        # Removed: it cannot be removed again (404: it no longer counts on the case).
        assert client.post(remove_url(charge), {f"c{charge.pk}-version": charge.version}).status_code == 404
        actions = list(
            JournalEntry.objects.filter(case=case, action__startswith="outcome.").values_list("action", flat=True)
        )
        assert sorted(actions) == ["outcome.charge", "outcome.charge_remove"]
    with later(400):  # a charge more than a year after the release does not count: refused
        late = timezone.localdate()
        assert late > engine.add_months(release, 12)
        with pytest.raises(ValidationError):
            charge_record(actor=kari, case=case, charged_on=late)


def test_a_stale_removal_changes_nothing(personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    charge = charge_record(actor=kari, case=case, charged_on=today())
    with pytest.raises(ConcurrentEditError):
        charge_remove(actor=kari, charge=charge, version=charge.version + 1)
    charge.refresh_from_db()
    assert charge.removed_at is None


def test_who_sees_and_who_records(client_for, personas, case):
    kari = personas.contact_officer
    case = released(case, kari)
    with later(100):
        day = timezone.localdate().isoformat()
        # The case's staff (Sara, social worker) reads; only the lead records.
        assert client_for(personas.social_worker).get(page(case)).status_code == 200
        for user, status in [
            (personas.social_worker, 403),
            (personas.nav_with_consent, 403),
            (personas.municipal_without_consent, 403),
            (personas.volunteer, 403),
            (personas.person, 403),
            (personas.outsider, 404),
            (personas.analyst, 404),
            (personas.admin, 404),
        ]:
            client = client_for(user)
            assert client.get(page(case)).status_code == (200 if user == personas.social_worker else status), user
            assert client.post(follow_up_url(case), {"situation": "work", "assessed_on": day}).status_code == status
            assert client.post(charge_url(case), {"charged_on": day}).status_code == status
        assert not FollowUp.objects.filter(case=case).exists() and not NewCharge.objects.filter(case=case).exists()
        # A member who has left (Helge, ended two days before the demo's day) is as anyone outside.
        helge = User.objects.get(username="helge.helse")
        assert client_for(helge).get(page(case)).status_code == 404


def test_the_lead_handed_over_records_no_more_and_the_new_lead_does(client_for, personas, case):
    kari, sara = personas.contact_officer, personas.social_worker
    case = released(case, kari)
    sara_membership = Membership.objects.get(case=case, user=sara, end_date__isnull=True)
    membership_make_lead(actor=kari, membership=sara_membership)
    with later(100):
        day = timezone.localdate().isoformat()
        assert client_for(kari).post(follow_up_url(case), {"situation": "work", "assessed_on": day}).status_code == 403
        assert client_for(sara).post(follow_up_url(case), {"situation": "work", "assessed_on": day}).status_code == 302
        assert follow_up_deadline(case, timezone.localdate()).owners == (sara.pk,)


def test_a_look_with_a_reason_does_not_open_the_outcomes(personas, case):
    access = access_by_code(personas.contact_officer, case.code)
    assert access is not None and access.sees_outcomes
    from access.outcomes import records_outcomes, sees_outcomes

    class Look:
        reasoned = object()
        is_lead = True
        runs_the_case = True

    assert not sees_outcomes(Look()) and not records_outcomes(Look())  # type: ignore[arg-type]


def test_another_cases_charge_under_the_leads_own_case_is_not_found(client_for, personas, case, other_case):
    kari = personas.contact_officer
    case = released(case, kari)
    theirs = NewCharge.objects.create(case=other_case, charged_on=today(), recorded_by=other_case.created_by)
    url = reverse("outcomes:charge_remove", kwargs={"code": case.code, "charge_id": theirs.pk})
    assert client_for(kari).post(url, {f"c{theirs.pk}-version": 1}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.removed_at is None


def test_the_follow_up_rule_joins_every_rule_set_with_its_source_in_the_readers_language():
    from timetable.models import Rule
    from timetable.sources import FOLLOW_UP_CITATION, in_words

    rules = Rule.objects.filter(code="outcome-follow-up")
    assert sorted(rules.values_list("rule_set__code", flat=True)) == [
        "dk-god-loesladelse",
        "no-pop",
        "se-execution-plan",
    ]
    assert {(r.kind, r.anchor, r.offset, r.unit, r.citation) for r in rules} == {
        (DeadlineKind.OUTCOME_FOLLOW_UP, "released", 3, "months", FOLLOW_UP_CITATION)
    }
    with translation.override("nb"):
        assert in_words(FOLLOW_UP_CITATION).startswith("Situasjonen tre måneder etter løslatelse")
