"""The days of notice each agency got, measured from the delivery records.

E-mail notices through Django's in-memory mail backend here: what is measured is the
records, not the channel (test_delivery.py sends through real servers).
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case
from core.tests.granted import granted_access
from handover.models import TransitionKind
from handover.services import transition_plan
from notices.models import NoticeState
from notices.selectors import days_of_notice, notices_for
from notices.services import deliver_due, subscription_save
from notices.tests.conftest import subscribe
from notices.tests.test_services import intake
from release.tests.conftest import join

pytestmark = pytest.mark.django_db


def later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_days_of_notice_count_from_the_first_arrival_of_the_date_that_holds(personas, nav, municipality):
    subscribe(nav, personas.admin, email="nav@example.no")
    late = subscribe(municipality, personas.admin, email="bolig@example.no")
    case = intake(personas.contact_officer)
    late.active = False  # the municipality's address is switched off for a day: its first attempt fails
    subscription_save(actor=personas.admin, subscription=late)
    release = case.expected_release
    assert release is not None
    today = timezone.localdate()
    assert deliver_due().delivered == 1
    late.active = True
    subscription_save(actor=personas.admin, subscription=late)
    with time_machine.travel(later(1), tick=True):
        assert deliver_due().delivered == 1
    rows = {row.agency: row for row in days_of_notice(case)}
    assert rows[nav.name].days == (release - today).days
    assert rows[municipality.name].days == (release - today).days - 1
    assert {row.state for row in rows.values()} == {NoticeState.DELIVERED}
    # The date changes: the days count from the first notice of the new date; none has arrived yet.
    transition_plan(
        actor=personas.contact_officer,
        case=case,
        kind=TransitionKind.RELEASE,
        planned_date=today + datetime.timedelta(days=20),
    )
    rows = {row.agency: row for row in days_of_notice(Case.objects.filter(pk=case.pk))}
    assert rows[nav.name].days is None and rows[nav.name].state == NoticeState.PENDING
    assert rows[nav.name].release_date == today + datetime.timedelta(days=20)
    deliver_due()
    assert {row.days for row in days_of_notice([case])} == {20}


def test_a_case_without_notices_has_no_rows_and_several_cases_are_measured_at_once(personas, nav, case):
    subscribe(nav, personas.admin, email="nav@example.no")
    told = intake(personas.contact_officer)
    deliver_due()
    rows = days_of_notice([case, told])
    assert [(row.case_id, row.agency) for row in rows] == [(told.pk, nav.name)]


def test_only_those_who_run_the_case_see_its_notices(personas, nav):
    subscribe(nav, personas.admin, email="nav@example.no")
    case = intake(personas.contact_officer)
    deliver_due()
    assert [row.agency for row in notices_for(granted_access(personas.contact_officer, case))] == [nav.name]
    join(case, personas.contact_officer, personas.nav_with_consent)
    assert notices_for(granted_access(personas.nav_with_consent, case)) == []
