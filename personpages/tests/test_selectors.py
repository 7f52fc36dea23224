"""The person's road and printed plan, read directly: each step in one sentence by whether its day has
come, the steps and marks in date order, the release recorded or estimated; and the plan as the viewer
may see it (a private need, the consent, the road and the checklist only for those who see them)."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications.selectors import case_road
from cases.models import Case, Membership
from consent.services import consent_withdraw
from core.tests.granted import granted_access as access
from needs.models import Need
from personpages.selectors import STEP_LABELS, plan_for_print, road_for_person, step_sentence
from plans.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- step_sentence -----------------------------------------------------------------------------


def test_a_step_is_one_sentence_by_whether_its_day_has_come():
    today = datetime.date(2026, 3, 10)
    later = datetime.date(2026, 9, 1)
    day = date_format(later, "j. F Y")
    assert step_sentence("parole", "Out on parole", later, today) == f"Out on parole: from {day} at the earliest."
    assert step_sentence("parole", "Out on parole", today, today) == "Out on parole: you may apply now."
    earlier = today - datetime.timedelta(days=1)
    assert step_sentence("leave", "Leave", earlier, today) == "Leave: you may apply now."
    # The end of the sentence is a day, not something to apply for, even once it has passed.
    assert step_sentence("full_time", "Your sentence ends", earlier, today) == (
        f"Your sentence ends on {date_format(earlier, 'j. F Y')}."
    )


# --- road_for_person ---------------------------------------------------------------------------


def test_the_road_has_the_timetables_dates_in_order_each_in_the_persons_words(case):
    road = road_for_person(case)
    staff_road = case_road(case)
    assert road is not None and staff_road is not None
    today = timezone.localdate()
    dated = {m.key: m.date for m in staff_road.milestones if m.date is not None}
    assert {step.key: step.date for step in road.steps} == dated
    assert [step.date for step in road.steps] == sorted(dated.values())
    for step in road.steps:
        assert step.label == str(STEP_LABELS.get(step.key, step.label))
        assert step.now == (step.date <= today)
        assert step.sentence == step_sentence(step.key, step.label, step.date, today)


def test_the_next_steps_are_the_first_ones_still_ahead(case):
    road = road_for_person(case, next_count=2)
    assert road is not None
    ahead = [step for step in road.steps if step.date > timezone.localdate()]
    assert len(ahead) > 2
    assert road.next_steps == ahead[:2]


def test_the_marks_run_from_intake_to_release_with_today_marked(case):
    road = road_for_person(case)
    assert road is not None
    dates = [mark.date for mark in road.marks]
    assert dates == sorted(dates)
    assert road.marks[0].date == case.intake_date and road.marks[0].label == "You came in"
    todays = [mark for mark in road.marks if mark.today]
    assert [(mark.date, mark.label) for mark in todays] == [(timezone.localdate(), "Today")]
    assert (road.release, road.release_recorded) == (case.expected_release, True)
    assert any(mark.date == case.expected_release for mark in road.marks)


def test_without_a_recorded_release_the_road_says_the_estimate(case):
    Case.objects.filter(pk=case.pk).update(expected_release=None)
    case.refresh_from_db()
    road = road_for_person(case)
    staff_road = case_road(case)
    assert road is not None and staff_road is not None
    assert (road.release, road.release_recorded) == (staff_road.release_estimate, False)


def test_no_road_while_the_sentence_is_not_known(denmark):
    assert case_road(denmark.case) is None  # remand: no sentence yet
    assert road_for_person(denmark.case) is None


# --- plan_for_print ----------------------------------------------------------------------------


def test_the_person_prints_every_need_the_plans_measures_the_road_and_the_consent(personas, case):
    plan = plan_for_print(access(personas.person, case))
    assert plan.case == case and plan.printed_on == timezone.localdate()
    assert {need.pk for need in plan.needs} == set(Need.objects.filter(case=case).values_list("pk", flat=True))
    assert plan.road is not None and plan.road == road_for_person(case)
    assert plan.consent is not None and plan.consent.withdrawn_at is None
    assert plan.contact is not None and plan.contact.pk == case.lead_id
    assert plan.readiness is not None  # the person sees the checklist (empty: no release planned)


def test_the_printed_plan_leaves_out_rejected_and_cancelled_measures(personas, case):
    proposed = Measure.objects.filter(case=case, status=MeasureStatus.PROPOSED).first()
    assert proposed is not None
    Measure.objects.filter(pk=proposed.pk).update(status=MeasureStatus.REJECTED, status_reason="Passer ikke.")
    plan = plan_for_print(access(personas.person, case))
    printed = {measure.pk for measure in plan.measures}
    assert proposed.pk not in printed
    assert printed == set(
        Measure.objects.filter(case=case, status__in=["proposed", "chosen", "started", "done"]).values_list(
            "pk", flat=True
        )
    )


def test_the_group_on_the_paper_is_the_current_one(personas, case):
    plan = plan_for_print(access(personas.person, case))
    usernames = {member.user.username for member in plan.members}
    assert {"kari.kontakt", "sara.sosial", "nils.nav", "mona.kommune", "vera.frivillig"} <= usernames
    assert "helge.helse" not in usernames  # left two days ago
    assert "petra.friomsorg" not in usernames  # invited, never accepted
    assert all(Membership.objects.get(pk=m.pk).ended_at is None for m in plan.members)


def test_staff_print_only_what_they_may_see(personas, case):
    private = Need.objects.get(case=case, private=True)
    sara = plan_for_print(access(personas.social_worker, case))
    assert private not in sara.needs and len(sara.needs) == Need.objects.filter(case=case).count() - 1
    assert all(private.pk not in {n.pk for n in m.needs.all()} for m in sara.measures)
    vera = plan_for_print(access(personas.volunteer, case))  # not covered, Jonas shares nothing with her
    assert (vera.needs, vera.road, vera.readiness, vera.meetings, vera.applications) == ([], None, None, [], [])


def test_a_withdrawn_consent_is_not_printed(personas, case):
    consent_withdraw(actor=personas.person, case=case)
    plan = plan_for_print(access(personas.person, case))
    assert plan.consent is None
    nils = plan_for_print(access(personas.nav_with_consent, case))
    assert nils.needs == [] and nils.road is None
