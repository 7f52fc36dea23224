"""Answering (issue 22, point 5): once per moment, only for oneself, stored apart from who answered,
journaled without the answers; staff once a quarter; paper forms counted in a prison, tied to no one."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from insight.scopes import Scope, cases_in
from journal.models import JournalEntry
from surveys.models import Participation, Response, ResponseAnswer, ResponseScope, StaffParticipation
from surveys.selectors import due_moment, scopes_of_case
from surveys.services import (
    paper_answer_enter,
    staff_survey_answer,
    survey_answer,
    survey_decline,
)

pytestmark = pytest.mark.django_db

ANSWERS = {"knows_next": "yes", "heard": "partly", "help": "no", "satisfied": "yes"}


@pytest.fixture
def plan_due(case):
    """Jonas's plan is made (the demo world); his release is a year off, so the plan's questions are due."""
    Case.objects.filter(pk=case.pk).update(expected_release=timezone.localdate() + datetime.timedelta(days=365))
    case.refresh_from_db()
    assert due_moment(case) == "plan"
    return case


def test_the_person_answers_and_the_answers_keep_no_trace_of_who(personas, plan_due):
    before = Response.objects.count()
    participation = survey_answer(actor=personas.person, case=plan_due, moment="plan", answers=ANSWERS)
    assert participation.outcome == "answered" and participation.moment == "plan"
    response = Response.objects.exclude(pk__in=[]).order_by().get(kind="person", channel="phone")
    assert Response.objects.count() == before + 1
    assert dict(response.answers.values_list("question", "answer")) == ANSWERS
    assert set(response.scopes.values_list("kind", "key")) == set(scopes_of_case(plan_due))
    # Nothing in a response points at a case, a person or a user, nor tells the time of day.
    for model in (Response, ResponseScope, ResponseAnswer):
        related = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert related <= {Response}, model
        assert not any(isinstance(f, models.DateTimeField) for f in model._meta.concrete_fields)
    assert due_moment(plan_due) is None


def test_the_journal_says_who_took_part_never_what_they_answered(personas, plan_due):
    survey_answer(actor=personas.person, case=plan_due, moment="plan", answers=ANSWERS)
    entry = JournalEntry.objects.get(action="survey.answered")
    assert entry.actor_id == personas.person.pk
    assert entry.case_id is None  # not in the case's change log, which its staff read
    assert entry.new == {"moment": "plan"}
    assert not {"yes", "partly", "no"} & {str(value) for value in (entry.new or {}).values()}


def test_answering_twice_is_refused_and_nothing_more_is_stored(personas, plan_due):
    survey_answer(actor=personas.person, case=plan_due, moment="plan", answers=ANSWERS)
    count = Response.objects.count()
    with pytest.raises(ValidationError):
        survey_answer(actor=personas.person, case=plan_due, moment="plan", answers={"heard": "no"})
    with pytest.raises(ValidationError):
        survey_decline(actor=personas.person, case=plan_due, moment="plan")
    assert Response.objects.count() == count
    assert Participation.objects.filter(case=plan_due).count() == 1


def test_a_person_cannot_answer_for_another_case(personas, plan_due, other_case):
    with pytest.raises(ValidationError):
        survey_answer(actor=personas.person, case=other_case, moment="plan", answers=ANSWERS)
    # Nor may staff answer for the person on the person's own case.
    with pytest.raises(ValidationError):
        survey_answer(actor=personas.contact_officer, case=plan_due, moment="plan", answers=ANSWERS)
    assert not Participation.objects.exists() and not Response.objects.filter(kind="person", channel="phone").exists()


def test_a_moment_that_has_not_come_is_refused(personas, plan_due):
    for moment in ("release", "closing", "whenever"):
        with pytest.raises(ValidationError):
            survey_answer(actor=personas.person, case=plan_due, moment=moment, answers=ANSWERS)
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    "answers", [{}, {"knows_next": ""}, {"knows_next": "maybe"}, {"informed": "yes"}, {"case": "yes"}]
)
def test_no_answer_or_an_answer_off_the_list_is_refused(personas, plan_due, answers):
    with pytest.raises(ValidationError):
        survey_answer(actor=personas.person, case=plan_due, moment="plan", answers=answers)
    assert not Participation.objects.exists()


def test_no_thanks_closes_the_moment_without_an_answer(personas, plan_due):
    before = Response.objects.count()
    survey_decline(actor=personas.person, case=plan_due, moment="plan")
    assert Participation.objects.get(case=plan_due).outcome == "declined"
    assert Response.objects.count() == before
    assert due_moment(plan_due) is None


def test_the_scopes_of_an_answer_are_the_scopes_whose_cases_hold_the_case(plan_due):
    scopes = scopes_of_case(plan_due)
    assert {kind for kind, _key in scopes} >= {"country", "prison", "agency"}
    for kind, key in scopes:
        assert cases_in(Scope(kind, key))  # type: ignore[arg-type]  # the kinds of scopes_of_case.filter(pk=plan_due.pk).exists(), (kind, key)


STAFF = {"informed": "yes", "cooperation": "no", "handover": "partly", "satisfied": "yes"}


def test_staff_answer_once_a_quarter(personas):
    nav = personas.nav_with_consent
    with time_machine.travel(datetime.datetime(2027, 2, 1, 10, tzinfo=datetime.UTC), tick=False):
        staff_survey_answer(actor=nav, answers=STAFF)
        with pytest.raises(ValidationError):
            staff_survey_answer(actor=nav, answers=STAFF)
    last_day = datetime.datetime(2027, 3, 31, 10, tzinfo=datetime.UTC)
    with time_machine.travel(last_day, tick=False), pytest.raises(ValidationError):
        staff_survey_answer(actor=nav, answers=STAFF)
    with time_machine.travel(datetime.datetime(2027, 4, 1, 10, tzinfo=datetime.UTC), tick=False):
        staff_survey_answer(actor=nav, answers=STAFF)
    assert StaffParticipation.objects.filter(user=nav).count() == 2
    theirs = Response.objects.filter(kind="staff", scopes__kind="agency", scopes__key=str(nav.agency_id))
    response = theirs.get(answered_on=datetime.date(2027, 2, 1))
    assert set(response.scopes.values_list("kind", "key")) == {
        ("country", nav.agency.country),
        ("agency", str(nav.agency_id)),
    }
    entry = JournalEntry.objects.filter(action="survey.staff_answered").earliest("at")
    assert entry.case_id is None and entry.new is not None and set(entry.new) == {"quarter"}


def test_staff_answer_only_their_own_survey(personas):
    with pytest.raises(ValidationError):
        staff_survey_answer(actor=personas.nav_with_consent, answers=ANSWERS)  # the person's questions


def test_a_paper_form_counts_in_the_prison_of_who_typed_it_in_and_names_no_one(personas, case):
    kari = personas.contact_officer
    Case.objects.filter(pk=case.pk).update(unit="Avdeling A")
    case.refresh_from_db()
    before = Participation.objects.count()
    response = paper_answer_enter(actor=kari, moment="release", unit=case.unit, answers=ANSWERS)
    assert response.channel == "paper" and response.moment == "release"
    prison = str(kari.agency_id)
    expected = {("country", kari.agency.country), ("prison", prison), ("agency", prison)}
    expected.add(("unit", f"{prison}:Avdeling A"))
    assert set(response.scopes.values_list("kind", "key")) == expected
    assert Participation.objects.count() == before  # no case is marked as having answered
    entry = JournalEntry.objects.get(action="survey.paper_entered")
    assert entry.case_id is None and entry.new == {"moment": "release"}


def test_only_prison_staff_type_in_paper_and_only_for_their_own_units(personas, other_case):
    before = Response.objects.count()
    for user in (personas.nav_with_consent, personas.volunteer, personas.analyst, personas.person):
        with pytest.raises(ValidationError):
            paper_answer_enter(actor=user, moment="plan", unit="", answers=ANSWERS)
    Case.objects.filter(pk=other_case.pk).update(unit="Oslo avdeling C")
    with pytest.raises(ValidationError):  # a unit of the Oslo prison, typed in by Bergen's contact officer
        paper_answer_enter(actor=personas.contact_officer, moment="plan", unit="Oslo avdeling C", answers=ANSWERS)
    with pytest.raises(ValidationError):
        paper_answer_enter(actor=personas.contact_officer, moment="later", unit="", answers=ANSWERS)
    assert Response.objects.count() == before


def test_a_user_without_an_agency_answers_nothing_for_staff(personas):
    user = User.objects.filter(agency__isnull=True).exclude(role="person").earliest("pk")
    with pytest.raises(ValidationError):
        staff_survey_answer(actor=user, answers=STAFF)
