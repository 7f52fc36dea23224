"""The access module's reads of the looks with a reason: ``emergencies_on`` (the flag on a case) and
``emergencies_for_lead`` (on "what is due"): the last two weeks' emergencies, newest first, shown only to
those who run the case or lead it; never a unit look, never another case's."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from access.models import Reason, ReasonedAccess
from access.selectors import EMERGENCY_FLAG_DAYS, emergencies_for_lead, emergencies_on
from access.services import reasoned_access_open
from accounts.models import User
from cases.models import Case, Stage
from core.tests.granted import granted_access as access_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db) -> User:
    return User.objects.select_related("agency").get(username="tove.koordinator")


@pytest.fixture
def oslo_coordinator(db) -> User:
    return User.objects.select_related("agency").get(username="otto.koordinator")


def test_the_cases_staff_see_its_emergencies_newest_first_and_no_unit_look(case, personas, coordinator):
    first = reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.COORDINATE_MEASURES)  # a unit look
    second = reasoned_access_open(actor=personas.contact_officer, case=case, reason=Reason.STAFF_UNREACHABLE)
    for user in (personas.contact_officer, personas.social_worker):
        assert emergencies_on(access_of(user, case)) == [second, first], user


def test_members_who_do_not_run_the_case_and_the_person_are_shown_no_emergency(case, personas, coordinator):
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    for user in (personas.person, personas.nav_with_consent, personas.municipal_without_consent, personas.volunteer):
        assert emergencies_on(access_of(user, case)) == [], user


def test_the_flag_on_a_case_holds_none_of_another_cases_emergencies(case, other_case, oslo_coordinator, personas):
    reasoned_access_open(actor=oslo_coordinator, case=other_case, reason=Reason.HEALTH_OR_LIFE)
    assert emergencies_on(access_of(personas.contact_officer, case)) == []
    assert [grant.case_id for grant in emergencies_on(access_of(personas.outsider, other_case))] == [other_case.pk]


def test_an_emergency_older_than_two_weeks_is_no_longer_flagged(case, personas, coordinator):
    long_ago = timezone.now() - datetime.timedelta(days=EMERGENCY_FLAG_DAYS, hours=1)
    with time_machine.travel(long_ago, tick=False):
        old = reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    recent_enough = timezone.now() - datetime.timedelta(days=EMERGENCY_FLAG_DAYS - 1)
    with time_machine.travel(recent_enough, tick=False):
        kept = reasoned_access_open(actor=coordinator, case=case, reason=Reason.RELEASE_AT_SHORT_NOTICE)
    assert old.pk != kept.pk
    assert emergencies_on(access_of(personas.contact_officer, case)) == [kept]
    assert emergencies_for_lead(personas.contact_officer) == [kept]


def test_the_lead_is_shown_the_emergencies_of_the_cases_they_lead_and_nobody_elses(
    case, other_case, personas, coordinator, oslo_coordinator
):
    assert case.lead is not None and case.lead.user_id == personas.contact_officer.pk
    ours = reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.STAND_IN)  # a unit look
    theirs = reasoned_access_open(actor=oslo_coordinator, case=other_case, reason=Reason.HEALTH_OR_LIFE)
    assert emergencies_for_lead(personas.contact_officer) == [ours]
    assert [grant.pk for grant in emergencies_for_lead(personas.outsider)] == [theirs.pk]
    # A member who does not lead, and users who lead nothing, are shown none.
    for user in (personas.social_worker, personas.nav_with_consent, personas.person, coordinator):
        assert emergencies_for_lead(user) == [], user


def test_the_lead_is_not_shown_the_emergencies_of_a_closed_case(case, personas, coordinator):
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    assert len(emergencies_for_lead(personas.contact_officer)) == 1
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=timezone.localdate(), anonymise_on=timezone.localdate(), closing_reason="x"
    )
    assert emergencies_for_lead(personas.contact_officer) == []
    assert ReasonedAccess.objects.filter(case=case).count() == 1  # the record stays; only the flag goes
