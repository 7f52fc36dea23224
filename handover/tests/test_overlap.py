"""Transitions and the overlap rule, step by step; the lead held by the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Case, LegalStatus, Membership, Stage
from cases.services import IntakeData, case_open, membership_add, membership_end, membership_make_lead
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import (
    membership_accept,
    transition_cancel,
    transition_complete,
    transition_invite,
    transition_plan,
)
from journal.models import JournalEntry
from meetings.models import MeetingKind
from meetings.services import attendance_record, meeting_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(personas):
    return {user.username: user for user in User.objects.select_related("agency")}


@pytest.fixture
def fresh(users):
    """A sentenced person's case in Kari's prison, with Sara (social worker) and Nils (NAV)."""
    today = timezone.localdate()
    kari = users["kari.kontakt"]
    case = case_open(
        actor=kari,
        data=IntakeData(
            first_name="Ola",
            last_name="Overgang",
            birth_date=datetime.date(2002, 3, 1),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=today - datetime.timedelta(days=60),
            sentence_start=today - datetime.timedelta(days=60),
            sentence_days=240,
        ),
    )
    membership_add(actor=kari, case=case, user=users["sara.sosial"])
    nils = membership_add(actor=kari, case=case, user=users["nils.nav"])
    membership_accept(actor=users["nils.nav"], membership=nils)
    case.refresh_from_db()
    return case


def attend(case, membership, actor):
    meeting = meeting_book(
        actor=actor,
        case=case,
        kind=MeetingKind.HANDOVER_REVIEW,
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        place="Besøksrommet",
    )
    attendance_record(actor=actor, meeting=meeting, membership=membership, present=True)


def member(case, user) -> Membership:
    return Membership.objects.get(case=case, user=user, end_date__isnull=True)


def test_parole_overlap_from_invitation_to_letting_go(fresh, users):
    kari, sara, petra = users["kari.kontakt"], users["sara.sosial"], users["petra.friomsorg"]
    transition = transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.PAROLE,
        planned_date=timezone.localdate() + datetime.timedelta(days=56),
        to_agency=petra.agency,
    )
    fresh.refresh_from_db()
    assert fresh.stage == Stage.UNDERSTAND_NEEDS or fresh.stage == Stage.HANDOVER
    incoming = transition_invite(actor=kari, transition=transition, user=petra, purpose="Tilsyn etter løslatelse")
    assert incoming.accepted_at is None

    # Nobody has come in: the prison's social worker cannot leave.
    with pytest.raises(ValidationError, match="No one has taken hold"):
        membership_end(actor=kari, membership=member(fresh, sara))

    incoming = membership_accept(actor=petra, membership=incoming)
    transition.refresh_from_db()
    assert transition.state == TransitionState.OVERLAP
    # Accepted, but not yet at a meeting: still no letting go, and no lead.
    with pytest.raises(ValidationError, match="must attend"):
        membership_end(actor=kari, membership=member(fresh, sara))
    with pytest.raises(ValidationError, match="must attend"):
        membership_make_lead(actor=kari, membership=incoming)

    attend(fresh, incoming, kari)
    membership_end(actor=kari, membership=member(fresh, sara))
    membership_make_lead(actor=kari, membership=incoming)
    fresh.refresh_from_db()
    assert fresh.lead == incoming
    transition_complete(actor=kari, transition=transition, early_reason="Innvilget prøveløslatelse tidligere.")
    membership_end(actor=kari, membership=member(fresh, kari))

    fresh.refresh_from_db()
    assert fresh.stage == Stage.AFTER_RELEASE and fresh.released_on == timezone.localdate()
    assert fresh.follow_up_phase == "reporting_duty"
    assert fresh.lead.user == petra and fresh.lead.end_date is None
    actions = list(JournalEntry.objects.filter(case=fresh).values_list("action", flat=True))
    for action in ["transition.plan", "transition.invite", "transition.overlap", "case.lead", "transition.complete"]:
        assert action in actions


def test_a_current_member_can_be_counted_as_incoming_and_a_declined_invitation_holds_nothing(fresh, users):
    kari, nils, mona = users["kari.kontakt"], users["nils.nav"], users["mona.kommune"]
    transition = transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=20),
        to_agency=mona.agency,
    )
    counted = transition_invite(actor=kari, transition=transition, user=nils)
    assert counted == member(fresh, nils)
    transition.refresh_from_db()
    assert transition.state == TransitionState.OVERLAP
    with pytest.raises(ValidationError, match="already invited"):
        transition_invite(actor=kari, transition=transition, user=nils)
    with pytest.raises(ValidationError, match="lead"):
        transition_invite(actor=kari, transition=transition, user=kari)
    with pytest.raises(ValidationError, match="already planned"):
        transition_plan(
            actor=kari, case=fresh, kind=TransitionKind.PAROLE, planned_date=timezone.localdate(), to_agency=None
        )


def test_a_transfer_needs_the_lead_handed_to_the_receiving_prison_first(fresh, users):
    kari, olav = users["kari.kontakt"], users["olav.oslo"]
    transition = transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.TRANSFER_PRISON,
        planned_date=timezone.localdate(),
        to_agency=olav.agency,
        to_unit="Avdeling C",
    )
    incoming = transition_invite(actor=kari, transition=transition, user=olav)
    with pytest.raises(ValidationError, match="Hand the lead"):
        transition_complete(actor=kari, transition=transition)
    incoming = membership_accept(actor=olav, membership=incoming)
    attend(fresh, incoming, kari)
    membership_make_lead(actor=kari, membership=incoming)
    transition_complete(actor=kari, transition=transition)
    fresh.refresh_from_db()
    assert fresh.institution == olav.agency and fresh.unit == "Avdeling C"
    # Kari's prison is now the outgoing side: she can leave, and so can the social worker.
    membership_end(actor=kari, membership=member(fresh, kari))
    membership_end(actor=kari, membership=member(fresh, users["sara.sosial"]))


def test_bad_transitions_are_refused_with_a_message_and_change_nothing(fresh, users):
    kari = users["kari.kontakt"]
    before = Transition.objects.count()
    with pytest.raises(ValidationError) as error:
        transition_plan(
            actor=kari,
            case=fresh,
            kind=TransitionKind.TRANSFER_PRISON,
            planned_date=timezone.localdate() - datetime.timedelta(days=30),
            to_agency=kari.agency,
        )
    assert set(error.value.message_dict) == {"planned_date", "to_agency"}
    with pytest.raises(ValidationError, match="cannot receive"):
        transition_plan(
            actor=kari,
            case=fresh,
            kind=TransitionKind.PAROLE,
            planned_date=timezone.localdate(),
            to_agency=users["mona.kommune"].agency,
        )
    assert Transition.objects.count() == before
    planned = transition_plan(
        actor=kari, case=fresh, kind=TransitionKind.RELEASE, planned_date=timezone.localdate() + datetime.timedelta(1)
    )
    with pytest.raises(ValidationError, match="on or after"):
        transition_complete(actor=kari, transition=planned, on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="why"):
        transition_cancel(actor=kari, transition=planned, reason=" ", version=planned.version)
    cancelled = transition_cancel(actor=kari, transition=planned, reason="Ny dom", version=planned.version)
    assert cancelled.state == TransitionState.CANCELLED


def test_the_database_keeps_exactly_one_lead(fresh, users):
    lead = fresh.lead
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Case.objects.filter(pk=fresh.pk).update(lead=None)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Membership.objects.filter(pk=lead.pk).update(end_date=timezone.localdate())
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Membership.objects.filter(pk=member(fresh, users["sara.sosial"]).pk).delete()
    other = Case.objects.exclude(pk=fresh.pk).exclude(lead=None)[0]
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Case.objects.filter(pk=fresh.pk).update(lead=other.lead_id)
    invited = membership_add(actor=users["kari.kontakt"], case=fresh, user=users["mona.kommune"])
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Case.objects.filter(pk=fresh.pk).update(lead=invited)
    fresh.refresh_from_db()
    assert fresh.lead == lead and Membership.objects.get(pk=lead.pk).end_date is None
    if connection.vendor == "postgresql":
        # A case written without a lead cannot commit (checked here at once instead of at commit).
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            Case.objects.filter(pk=fresh.pk).update(unit="B")
            Case.objects.create(
                person=fresh.person,
                institution=fresh.institution,
                security_level=fresh.security_level,
                country=fresh.country,
                legal_status=fresh.legal_status,
                intake_date=fresh.intake_date,
                home_municipality="Bergen",
                created_by=users["kari.kontakt"],
            )
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS case_has_lead IMMEDIATE")


def test_every_case_of_the_demo_world_has_a_current_lead(db):
    cases = Case.objects.exclude(stage=Stage.CLOSED)
    assert cases.exists()
    assert not cases.filter(lead=None).exists()
    assert not cases.filter(lead__end_date__isnull=False).exists()


def test_the_handover_page_shows_who_has_taken_hold_and_who_may_let_go(client_for, fresh, users):
    kari, petra = users["kari.kontakt"], users["petra.friomsorg"]
    transition = transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.PAROLE,
        planned_date=timezone.localdate() + datetime.timedelta(days=56),
        to_agency=petra.agency,
    )
    incoming = transition_invite(actor=kari, transition=transition, user=petra)
    page = client_for(kari).get(reverse("handover:page", kwargs={"code": fresh.code})).content.decode()
    assert 'data-state="invited"' in page and 'data-may-leave="no"' in page
    incoming = membership_accept(actor=petra, membership=incoming)
    attend(fresh, incoming, kari)
    page = client_for(kari).get(reverse("handover:page", kwargs={"code": fresh.code})).content.decode()
    assert 'data-state="taken_hold"' in page and 'data-may-leave="yes"' in page


def test_planning_through_the_page_validates_next_to_the_field(client_for, fresh, users):
    client = client_for(users["kari.kontakt"])
    url = reverse("handover:plan", kwargs={"code": fresh.code})
    response = client.post(url, {"kind": "transfer_unit", "planned_date": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert 'id="id_to_unit"' in response.content.decode() and "aria-invalid" in response.content.decode()
    assert not Transition.objects.filter(case=fresh).exists()
    response = client.post(
        url, {"kind": "transfer_unit", "planned_date": timezone.localdate().isoformat(), "to_unit": "Avdeling B"}
    )
    assert response.status_code == 302
    assert Transition.objects.get(case=fresh).to_unit == "Avdeling B"


def test_a_transition_is_not_done_before_the_sentence_started_nor_early_without_a_reason(fresh, users):
    """Issue 17, point 2: a parole planned months ahead was recorded as done before the sentence began."""
    kari = users["kari.kontakt"]
    today = timezone.localdate()
    planned = transition_plan(
        actor=kari, case=fresh, kind=TransitionKind.RELEASE, planned_date=today + datetime.timedelta(days=90)
    )
    Case.objects.filter(pk=fresh.pk).update(
        intake_date=today - datetime.timedelta(days=2), sentence_start=today - datetime.timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="before the sentence started"):
        transition_complete(actor=kari, transition=planned, on=today - datetime.timedelta(days=3), early_reason="x")
    with pytest.raises(ValidationError, match="before the planned date"):
        transition_complete(actor=kari, transition=planned, on=today)
    assert Transition.objects.get(pk=planned.pk).state == TransitionState.PLANNED
    assert Case.objects.get(pk=fresh.pk).stage != Stage.AFTER_RELEASE

    done = transition_complete(actor=kari, transition=planned, on=today, early_reason="Løslatt av retten i dag.")
    assert done.early_reason == "Løslatt av retten i dag."
    # No incoming actor had taken hold: allowed, since it happens, and kept as a handover gap.
    assert done.handover_gap
    entry = JournalEntry.objects.filter(action="transition.complete", object_id=str(done.pk)).get()
    assert entry.new is not None and entry.new["handover_gap"] is True


def test_the_handover_page_asks_why_an_early_release_came_early(client, fresh, users):
    kari = users["kari.kontakt"]
    planned = transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    client.force_login(kari)
    url = reverse("handover:complete", kwargs={"code": fresh.code, "transition_id": planned.pk})
    response = client.post(url, {"on": timezone.localdate().isoformat(), "early_reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert Transition.objects.get(pk=planned.pk).state == TransitionState.PLANNED


def test_a_release_before_anyone_took_hold_shows_as_a_gap_on_the_case_and_on_what_is_due(client_for, fresh, users):
    """Issue 17, point 2: allowed, but shown on the case overview and on the lead's "what is due"."""
    kari, petra = users["kari.kontakt"], users["petra.friomsorg"]
    today = timezone.localdate()
    parole = transition_plan(actor=kari, case=fresh, kind=TransitionKind.PAROLE, planned_date=today)
    incoming = transition_invite(actor=kari, transition=parole, user=petra)
    incoming = membership_accept(actor=petra, membership=incoming)  # accepted, but never at a meeting: not taken hold
    transition_complete(actor=kari, transition=parole)
    client = client_for(kari)
    overview = client.get(reverse("cases:overview", kwargs={"code": fresh.code})).content.decode()
    assert 'id="handover-gap"' in overview
    due = client.get(reverse("timetable:due")).content.decode()
    assert f'<li data-handover-gap="{fresh.code}"><span class="ds-tag" data-color="warning">Handover gap</span>' in due
    # Only on the lead's list.
    assert (
        f'data-handover-gap="{fresh.code}"'
        not in client_for(users["sara.sosial"]).get(reverse("timetable:due")).content.decode()
    )

    attend(fresh, incoming, kari)  # probation has taken hold: nothing left to do, the history stays
    assert f'data-handover-gap="{fresh.code}"' not in client_for(kari).get(reverse("timetable:due")).content.decode()
    overview = client_for(kari).get(reverse("cases:overview", kwargs={"code": fresh.code})).content.decode()
    assert 'id="handover-gap"' in overview


def test_a_transition_cannot_be_recorded_as_done_in_the_future(fresh, users):
    """Issue 17, point 2, kept: the actual date is not in the future."""
    kari = users["kari.kontakt"]
    today = timezone.localdate()
    planned = transition_plan(actor=kari, case=fresh, kind=TransitionKind.RELEASE, planned_date=today)
    with pytest.raises(ValidationError, match="on or after the day it happens"):
        transition_complete(actor=kari, transition=planned, on=today + datetime.timedelta(days=1))
    assert Transition.objects.get(pk=planned.pk).state == TransitionState.PLANNED
