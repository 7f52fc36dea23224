"""Applying, the intake conversation, the decision, the waiting list, phases and closing (points 3 and 4)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from applications.models import ApplicationKind, Outcome
from cases.models import Case, LegalStatus, Membership
from cases.services import IntakeData, case_open
from core.errors import ConcurrentEditError
from handover import rules
from handover.models import TransitionKind
from handover.services import transition_plan
from journal.models import JournalEntry
from programmes import selectors
from programmes.models import CatchmentCount, Enrolment, EnrolmentState, Programme
from programmes.services import (
    catchment_count,
    enrolment_apply,
    enrolment_close,
    enrolment_decide,
    enrolment_interview,
    enrolment_phase_move,
    programme_facts_set,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def new_applicant(karl, programme: Programme, first_name: str, gang_ties: str, applied: int) -> Enrolment:
    case = case_open(
        actor=karl,
        data=IntakeData(
            first_name=first_name,
            last_name="Test",
            birth_date=datetime.date(1998, 3, 4),
            home_municipality="København",
            legal_status=LegalStatus.SENTENCED,
            intake_date=days(-40),
            sentence_start=days(-40),
            sentence_days=400,
        ),
    )
    programme_facts_set(
        actor=karl,
        case=case,
        expulsion_order="no",
        gang_ties=gang_ties,
        wants_to_leave_crime="yes",
        earlier_sentences=0,
        version=None,
    )
    return enrolment_apply(
        actor=karl, case=case, programme=programme, by_person=False, person_agrees=True, applied_on=days(applied)
    )


def interviewed_and_accepted(emma, enrolment: Enrolment, on: int) -> Enrolment:
    enrolment = enrolment_interview(
        actor=emma, enrolment=enrolment, held_on=days(on), note="Samtale", version=enrolment.version
    )
    return enrolment_decide(
        actor=emma, enrolment=enrolment, accept=True, decided_on=days(on), version=enrolment.version
    )


def test_staff_apply_on_the_persons_behalf_only_with_their_agreement(karl, mikkel):
    tog = Programme.objects.get(slug="tog")
    with pytest.raises(ValidationError) as refused:
        enrolment_apply(actor=karl, case=mikkel, programme=tog, by_person=False)
    assert "person_agrees" in refused.value.message_dict
    assert not Enrolment.objects.filter(case=mikkel, programme=tog).exists()
    enrolment = enrolment_apply(actor=karl, case=mikkel, programme=tog, by_person=False, person_agrees=True)
    application = enrolment.application
    assert application.kind == ApplicationKind.PROGRAMME and not application.by_person and application.pending
    assert JournalEntry.objects.filter(action="programme.apply", object_id=str(enrolment.pk)).exists()
    with pytest.raises(ValidationError):  # once is enough while the application is open
        enrolment_apply(actor=karl, case=mikkel, programme=tog, by_person=False, person_agrees=True)


def test_the_decision_follows_the_intake_conversation_and_a_refusal_has_its_reason(emma, yusuf_enrolment):
    enrolment = yusuf_enrolment
    with pytest.raises(ValidationError):
        enrolment_decide(actor=emma, enrolment=enrolment, accept=True, decided_on=days(0), version=enrolment.version)
    enrolment = enrolment_interview(actor=emma, enrolment=enrolment, held_on=days(-1), note="", version=1)
    with pytest.raises(ValidationError) as refused:
        enrolment_decide(actor=emma, enrolment=enrolment, accept=False, decided_on=days(0), version=enrolment.version)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ConcurrentEditError):
        enrolment_decide(actor=emma, enrolment=enrolment, accept=False, decided_on=days(0), reason="x", version=1)
    enrolment = enrolment_decide(
        actor=emma,
        enrolment=enrolment,
        accept=False,
        decided_on=days(0),
        reason="Du passer bedre i et andet tilbud nu.",
        version=enrolment.version,
    )
    assert enrolment.state == EnrolmentState.REFUSED
    enrolment.application.refresh_from_db()
    assert enrolment.application.outcome == Outcome.REFUSED
    assert enrolment.application.reason == "Du passer bedre i et andet tilbud nu."


def test_the_waiting_list_puts_gang_ties_first_and_a_freed_place_goes_to_the_first_in_line(
    emma, karl, exit_programme, yusuf_enrolment, mikkel_enrolment
):
    Programme.objects.filter(pk=exit_programme.pk).update(annual_places=1)  # Mikkel holds the one place
    yusuf = interviewed_and_accepted(emma, yusuf_enrolment, -2)
    omar = interviewed_and_accepted(emma, new_applicant(karl, exit_programme, "Omar", "yes", -5), -1)
    assert yusuf.state == omar.state == EnrolmentState.WAITING
    # Omar was accepted later, but has gang ties (seed 003, spor 1): he is first in line.
    assert [e.case.person.first_name for e in selectors.waiting_list(exit_programme)] == ["Omar", "Yusuf"]
    assert yusuf.application.outcome == Outcome.GRANTED
    closed = enrolment_close(
        actor=emma, enrolment=mikkel_enrolment, completed=True, on=days(0), reason="", version=mikkel_enrolment.version
    )
    assert closed.state == EnrolmentState.COMPLETED
    omar.refresh_from_db()
    yusuf.refresh_from_db()
    assert omar.state == EnrolmentState.PARTICIPANT and omar.place_from == days(0)
    assert yusuf.state == EnrolmentState.WAITING and selectors.waiting_position(yusuf) == 1
    # The adviser joins Omar's group with the programme's role; Mikkel's place ended, and her membership with it.
    membership = Membership.objects.get(case=omar.case, user=emma)
    assert membership.role == "programme_staff" and membership.accepted_at is not None
    assert Membership.objects.get(pk=mikkel_enrolment.membership_id).ended_at is not None
    assert selectors.places_of(exit_programme).in_use == 1


def test_a_participant_moves_forward_through_the_phases_with_dates(emma, mikkel_enrolment):
    enrolment = mikkel_enrolment
    assert enrolment.phase.key == "intervention"
    assessment = enrolment.programme.phases.get(key="assessment")
    ending = enrolment.programme.phases.get(key="ending")
    with pytest.raises(ValidationError):
        enrolment_phase_move(actor=emma, enrolment=enrolment, phase=assessment, on=days(0), version=enrolment.version)
    with pytest.raises(ValidationError):  # before the phase it follows
        enrolment_phase_move(actor=emma, enrolment=enrolment, phase=ending, on=days(-30), version=enrolment.version)
    tog_phase = Programme.objects.get(slug="tog").phases.get(key="closure")
    with pytest.raises(ValidationError):
        enrolment_phase_move(actor=emma, enrolment=enrolment, phase=tog_phase, on=days(0), version=enrolment.version)
    enrolment = enrolment_phase_move(
        actor=emma, enrolment=enrolment, phase=ending, on=days(0), version=enrolment.version
    )
    assert [(s.phase.key, s.started_on) for s in selectors.steps_of(enrolment)] == [
        ("assessment", days(-45)),
        ("intervention", days(-20)),
        ("ending", days(0)),
    ]


def test_leaving_early_needs_a_reason(emma, mikkel_enrolment):
    with pytest.raises(ValidationError) as refused:
        enrolment_close(
            actor=emma,
            enrolment=mikkel_enrolment,
            completed=False,
            on=days(0),
            reason=" ",
            version=mikkel_enrolment.version,
        )
    assert "reason" in refused.value.message_dict
    left = enrolment_close(
        actor=emma,
        enrolment=mikkel_enrolment,
        completed=False,
        on=days(0),
        reason="Flyttede fra København.",
        version=mikkel_enrolment.version,
    )
    assert left.state == EnrolmentState.LEFT_EARLY and left.close_reason == "Flyttede fra København."


def test_programme_staff_stay_through_release_the_overlap_rule_does_not_count_them_as_leaving(
    emma, karl, mikkel, mikkel_enrolment
):
    membership = Membership.objects.get(pk=mikkel_enrolment.membership_id)
    transition = transition_plan(
        actor=karl,
        case=mikkel,
        kind=TransitionKind.RELEASE,
        planned_date=days(30),
        reason="Løsladelse",
    )
    transition.from_agency = membership.agency  # even a transition away from the adviser's own agency
    transition.save(update_fields=["from_agency"])
    assert membership not in rules.outgoing_members(transition)
    membership.case = Case.objects.get(pk=mikkel.pk)
    assert rules.leave_blocked(membership) is None


def test_the_catchment_count_is_kept_and_journaled_without_a_case(exit_programme, personas):
    count = catchment_count(actor=personas.admin, programme=exit_programme)
    entry = JournalEntry.objects.get(action="programme.catchment_count", object_id=str(count.pk))
    assert entry.case_id is None and entry.actor == personas.admin and entry.old is None
    assert entry.new == {"programme": "exit", "cases": count.cases, "by_status": count.by_status}
    assert count.by_status["eligible"] == 2 and count.cases == sum(count.by_status.values())


def test_the_nightly_command_counts_every_programme_once_as_the_system():
    before = CatchmentCount.objects.count()
    out = io.StringIO()
    call_command("count_catchments", stdout=out)
    made = CatchmentCount.objects.order_by("-pk")[: Programme.objects.count()]
    assert CatchmentCount.objects.count() == before + Programme.objects.count()
    assert {count.programme.slug for count in made} == set(Programme.objects.values_list("slug", flat=True))
    actors = JournalEntry.objects.filter(action="programme.catchment_count", object_id__in=[str(c.pk) for c in made])
    assert {entry.actor.username for entry in actors} == {"overgang.system"}
    assert "eligible" not in out.getvalue()  # the log names no small count
