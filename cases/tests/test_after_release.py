"""After release: the follow-up phases, closing with a reason, and a closed case that stays closed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from cases.models import Case, FollowUpPhase, LegalStatus, Membership, Stage
from cases.services import (
    IntakeData,
    carry_over_ask,
    case_follow_up_phase_set,
    case_open,
    membership_add,
    membership_end,
    membership_make_lead,
)
from core.errors import ConcurrentEditError
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import case_close, membership_accept, transition_complete, transition_invite, transition_plan
from journal.models import JournalEntry
from meetings.models import MeetingKind
from meetings.services import attendance_record, meeting_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English msgids, in pages and in service messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def users(personas):
    return {user.username: user for user in User.objects.select_related("agency")}


def fresh_case(users) -> Case:
    """A sentenced person's case in Kari's prison, with Sara (social worker) and Nils (NAV, accepted)."""
    today = timezone.localdate()
    kari = users["kari.kontakt"]
    case = case_open(
        actor=kari,
        data=IntakeData(
            first_name="Ola",
            last_name="Etterpå",
            birth_date=datetime.date(2001, 5, 2),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=today - datetime.timedelta(days=90),
            sentence_start=today - datetime.timedelta(days=90),
            sentence_days=120,
        ),
    )
    membership_add(actor=kari, case=case, user=users["sara.sosial"])
    nils = membership_add(actor=kari, case=case, user=users["nils.nav"])
    membership_accept(actor=users["nils.nav"], membership=nils)
    case.refresh_from_db()
    return case


def release(case: Case, users, kind: str = TransitionKind.RELEASE) -> Case:
    kari = users["kari.kontakt"]
    to_agency = users["mona.kommune"].agency if kind == TransitionKind.RELEASE else users["petra.friomsorg"].agency
    transition = transition_plan(
        actor=kari, case=case, kind=kind, planned_date=timezone.localdate(), to_agency=to_agency
    )
    transition_complete(actor=kari, transition=transition)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def released(users) -> Case:
    """The fresh case after a parole release: follow-up starts with the reporting duty."""
    return release(fresh_case(users), users, TransitionKind.PAROLE)


def test_follow_up_moves_through_the_phases_in_the_same_case_and_is_journaled(released, users):
    kari = users["kari.kontakt"]
    assert released.stage == Stage.AFTER_RELEASE and released.follow_up_phase == FollowUpPhase.REPORTING_DUTY
    members_before = set(Membership.objects.filter(case=released, end_date__isnull=True).values_list("pk", flat=True))

    case = case_follow_up_phase_set(actor=kari, case=released, phase=FollowUpPhase.CLOSING, version=released.version)
    case = case_follow_up_phase_set(actor=kari, case=case, phase=FollowUpPhase.AFTERCARE, version=case.version)

    case.refresh_from_db()
    assert case.pk == released.pk and case.follow_up_phase == FollowUpPhase.AFTERCARE
    assert case.version == released.version + 2
    # The person keeps the group: no membership ended on the way.
    assert set(Membership.objects.filter(case=case, end_date__isnull=True).values_list("pk", flat=True)) == (
        members_before
    )
    entries = list(JournalEntry.objects.filter(case=case, action="case.follow_up_phase").order_by("pk"))
    assert [(entry.old["follow_up_phase"], entry.new["follow_up_phase"]) for entry in entries] == [
        ("reporting_duty", "closing"),
        ("closing", "aftercare"),
    ]


def test_follow_up_phase_is_refused_before_release_and_for_an_unknown_or_unchanged_phase(released, users):
    kari = users["kari.kontakt"]
    not_released = fresh_case(users)
    with pytest.raises(ValidationError) as error:
        case_follow_up_phase_set(
            actor=kari, case=not_released, phase=FollowUpPhase.AFTERCARE, version=not_released.version
        )
    assert "released" in error.value.message_dict["phase"][0]
    with pytest.raises(ValidationError) as error:
        case_follow_up_phase_set(actor=kari, case=released, phase="holiday", version=released.version)
    assert list(error.value.message_dict) == ["phase"]
    with pytest.raises(ValidationError, match="already in this phase"):
        case_follow_up_phase_set(
            actor=kari, case=released, phase=FollowUpPhase.REPORTING_DUTY, version=released.version
        )
    not_released.refresh_from_db()
    assert not_released.follow_up_phase == ""


def test_follow_up_phase_refuses_an_edit_begun_on_an_older_version(released, users):
    kari = users["kari.kontakt"]
    stale = released.version
    case_follow_up_phase_set(actor=kari, case=released, phase=FollowUpPhase.CLOSING, version=stale)
    with pytest.raises(ConcurrentEditError):
        case_follow_up_phase_set(actor=kari, case=released, phase=FollowUpPhase.AFTERCARE, version=stale)
    released.refresh_from_db()
    assert released.follow_up_phase == FollowUpPhase.CLOSING


def test_closing_needs_a_reason(released, users):
    for reason in ["", "   "]:
        with pytest.raises(ValidationError) as error:
            case_close(actor=users["kari.kontakt"], case=released, reason=reason, version=released.version)
        assert list(error.value.message_dict) == ["reason"]
    released.refresh_from_db()
    assert released.stage == Stage.AFTER_RELEASE and released.closed_on is None


def test_closing_sets_the_anonymisation_date_from_the_setting(released, users, settings):
    settings.ANONYMISE_AFTER_DAYS = 30
    today = timezone.localdate()
    case = case_close(actor=users["kari.kontakt"], case=released, reason="Oppfølgingen er ferdig.", version=1)
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.closed_on == today
    assert case.closing_reason == "Oppfølgingen er ferdig."
    assert case.anonymise_on == today + datetime.timedelta(days=30)
    entry = JournalEntry.objects.get(case=case, action="case.close")
    assert entry.old["stage"] == "after_release" and entry.old["anonymise_on"] is None
    assert (
        entry.new["stage"] == "closed"
        and entry.new["anonymise_on"] == (today + datetime.timedelta(days=30)).isoformat()
    )
    assert entry.new["closing_reason"] == "Oppfølgingen er ferdig."


def test_closing_ends_every_membership_and_the_lead_stays_recorded(released, users):
    kari = users["kari.kontakt"]
    today = timezone.localdate()
    lead_before = released.lead_id
    # An open invitation, and a member who starts later, end as well.
    membership_add(actor=kari, case=released, user=users["mona.kommune"])
    membership_add(
        actor=kari, case=released, user=users["vera.frivillig"], start_date=today + datetime.timedelta(days=10)
    )
    open_before = list(
        Membership.objects.filter(case=released, end_date__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    assert len(open_before) == 5

    case_close(actor=kari, case=released, reason="Flyttet utenlands.", version=released.version)

    case = Case.objects.get(pk=released.pk)
    assert case.lead_id == lead_before
    assert not Membership.objects.filter(case=case, end_date__isnull=True).exists()
    ended = Membership.objects.filter(pk__in=open_before)
    assert {membership.end_date for membership in ended} == {today}
    assert all(membership.start_date <= membership.end_date for membership in ended)
    journaled = JournalEntry.objects.filter(case=case, action="membership.end").values_list("object_id", flat=True)
    assert {str(pk) for pk in open_before} <= set(journaled)
    # Today the members still see the case, from tomorrow no one but the person.
    assert Membership.objects.get(pk=lead_before).end_date == today


def test_the_database_refuses_to_end_the_lead_of_an_open_case_so_closing_saves_the_case_first(released):
    with pytest.raises(DatabaseError), transaction.atomic():
        Membership.objects.filter(pk=released.lead_id).update(end_date=timezone.localdate())
    assert Membership.objects.get(pk=released.lead_id).end_date is None


def test_closing_cancels_an_open_transition_with_the_reason(users):
    case = fresh_case(users)
    kari = users["kari.kontakt"]
    transition = transition_plan(
        actor=kari,
        case=case,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=14),
        to_agency=users["mona.kommune"].agency,
    )
    case_close(actor=kari, case=case, reason="Dommen er opphevet.", version=case.version)
    transition.refresh_from_db()
    assert transition.state == TransitionState.CANCELLED
    assert transition.cancel_reason == "Dommen er opphevet."
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED


def test_closing_refuses_an_edit_begun_on_an_older_version(released, users):
    kari = users["kari.kontakt"]
    stale = released.version
    case_follow_up_phase_set(actor=kari, case=released, phase=FollowUpPhase.CLOSING, version=stale)
    with pytest.raises(ConcurrentEditError):
        case_close(actor=kari, case=released, reason="Ferdig.", version=stale)
    assert Case.objects.get(pk=released.pk).stage == Stage.AFTER_RELEASE


def test_a_closed_case_refuses_further_changes(released, users):
    kari = users["kari.kontakt"]
    case = case_close(actor=kari, case=released, reason="Ferdig.", version=released.version)
    with pytest.raises(ValidationError, match="closed"):
        case_follow_up_phase_set(actor=kari, case=case, phase=FollowUpPhase.AFTERCARE, version=case.version)
    with pytest.raises(ValidationError, match="closed"):
        case_close(actor=kari, case=case, reason="Igjen.", version=case.version)
    with pytest.raises(ValidationError, match="closed"):
        carry_over_ask(actor=kari, case=case, needs_and_plan=True, group=False)
    with pytest.raises(ValidationError, match="closed"):
        membership_make_lead(actor=kari, membership=Membership.objects.filter(case=case).exclude(pk=case.lead_id)[0])
    with pytest.raises(ValidationError, match="closed"):
        transition_plan(
            actor=kari,
            case=case,
            kind=TransitionKind.TRANSFER_UNIT,
            planned_date=timezone.localdate(),
            to_unit="Avdeling Q",
        )
    after = Case.objects.get(pk=case.pk)
    assert (after.version, after.closing_reason) == (case.version, "Ferdig.")


def test_a_closed_case_takes_no_new_member_need_measure_or_meeting(released, users):
    from cases.services import carry_over_ask, membership_add
    from meetings.services import meeting_book
    from needs.services import need_create
    from plans.services import measure_propose
    from reference.models import LifeArea

    kari = users["kari.kontakt"]
    case = case_close(actor=kari, case=released, reason="Ferdig.", version=released.version)
    before = JournalEntry.objects.filter(case=case).count()
    attempts = [
        lambda: membership_add(actor=kari, case=case, user=users["helge.helse"]),
        lambda: carry_over_ask(actor=kari, case=case, needs_and_plan=False, group=True),
        lambda: need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug="housing"), summary="Bolig."),
        lambda: measure_propose(
            actor=kari,
            case=case,
            title="Bolig",
            needs=list(case.needs.all()[:1]),
            responsible_user=kari,
            start_date=timezone.localdate(),
            due_date=timezone.localdate(),
            requires_of_person="Ingenting.",
        ),
        lambda: meeting_book(
            actor=kari,
            case=case,
            kind="group",
            starts_at=timezone.now() + datetime.timedelta(days=1),
            place="Møterom",
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="closed"):
            attempt()
    assert JournalEntry.objects.filter(case=case).count() == before


# The pages.


def test_staff_see_release_facts_and_set_the_phase_on_the_overview(client, released, users):
    client.force_login(users["kari.kontakt"])
    url = reverse("cases:overview", kwargs={"code": released.code})
    page = client.get(url).content.decode()
    assert "Released on" in page and "Reporting duty" in page
    assert 'id="follow-up-phase-form"' in page and 'id="close-case-form"' in page

    response = client.post(
        reverse("cases:follow_up_phase", kwargs={"code": released.code}),
        {"phase": FollowUpPhase.AFTERCARE, "version": released.version},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=released.pk).follow_up_phase == FollowUpPhase.AFTERCARE


def test_a_stale_phase_form_is_refused_with_a_message(client, released, users):
    client.force_login(users["kari.kontakt"])
    case_follow_up_phase_set(
        actor=users["sara.sosial"], case=released, phase=FollowUpPhase.CLOSING, version=released.version
    )
    response = client.post(
        reverse("cases:follow_up_phase", kwargs={"code": released.code}),
        {"phase": FollowUpPhase.AFTERCARE, "version": released.version},
    )
    assert response.status_code == 400
    assert "Someone else changed the case" in response.content.decode()
    assert Case.objects.get(pk=released.pk).follow_up_phase == FollowUpPhase.CLOSING


def test_closing_without_a_reason_shows_the_error_at_the_field_and_changes_nothing(client, released, users, settings):
    settings.ANONYMISE_AFTER_DAYS = 10
    client.force_login(users["kari.kontakt"])
    page = client.get(reverse("cases:overview", kwargs={"code": released.code})).content.decode()
    assert (timezone.localdate() + datetime.timedelta(days=10)).strftime("%Y") in page
    response = client.post(reverse("cases:close", kwargs={"code": released.code}), {"reason": "", "version": 1})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say why the case is closed." in body
    assert Case.objects.get(pk=released.pk).stage == Stage.AFTER_RELEASE


def test_closing_from_the_overview_shows_when_and_why_and_the_anonymisation_date(client, released, users):
    client.force_login(users["kari.kontakt"])
    response = client.post(
        reverse("cases:close", kwargs={"code": released.code}),
        {"reason": "Oppfølgingen er avsluttet etter avtale.", "version": released.version},
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:caseload")
    closed = Case.objects.get(pk=released.pk)
    assert closed.closing_reason == "Oppfølgingen er avsluttet etter avtale." and closed.anonymise_on is not None
    page = client.get(response["Location"]).content.decode()
    assert "is closed" in page and "anonymised on" in page
    # The group's access ended with the case, on the next request (issue 16, hole 3).
    assert client.get(reverse("cases:overview", kwargs={"code": released.code})).status_code == 404


def test_a_member_without_the_lead_cannot_set_the_phase_or_close(client, released, users):
    client.force_login(users["nils.nav"])
    page = client.get(reverse("cases:overview", kwargs={"code": released.code})).content.decode()
    assert 'id="close-case-form"' not in page and 'id="follow-up-phase-form"' not in page
    for name, data in [
        ("cases:follow_up_phase", {"phase": FollowUpPhase.AFTERCARE, "version": released.version}),
        ("cases:close", {"reason": "Nei.", "version": released.version}),
        ("cases:carry_over_ask", {"needs_and_plan": "on"}),
    ]:
        assert client.post(reverse(name, kwargs={"code": released.code}), data).status_code == 403
    assert Case.objects.get(pk=released.pk).stage == Stage.AFTER_RELEASE


def test_an_incoming_lead_from_probation_runs_the_follow_up_and_closes_the_case(client, users):
    """After a parole release the lead has passed to probation; the lead sets the phase and closes."""
    kari, petra = users["kari.kontakt"], users["petra.friomsorg"]
    case = fresh_case(users)
    transition = transition_plan(
        actor=kari,
        case=case,
        kind=TransitionKind.PAROLE,
        planned_date=timezone.localdate(),
        to_agency=petra.agency,
    )
    incoming = membership_accept(
        actor=petra, membership=transition_invite(actor=kari, transition=transition, user=petra)
    )
    meeting = meeting_book(
        actor=kari,
        case=case,
        kind=MeetingKind.HANDOVER_REVIEW,
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        place="Besøksrommet",
    )
    attendance_record(actor=kari, meeting=meeting, membership=incoming, present=True)
    membership_make_lead(actor=kari, membership=incoming)
    transition_complete(actor=kari, transition=Transition.objects.get(pk=transition.pk))
    for username in ["sara.sosial", "kari.kontakt"]:
        membership_end(actor=kari, membership=Membership.objects.get(case=case, user__username=username, end_date=None))
    case = Case.objects.get(pk=case.pk)
    assert case.lead.user == petra

    client.force_login(petra)
    assert (
        client.post(
            reverse("cases:follow_up_phase", kwargs={"code": case.code}),
            {"phase": FollowUpPhase.CLOSING, "version": case.version},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("cases:close", kwargs={"code": case.code}),
            {"reason": "Prøvetiden er over.", "version": case.version + 1},
        ).status_code
        == 302
    )
    closed = Case.objects.get(pk=case.pk)
    assert closed.stage == Stage.CLOSED and closed.lead_id == incoming.pk
    assert Membership.objects.get(pk=incoming.pk).end_date == timezone.localdate()


def test_the_person_reads_that_help_goes_on_after_release_and_they_may_keep_the_group(client, personas, case, users):
    client.force_login(personas.person)
    page = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert "The help does not stop when you are released." in page
    assert "You may keep the people who help you now, also after you are released." in page

    released = release(case, users)
    page = client.get(reverse("cases:overview", kwargs={"code": released.code})).content.decode()
    assert "The help does not stop now." in page
    assert "You may keep the people who help you for as long as you need them." in page
    # A plain release goes straight to voluntary aftercare.
    assert "it is your choice" in page
