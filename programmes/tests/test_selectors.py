"""Programmes as data (point 1) and eligibility on a case, recomputed when the facts or the road change (point 2)."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from cases.models import Case
from programmes import selectors
from programmes.eligibility import Facts, Status, evaluate
from programmes.models import CatchmentCount, Programme, ProgrammeFacts
from programmes.services import catchment_count, programme_facts_set
from timetable import engine

pytestmark = pytest.mark.django_db


def fits(case: Case) -> dict[str, selectors.ProgrammeFit]:
    return {fit.programme.slug: fit for fit in selectors.eligibility_for_case(case)}


def test_the_three_programmes_are_seeded_with_each_criterion_cited_to_its_source():
    programmes = {p.slug: p for p in selectors.programmes()}
    assert set(programmes) == {"exin", "tog", "exit"}
    for programme in programmes.values():
        criteria = list(programme.criteria.all())
        assert criteria and programme.phases.exists() and programme.outcome_measures.exists()
        assert programme.sources.exists() and programme.owner and programme.intake_route
        for criterion in criteria:
            # A report, its year and a section; never our own file names.
            assert re.search(r"(19|20)\d\d", criterion.citation), criterion.citation
            assert re.search(r"kap\.|spor|\d\.\d|måloppnåelse", criterion.citation), criterion.citation
            assert ".txt" not in criterion.citation and "seed" not in criterion.citation.lower()
    assert [c.kind for c in programmes["tog"].criteria.all()] == [
        "prison_in",
        "earlier_sentences",
        "home_municipality",
        "no_expulsion_order",
        "months_before_parole",
    ]
    assert [p.key for p in programmes["tog"].phases.all()] == ["intake", "planning", "release", "reporting", "closure"]
    assert [(c.kind, c.number) for c in programmes["exin"].criteria.all()][:2] == [("min_age", 18), ("max_age", 25)]
    exit_programme = programmes["exit"]
    assert exit_programme.annual_places == 55 and exit_programme.priority_rule == "gang_ties"
    assert {m.reported_percent for m in exit_programme.outcome_measures.all()} == {42, 45}


def test_a_case_hears_from_each_programme_why_criterion_by_criterion(mikkel):
    with translation.override("en"):
        answers = fits(mikkel)
        assert answers["exit"].eligibility.status is Status.ELIGIBLE
        tog = answers["tog"].eligibility
        assert tog.status is Status.NOT_ELIGIBLE
        reasons = {check.kind: check.answer for check in tog.checks}
    assert reasons["home_municipality"] == "no" and reasons["prison_in"] == "no"
    road = selectors.case_road(mikkel)
    assert road is not None and road.parole is not None
    last = engine.months_before(road.parole, 3)
    assert reasons["months_before_parole"] == f"yes, until {last.day}. {last:%B} {last.year}"
    assert answers["exit"].enrolment is not None


def test_eligibility_is_recomputed_when_the_recorded_facts_change(yusuf, karl):
    assert fits(yusuf)["exit"].eligibility.status is Status.ELIGIBLE
    facts = selectors.recorded_facts(yusuf)
    assert facts is not None
    programme_facts_set(
        actor=karl,
        case=yusuf,
        expulsion_order="no",
        gang_ties="no",
        wants_to_leave_crime="",
        earlier_sentences=0,
        version=facts.version,
    )
    answer = fits(yusuf)["exit"].eligibility
    assert answer.status is Status.ALMOST
    assert [c.state for c in answer.checks if c.kind == "wants_to_leave_crime"] == ["unknown"]


def test_new_remand_credit_moves_the_tog_window_on_the_case(karl):
    """Lars serves in Oslo and is registered there; more remand credit moves two-thirds time and the window's end."""
    lars = Case.objects.select_related("person", "institution").get(person__first_name="Lars")
    Case.objects.filter(pk=lars.pk).update(sentence_days=900, sentence_term_days=900)
    lars.refresh_from_db()
    programme_facts_set(
        actor=lars.created_by,
        case=lars,
        expulsion_order="no",
        gang_ties="no",
        wants_to_leave_crime="yes",
        earlier_sentences=2,
        version=None,
    )
    before = fits(lars)["tog"].eligibility
    assert before.status is Status.ELIGIBLE
    Case.objects.filter(pk=lars.pk).update(remand_days=60)
    lars.refresh_from_db()
    after = fits(lars)["tog"].eligibility
    assert after.status is Status.ELIGIBLE
    assert before.end is not None and after.end is not None and after.end < before.end
    road = selectors.case_road(lars)
    assert road is not None and road.parole is not None and after.end == engine.months_before(road.parole, 3)


