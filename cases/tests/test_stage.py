"""The stage follows from what has happened (issue 17, point 1; DOMAIN §3, seed 001 section 4)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Agency, AgencyKind, Role, User
from cases.models import Case, LegalStatus, Stage
from cases.services import IntakeData, case_open
from cases.stage import StageFacts, stage_for
from handover.models import TransitionKind
from handover.services import transition_cancel, transition_plan
from journal.models import JournalEntry
from needs.models import Need
from needs.services import conversation_record
from plans.services import measure_move, measure_propose
from timetable.selectors import unit_stage_counts

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_stage_for_reads_the_steps_in_order():
    base = StageFacts(intake_date=DAY)
    assert stage_for(StageFacts(intake_date=DAY + datetime.timedelta(days=1)), DAY) == Stage.PREPARATION
    assert stage_for(base, DAY) == Stage.UNDERSTAND_NEEDS
    # A measure for an acute need before the needs conversation does not make a plan (seed 001, step 2).
    assert stage_for(StageFacts(intake_date=DAY, plan_has_measure=True), DAY) == Stage.UNDERSTAND_NEEDS
    assert stage_for(StageFacts(intake_date=DAY, needs_conversation_held=True), DAY) == Stage.MAKE_PLAN
    held_and_chosen = StageFacts(intake_date=DAY, needs_conversation_held=True, plan_has_measure=True)
    assert stage_for(held_and_chosen, DAY) == Stage.CARRY_OUT
    assert stage_for(StageFacts(intake_date=DAY, needs_conversation_held=True, open_transition=True), DAY) == (
        Stage.HANDOVER
    )
    assert stage_for(StageFacts(intake_date=DAY, open_transition=True, released=True), DAY) == Stage.AFTER_RELEASE
    assert stage_for(StageFacts(intake_date=DAY, released=True, closed=True), DAY) == Stage.CLOSED


def stage_moves(case: Case) -> list[tuple[str, str]]:
    entries = JournalEntry.objects.filter(case=case, action="case.stage").order_by("pk")
    return [(entry.old["stage"], entry.new["stage"]) for entry in entries]


def test_the_stage_moves_with_the_needs_conversation_the_plan_and_the_handover(personas):
    kari = personas.contact_officer
    case = Case.objects.get(person__first_name="Emil")  # intake today, acute need only
    assert case.stage == Stage.UNDERSTAND_NEEDS
    conversation_record(actor=kari, case=case, held_on=timezone.localdate(), completed=True)
    assert Case.objects.get(pk=case.pk).stage == Stage.MAKE_PLAN
    need = Need.objects.filter(case=case).first()
    proposal = measure_propose(
        actor=kari,
        case=case,
        title="LAR-oppfølging",
        needs=[need],
        responsible_user=kari,
        requires_of_person="Møte til samtale.",
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert Case.objects.get(pk=case.pk).stage == Stage.MAKE_PLAN  # a proposal is not the plan yet
    measure_move(actor=kari, measure=proposal, status="chosen", with_person=True)
    assert Case.objects.get(pk=case.pk).stage == Stage.CARRY_OUT
    release = transition_plan(
        actor=kari,
        case=case,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=60),
        to_agency=Agency.objects.filter(kind=AgencyKind.MUNICIPALITY).first(),
    )
    assert Case.objects.get(pk=case.pk).stage == Stage.HANDOVER
    transition_cancel(actor=kari, transition=release, reason="Dommen ble endret.", version=release.version)
    assert Case.objects.get(pk=case.pk).stage == Stage.CARRY_OUT
    assert stage_moves(case) == [
        ("understand_needs", "make_plan"),
        ("make_plan", "carry_out"),
        ("carry_out", "handover"),
        ("handover", "carry_out"),
    ]


def test_the_demo_cases_stand_where_their_history_puts_them():
    stages = dict(Case.objects.values_list("person__first_name", "stage"))
    assert stages["Jonas"] == Stage.CARRY_OUT  # a measure chosen and started
    assert stages["Mohammed"] == Stage.MAKE_PLAN  # the needs conversation held, nothing chosen
    assert stages["Sofie"] == Stage.HANDOVER  # parole planned
    assert stages["Emil"] == Stage.UNDERSTAND_NEEDS
    assert stages["Nora"] == Stage.UNDERSTAND_NEEDS


def test_the_case_page_and_the_caseload_show_the_stage(client_for, personas, case):
    client = client_for(personas.contact_officer)
    header = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert '<span class="ds-tag" data-color="info">Carry out the plan</span>' in header
    caseload = client.get(reverse("cases:caseload")).content.decode()
    row = caseload[caseload.index(case.person.full_name) :]
    assert row[: row.index("</tr>")].count("Carry out the plan") == 1


def test_the_unit_overview_counts_by_stage_and_the_intake_day_moves_preparation(personas):
    kari = personas.contact_officer
    coordinator = User.objects.create(username="koordinator", role=Role.REENTRY_COORDINATOR, agency=kari.agency)
    ahead = timezone.localdate() + datetime.timedelta(days=10)
    # The demo world may hold cases in preparation already (issue 25: a person who waits to serve).
    before = {row["stage"]: row["cases"] for row in unit_stage_counts(coordinator)}.get(Stage.PREPARATION, 0)
    coming = case_open(
        actor=kari,
        data=IntakeData(
            first_name="Ola",
            last_name="Kommer",
            birth_date=datetime.date(2000, 1, 1),
            home_municipality="Bergen",
            legal_status=LegalStatus.REMAND,
            intake_date=ahead,
        ),
    )
    assert coming.stage == Stage.PREPARATION
    counts = {row["stage"]: row["cases"] for row in unit_stage_counts(coordinator)}
    assert counts[Stage.PREPARATION] == before + 1
    assert counts[Stage.CARRY_OUT] >= 1 and counts[Stage.MAKE_PLAN] >= 1 and counts[Stage.HANDOVER] >= 1
    understanding = counts[Stage.UNDERSTAND_NEEDS]
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(ahead, datetime.time(9))), tick=False):
        assert Case.objects.get(pk=coming.pk).stage_label == "Understand needs"
        moved = {row["stage"]: row["cases"] for row in unit_stage_counts(coordinator)}
    assert moved.get(Stage.PREPARATION, 0) == before and moved[Stage.UNDERSTAND_NEEDS] == understanding + 1
    assert [row["stage"] for row in unit_stage_counts(coordinator)] == sorted(
        counts, key=[s.value for s in Stage].index
    )


def test_an_acute_measure_before_the_needs_conversation_leaves_the_stage(personas):
    kari = personas.contact_officer
    case = Case.objects.get(person__first_name="Emil")
    acute = Need.objects.get(case=case, acute=True)
    measure = measure_propose(
        actor=kari,
        case=case,
        title="LAR fra dag én",
        needs=[acute],
        responsible_user=kari,
        requires_of_person="Møte til samtale.",
        start_date=timezone.localdate(),
        due_date=timezone.localdate(),
    )
    measure_move(actor=kari, measure=measure, status="chosen", with_person=True)
    measure_move(actor=kari, measure=measure, status="started")
    assert Case.objects.get(pk=case.pk).stage == Stage.UNDERSTAND_NEEDS
