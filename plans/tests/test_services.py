"""Measures move through proposed → chosen → started → done; everything else is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import ConcurrentEditError
from journal.models import JournalEntry
from plans.models import Measure, MeasureStatus, PlanVersion
from plans.services import delivery_note_add, measure_move, measure_propose, measure_update

pytestmark = pytest.mark.django_db


def test_a_proposal_is_journaled_with_its_needs(proposal, housing):
    entry = JournalEntry.objects.get(object_type="plans.measure", object_id=str(proposal.pk))
    assert entry.action == "measure.propose"
    assert entry.new["needs"] == [housing.pk]
    assert entry.new["status"] == "proposed"


def test_a_proposal_without_a_need_is_refused_and_nothing_is_saved(case, personas, today):
    before = Measure.objects.count()
    with pytest.raises(ValidationError) as error:
        measure_propose(
            actor=personas.nav_with_consent,
            case=case,
            title="Noe",
            needs=[],
            responsible_user=personas.nav_with_consent,
            start_date=today,
            due_date=today,
            requires_of_person="Ingenting.",
        )
    assert "needs" in error.value.message_dict
    assert Measure.objects.count() == before


def test_a_due_date_before_the_start_is_refused(case, personas, housing, today):
    before = Measure.objects.count()
    with pytest.raises(ValidationError) as error:
        measure_propose(
            actor=personas.nav_with_consent,
            case=case,
            title="Noe",
            needs=[housing],
            responsible_user=personas.nav_with_consent,
            start_date=today,
            due_date=today - datetime.timedelta(days=1),
            requires_of_person="Ingenting.",
        )
    assert "due_date" in error.value.message_dict
    assert Measure.objects.count() == before


def test_the_responsible_person_must_be_a_current_member(case, personas, housing, today):
    with pytest.raises(ValidationError) as error:
        measure_propose(
            actor=personas.contact_officer,
            case=case,
            title="Noe",
            needs=[housing],
            responsible_user=personas.outsider,
            start_date=today,
            due_date=today,
            requires_of_person="Ingenting.",
        )
    assert "responsible_user" in error.value.message_dict


def test_a_need_of_another_case_is_refused(case, other_case, personas, today):
    from needs.models import Need
    from needs.services import need_create
    from reference.models import LifeArea

    foreign = Need.objects.filter(case=other_case).first() or need_create(
        actor=personas.outsider, case=other_case, life_area=LifeArea.objects.first(), summary="x"
    )
    with pytest.raises(ValidationError) as error:
        measure_propose(
            actor=personas.contact_officer,
            case=case,
            title="Noe",
            needs=[foreign],
            responsible_user=personas.contact_officer,
            start_date=today,
            due_date=today,
            requires_of_person="Ingenting.",
        )
    assert "needs" in error.value.message_dict


def test_before_the_needs_conversation_only_acute_needs_get_measures(personas, today):
    from cases.models import Case
    from needs.models import Need

    emil = Case.objects.get(person__first_name="Emil")
    acute = Need.objects.get(case=emil, acute=True)
    measure = measure_propose(
        actor=personas.contact_officer,
        case=emil,
        title="LAR fra dag én",
        needs=[acute],
        responsible_user=personas.contact_officer,
        start_date=today,
        due_date=today,
        requires_of_person="Møte på helseavdelingen.",
    )
    assert measure.status == MeasureStatus.PROPOSED
    from needs.services import need_create
    from reference.models import LifeArea

    plain = need_create(actor=personas.contact_officer, case=emil, life_area=LifeArea.objects.first(), summary="x")
    with pytest.raises(ValidationError, match="needs conversation"):
        measure_propose(
            actor=personas.contact_officer,
            case=emil,
            title="For tidlig",
            needs=[plain],
            responsible_user=personas.contact_officer,
            start_date=today,
            due_date=today,
            requires_of_person="x",
        )


def test_the_whole_road_to_done_records_plan_versions(proposal, personas):
    versions_before = PlanVersion.objects.filter(case=proposal.case).count()
    chosen = measure_move(actor=personas.person, measure=proposal, status="chosen", with_person=True)
    assert chosen.status == "chosen" and chosen.decided_with_person
    started = measure_move(actor=personas.nav_with_consent, measure=chosen, status="started")
    assert started.started_on is not None
    note = delivery_note_add(actor=personas.nav_with_consent, measure=started, text="Søknaden er sendt.")
    assert note.measure_id == proposal.pk
    done = measure_move(actor=personas.nav_with_consent, measure=started, status="done")
    assert done.done_on is not None
    assert PlanVersion.objects.filter(case=proposal.case).count() == versions_before + 3
    latest = PlanVersion.objects.filter(case=proposal.case).latest("number")
    assert {"id": proposal.pk, "status": "done"}.items() <= next(
        row for row in latest.measures if row["id"] == proposal.pk
    ).items()


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (["chosen", "started", "done"], "proposed"),
        (["chosen", "started", "done"], "started"),
        ([], "started"),
        ([], "done"),
        (["rejected"], "chosen"),
        (["chosen", "cancelled"], "started"),
    ],
)
def test_illegal_transitions_are_refused_with_a_message_and_change_nothing(proposal, personas, path, target):
    measure = proposal
    for status in path:
        measure = measure_move(actor=personas.contact_officer, measure=measure, status=status, reason="Grunn.")
    before = Measure.objects.get(pk=measure.pk)
    journal_before = JournalEntry.objects.count()
    with pytest.raises(ValidationError, match="cannot become"):
        measure_move(actor=personas.contact_officer, measure=measure, status=target, reason="Grunn.")
    after = Measure.objects.get(pk=measure.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert JournalEntry.objects.count() == journal_before


@pytest.mark.parametrize("target", ["rejected", "cancelled"])
def test_rejecting_or_cancelling_needs_a_reason(proposal, personas, target):
    measure = proposal
    if target == "cancelled":
        measure = measure_move(actor=personas.contact_officer, measure=measure, status="chosen")
    with pytest.raises(ValidationError) as error:
        measure_move(actor=personas.contact_officer, measure=measure, status=target, reason="  ")
    assert "reason" in error.value.message_dict
    assert Measure.objects.get(pk=measure.pk).status == measure.status
    moved = measure_move(actor=personas.contact_officer, measure=measure, status=target, reason="Jonas vil ikke.")
    assert moved.status_reason == "Jonas vil ikke."


def test_a_stale_edit_is_refused_with_the_current_values(proposal, personas):
    measure_update(actor=personas.contact_officer, measure=proposal, version=1, title="Ny tittel")
    with pytest.raises(ConcurrentEditError) as error:
        measure_update(actor=personas.nav_with_consent, measure=proposal, version=1, title="Min tittel")
    assert error.value.current.title == "Ny tittel"
    assert Measure.objects.get(pk=proposal.pk).title == "Ny tittel"
    assert Measure.objects.get(pk=proposal.pk).version == 2


def test_an_edit_of_a_measure_in_the_plan_makes_a_new_plan_version(proposal, personas, today):
    chosen = measure_move(actor=personas.contact_officer, measure=proposal, status="chosen")
    count = PlanVersion.objects.filter(case=proposal.case).count()
    measure_update(
        actor=personas.contact_officer,
        measure=chosen,
        version=chosen.version,
        due_date=today + datetime.timedelta(days=60),
    )
    assert PlanVersion.objects.filter(case=proposal.case).count() == count + 1
    entry = JournalEntry.objects.filter(object_id=str(proposal.pk), action="measure.update").get()
    assert entry.old["due_date"] != entry.new["due_date"]


def test_a_delivery_note_needs_a_measure_in_the_plan(proposal, personas):
    with pytest.raises(ValidationError):
        delivery_note_add(actor=personas.nav_with_consent, measure=proposal, text="For tidlig.")
