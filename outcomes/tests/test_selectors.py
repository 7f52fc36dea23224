"""outcomes.selectors: what the case's page reads, and a charge found only under its own case (issue 22, point 3)."""

import pytest
from django.http import Http404

from access.policy import CaseAccess, access_by_code
from outcomes.models import NewCharge
from outcomes.selectors import charge_to_remove, outcomes_for
from outcomes.tests.test_services import released, today

pytestmark = pytest.mark.django_db


def lead_access(user, code: str) -> CaseAccess:
    access = access_by_code(user, code)
    assert access is not None
    return access


def test_before_the_release_there_is_no_follow_up_day_and_after_it_there_is(personas, case):
    kari = personas.contact_officer
    before = outcomes_for(lead_access(kari, case.code), today())
    assert before.follow_up_due is None and before.follow_up_opens is None
    case = released(case, kari)
    after = outcomes_for(lead_access(kari, case.code), today())
    assert after.follow_up_due is not None and after.follow_up_opens is not None
    assert today() < after.follow_up_opens < after.follow_up_due


def test_another_cases_charge_is_not_found_under_ones_own_case(personas, case, other_case):
    kari = personas.contact_officer
    case = released(case, kari)
    mine = NewCharge.objects.create(case=case, charged_on=today(), recorded_by=kari)
    theirs = NewCharge.objects.create(case=other_case, charged_on=today(), recorded_by=other_case.created_by)
    access = lead_access(kari, case.code)
    assert charge_to_remove(access, mine.pk) == mine
    with pytest.raises(Http404):
        charge_to_remove(access, theirs.pk)