def test_the_catchment_is_judged_case_by_case_and_counted(exit_programme):
    cases, by_status = selectors.catchment_judged(exit_programme)
    assert by_status["eligible"] == 2  # Mikkel and Yusuf, both in København
    assert cases == sum(by_status.values()) == 2


def test_the_view_reads_the_latest_count_with_small_counts_hidden(exit_programme, personas):
    # The demo world was counted once, as the night would; a later count is the one shown.
    assert selectors.catchment_fit(exit_programme) is not None
    CatchmentCount.objects.filter(programme=exit_programme).update(
        by_status={"eligible": 7, "almost": 0, "not_eligible": 40}
    )
    counted = selectors.catchment_fit(exit_programme)
    assert counted is not None and counted.by_status["eligible"].value == 7
    later = catchment_count(actor=personas.admin, programme=exit_programme)
    shown = selectors.catchment_fit(exit_programme)
    assert shown is not None and shown.counted_at == later.counted_at
    assert shown.by_status["eligible"].value == 2 and shown.by_status["eligible"].suppressed
    assert not shown.by_status["not_eligible"].suppressed and not shown.by_status["almost"].suppressed
    CatchmentCount.objects.filter(programme=exit_programme).delete()
    assert selectors.catchment_fit(exit_programme) is None


def test_places_count_this_year_against_the_annual_number(exit_programme):
    places = selectors.places_of(exit_programme)
    assert places.annual == 55 and places.in_use == 1 and places.free == 54
    assert places.started_this_year == (
        1 if (timezone.localdate() - datetime.timedelta(days=45)).year == timezone.localdate().year else 0
    )
    assert Programme.objects.get(slug="tog").annual_places is None
    assert selectors.places_of(Programme.objects.get(slug="tog")).free is None


def pending_facts_as_each_case_gives_them(programme: Programme) -> tuple[dict[int, Facts], dict[int, Facts]]:
    """The facts the programme's view reads of each applicant and waiting person with their enrolments (in one
    query), and the facts read case by case from the whole case, its recorded facts and the person's cases."""
    today = timezone.localdate()
    read, whole = {}, {}
    for row in selectors.open_enrolments_of(programme):
        if row.state not in selectors.PENDING_STATES:
            continue
        read[row.pk] = selectors.pending_facts(row, today)
        case = Case.objects.select_related("person", "institution").get(pk=row.case_id)
        others = Case.objects.filter(person_id=case.person_id).exclude(pk=case.pk).count()
        whole[row.pk] = selectors.facts_for(case, selectors.recorded_facts(case), others, today)
    return read, whole


def test_the_view_reads_each_pending_persons_facts_with_the_enrolments_as_the_case_gives_them(
    exit_programme, yusuf, mikkel, karl
):
    from programmes.services import enrolment_apply

    tog = Programme.objects.get(slug="tog")
    enrolment_apply(actor=karl, case=mikkel, programme=tog, by_person=False, person_agrees=True)
    for programme in (exit_programme, tog):
        read, whole = pending_facts_as_each_case_gives_them(programme)
        assert read and read == whole
    # Without recorded facts: the answers are not known, as on the case's own page.
    ProgrammeFacts.objects.filter(case=yusuf).delete()
    read, whole = pending_facts_as_each_case_gives_them(exit_programme)
    assert read and read == whole
    overview = selectors.programme_overview(exit_programme)
    rules = selectors.rules_of(exit_programme)
    ends = {pk: evaluate(rules, facts).end for pk, facts in whole.items()}
    assert {deadline.enrolment.pk: deadline.day for deadline in overview.deadlines} == {
        pk: end for pk, end in ends.items() if end is not None
    }
