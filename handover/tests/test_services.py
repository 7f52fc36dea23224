"""The handover services, directly: each write's journal entry (actor, action, case, old and new values) in
its transaction; refused inputs raise ValidationError and change nothing; a stale version raises
ConcurrentEditError. ``transition_note_acceptance``, called by ``membership_accept``, is tested on its own.

The overlap rule step by step is in ``test_overlap.py`` and ``test_lead_invariant.py``; the release at
short notice with its checklist and e-mails in ``release/tests/test_sudden.py``.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from cases.models import Case, LegalStatus, Membership, Stage
from cases.services import IntakeData, case_open, membership_add
from core.errors import ConcurrentEditError
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import (
    case_close,
    membership_accept,
    release_sudden,
    transition_cancel,
    transition_complete,
    transition_invite,
    transition_note_acceptance,
    transition_plan,
)
from journal.models import JournalEntry
from timetable.engine import anonymise_on

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def users(personas) -> dict[str, User]:
    return {user.username: user for user in User.objects.select_related("agency")}


@pytest.fixture
def kari(users) -> User:
    return users["kari.kontakt"]


@pytest.fixture
def fresh(users, kari) -> Case:
    """A sentenced person's case in Kari's prison, with Sara (social worker) and Nils (NAV, accepted)."""
    case = case_open(
        actor=kari,
        data=IntakeData(
            first_name="Ola",
            last_name="Overgang",
            birth_date=datetime.date(2002, 3, 1),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=today() - datetime.timedelta(days=60),
            sentence_start=today() - datetime.timedelta(days=60),
            sentence_days=240,
        ),
    )
    membership_add(actor=kari, case=case, user=users["sara.sosial"])
    nils = membership_add(actor=kari, case=case, user=users["nils.nav"])
    membership_accept(actor=users["nils.nav"], membership=nils)
    return Case.objects.select_related("person", "institution").get(pk=case.pk)


@pytest.fixture
def parole(fresh, kari, users) -> Transition:
    return transition_plan(
        actor=kari,
        case=fresh,
        kind=TransitionKind.PAROLE,
        planned_date=today() + datetime.timedelta(days=30),
        to_agency=users["petra.friomsorg"].agency,
        reason="  Prøveløslatelse innvilget. ",
    )


def journal_of(action: str, obj) -> JournalEntry:
    return JournalEntry.objects.filter(action=action, object_id=str(obj.pk)).latest("id")


def counts() -> tuple[int, int, int]:
    return Transition.objects.count(), Membership.objects.count(), JournalEntry.objects.count()


# --- Planning, inviting, cancelling ------------------------------------------------------------------


def test_a_planned_transition_is_journaled_with_its_kind_date_agencies_and_reason(fresh, kari, users, parole):
    assert parole.state == TransitionState.PLANNED and parole.from_agency_id == fresh.institution_id
    entry = journal_of("transition.plan", parole)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk and entry.old is None
    assert entry.new is not None
    assert (entry.new["kind"], entry.new["state"], entry.new["planned_date"]) == (
        "parole",
        "planned",
        (today() + datetime.timedelta(days=30)).isoformat(),
    )
    assert (
        entry.new["from_agency"] == fresh.institution_id
        and entry.new["to_agency"] == users["petra.friomsorg"].agency_id
    )
    assert entry.new["reason"] == "Prøveløslatelse innvilget." and entry.new["incoming"] == []


def test_a_transition_for_a_released_person_or_a_closed_case_is_refused_and_nothing_is_planned(fresh, kari):
    release = transition_plan(actor=kari, case=fresh, kind=TransitionKind.RELEASE, planned_date=today())
    transition_complete(actor=kari, transition=release)
    released = Case.objects.get(pk=fresh.pk)
    assert released.released_on == today()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        transition_plan(actor=kari, case=released, kind=TransitionKind.PAROLE, planned_date=today())
    assert set(refused.value.message_dict) == {"kind"}
    closed = case_close(actor=kari, case=released, reason="Ferdig fulgt opp.", version=released.version)
    closed_counts = counts()
    with pytest.raises(ValidationError) as refused:
        transition_plan(
            actor=kari, case=closed, kind=TransitionKind.TRANSFER_UNIT, planned_date=today(), to_unit="Avdeling B"
        )
    assert set(refused.value.message_dict) == {"kind"}
    assert counts() == closed_counts and closed_counts[0] == before[0]


def test_an_invitation_for_a_transition_is_journaled_with_the_incoming_member(fresh, kari, users, parole):
    petra = users["petra.friomsorg"]
    incoming = transition_invite(actor=kari, transition=parole, user=petra, purpose="Tilsyn")
    assert incoming.user_id == petra.pk and incoming.accepted_at is None
    entry = journal_of("transition.invite", parole)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["incoming"] == [] and entry.new["incoming"] == [incoming.pk]
    assert entry.new["state"] == "planned"  # no one has accepted yet


def test_an_invitation_for_a_cancelled_transition_is_refused_and_invites_no_one(fresh, kari, users, parole):
    transition_cancel(actor=kari, transition=parole, reason="Ny dom.", version=parole.version)
    before = counts()
    with pytest.raises(ValidationError, match="no longer open"):
        transition_invite(actor=kari, transition=parole, user=users["petra.friomsorg"])
    assert counts() == before


def test_a_cancellation_keeps_its_reason_and_is_journaled_with_the_old_and_new_state(fresh, kari, parole):
    cancelled = transition_cancel(actor=kari, transition=parole, reason="  Ny dom. ", version=1)
    assert (cancelled.state, cancelled.cancel_reason, cancelled.version) == (TransitionState.CANCELLED, "Ny dom.", 2)
    entry = journal_of("transition.cancel", parole)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["state"], entry.old["cancel_reason"]) == ("planned", "")
    assert (entry.new["state"], entry.new["cancel_reason"]) == ("cancelled", "Ny dom.")


def test_a_stale_or_second_cancellation_is_refused_and_changes_nothing(kari, parole):
    before = counts()
    with pytest.raises(ConcurrentEditError):
        transition_cancel(actor=kari, transition=parole, reason="Ny dom.", version=parole.version + 1)
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.PLANNED and counts() == before
    transition_cancel(actor=kari, transition=parole, reason="Ny dom.", version=1)
    after = counts()
    with pytest.raises(ValidationError, match="no longer open"):
        transition_cancel(actor=kari, transition=parole, reason="Igjen.", version=2)
    assert counts() == after


# --- Accepting, and the overlap it starts -------------------------------------------------------------


def test_accepting_an_invitation_is_journaled_and_starts_the_overlap(fresh, users, kari, parole):
    petra = users["petra.friomsorg"]
    invited = transition_invite(actor=kari, transition=parole, user=petra)
    accepted = membership_accept(actor=petra, membership=invited)
    assert accepted.accepted_at is not None
    entry = journal_of("membership.accept", invited)
    assert entry.actor_id == petra.pk and entry.case_id == fresh.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["accepted_at"] is None and entry.new["accepted_at"] == accepted.accepted_at.isoformat()
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.OVERLAP
    overlap = journal_of("transition.overlap", parole)
    assert overlap.actor_id == petra.pk and overlap.old is not None and overlap.new is not None
    assert (overlap.old["state"], overlap.new["state"]) == ("planned", "overlap")


def test_an_invitation_is_accepted_only_by_the_invited_user_once_and_before_it_expires(fresh, users, kari, parole):
    petra, mona = users["petra.friomsorg"], users["mona.kommune"]
    invited = transition_invite(actor=kari, transition=parole, user=petra)
    short = membership_add(actor=kari, case=fresh, user=mona, end_date=today() + datetime.timedelta(days=1))
    before = counts()
    with pytest.raises(ValidationError, match="Only the invited person"):
        membership_accept(actor=kari, membership=invited)
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.PLANNED
    later = timezone.now() + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError, match="expired"):
        membership_accept(actor=mona, membership=short)
    nils = Membership.objects.get(case=fresh, user=users["nils.nav"], end_date__isnull=True)
    with pytest.raises(ValidationError, match="already accepted"):
        membership_accept(actor=users["nils.nav"], membership=nils)
    assert Membership.objects.filter(pk__in=[invited.pk, short.pk], accepted_at__isnull=False).count() == 0
    assert counts() == before


def test_noting_an_acceptance_moves_only_the_members_planned_transitions_to_overlap(fresh, users, kari, parole):
    petra = users["petra.friomsorg"]
    invited = transition_invite(actor=kari, transition=parole, user=petra)
    sara = Membership.objects.get(case=fresh, user=users["sara.sosial"], end_date__isnull=True)
    journal = JournalEntry.objects.count()
    transition_note_acceptance(actor=kari, membership=sara)  # not an incoming member: nothing moves
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.PLANNED
    assert JournalEntry.objects.count() == journal
    transition_note_acceptance(actor=kari, membership=invited)
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.OVERLAP
    assert journal_of("transition.overlap", parole).actor_id == kari.pk
    journal = JournalEntry.objects.count()
    transition_note_acceptance(actor=kari, membership=invited)  # in overlap already: nothing more
    assert JournalEntry.objects.count() == journal


# --- Completing -----------------------------------------------------------------------------------------


def test_a_completed_release_journals_the_transition_and_the_case_with_the_old_and_new_values(fresh, kari, users):
    release = transition_plan(actor=kari, case=fresh, kind=TransitionKind.RELEASE, planned_date=today())
    done = transition_complete(actor=kari, transition=release)
    assert (done.state, done.completed_on, done.handover_gap) == (TransitionState.COMPLETED, today(), True)
    entry = journal_of("transition.complete", release)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["state"], entry.old["completed_on"]) == ("planned", None)
    assert (entry.new["state"], entry.new["completed_on"], entry.new["handover_gap"]) == (
        "completed",
        today().isoformat(),
        True,  # no one had taken hold
    )
    moved = journal_of("case.transition", fresh)
    assert moved.actor_id == kari.pk and moved.old is not None and moved.new is not None
    assert moved.old["released_on"] is None and moved.new["released_on"] == today().isoformat()
    assert moved.new["stage"] == Stage.AFTER_RELEASE


def test_only_a_release_happens_at_short_notice_and_a_refused_completion_changes_nothing(fresh, kari, parole):
    transition_cancel(actor=kari, transition=parole, reason="Ny plan.", version=1)
    unit = transition_plan(
        actor=kari, case=fresh, kind=TransitionKind.TRANSFER_UNIT, planned_date=today(), to_unit="Avdeling B"
    )
    before = counts()
    with pytest.raises(ValidationError, match="Only a release"):
        transition_complete(actor=kari, transition=unit, sudden=True)
    with pytest.raises(ValidationError) as refused:
        transition_complete(actor=kari, transition=unit, on=today() - datetime.timedelta(days=8))
    assert set(refused.value.message_dict) == {"on"}
    assert Transition.objects.get(pk=unit.pk).state == TransitionState.PLANNED and counts() == before
    assert Case.objects.get(pk=fresh.pk).unit == fresh.unit


# --- Closing the case -----------------------------------------------------------------------------------


def test_closing_journals_the_case_and_every_membership_ended_and_cancels_the_open_transition(fresh, kari, parole):
    open_members = list(Membership.objects.filter(case=fresh, end_date__isnull=True).values_list("pk", flat=True))
    closed = case_close(actor=kari, case=fresh, reason="  Dommen opphevet. ", version=fresh.version)
    assert (closed.stage, closed.closed_on, closed.closing_reason) == (Stage.CLOSED, today(), "Dommen opphevet.")
    assert closed.anonymise_on == anonymise_on(today()) and closed.version == fresh.version + 1
    entry = journal_of("case.close", fresh)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["stage"] != "closed" and entry.new["stage"] == "closed"
    assert entry.new["closing_reason"] == "Dommen opphevet."
    ended = JournalEntry.objects.filter(action="membership.end", case=fresh).values_list("object_id", flat=True)
    assert sorted(int(pk) for pk in ended) == sorted(open_members)
    assert Transition.objects.get(pk=parole.pk).state == TransitionState.CANCELLED
    cancel = journal_of("transition.cancel", parole)
    assert cancel.new is not None and cancel.new["cancel_reason"] == "Dommen opphevet."


def test_closing_without_a_reason_or_on_a_stale_version_is_refused_and_changes_nothing(fresh, kari):
    before = (Case.objects.get(pk=fresh.pk).stage, counts())
    with pytest.raises(ValidationError) as refused:
        case_close(actor=kari, case=fresh, reason="  ", version=fresh.version)
    assert set(refused.value.message_dict) == {"reason"}
    with pytest.raises(ConcurrentEditError):
        case_close(actor=kari, case=fresh, reason="Feil.", version=fresh.version + 1)
    assert (Case.objects.get(pk=fresh.pk).stage, counts()) == before
    assert not Membership.objects.filter(case=fresh, end_date__isnull=False).exists()


# --- A release at short notice --------------------------------------------------------------------------


def test_a_release_at_short_notice_is_journaled_once_and_a_repeat_records_nothing_twice(fresh, kari):
    result = release_sudden(actor=kari, case=fresh, on=today(), reason="  Løslatt av retten. ")
    assert not result.repeated and result.transition.sudden and result.transition.state == TransitionState.COMPLETED
    entry = journal_of("release.sudden", result.transition)
    assert entry.actor_id == kari.pk and entry.case_id == fresh.pk
    assert entry.old == {"sudden": False, "completed_on": None}
    assert entry.new == {"sudden": True, "completed_on": today().isoformat(), "reason": "Løslatt av retten."}
    journal = JournalEntry.objects.count()
    again = release_sudden(actor=kari, case=fresh, on=today(), reason="Igjen.")
    assert again.repeated and again.transition.pk == result.transition.pk
    assert JournalEntry.objects.count() == journal and Transition.objects.filter(case=fresh).count() == 1


def test_a_release_at_short_notice_without_a_reason_or_with_a_transfer_planned_is_refused(fresh, kari):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        release_sudden(actor=kari, case=fresh, on=today(), reason=" ")
    assert set(refused.value.message_dict) == {"reason"}
    unit = transition_plan(
        actor=kari, case=fresh, kind=TransitionKind.TRANSFER_UNIT, planned_date=today(), to_unit="Avdeling B"
    )
    planned = counts()
    with pytest.raises(ValidationError, match="transfer is planned"):
        release_sudden(actor=kari, case=fresh, on=today(), reason="Løslatt.")
    assert counts() == planned and planned[0] == before[0] + 1
    assert Transition.objects.get(pk=unit.pk).state == TransitionState.PLANNED
    assert Case.objects.get(pk=fresh.pk).released_on is None
