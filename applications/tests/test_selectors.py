"""The application reads: the case's applications newest first with their appeal deadline, the road's
earliest day and whether the answer is late; one application by id (another case's is the missing one's
404); the late ones oldest expected first; the agencies an application may go to."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency
from applications.models import Application, ApplicationKind, Outcome
from applications.selectors import (
    application_for_case,
    applications_for_case,
    applications_queryset,
    case_road,
    deciding_agencies,
    earliest_dates,
    is_late,
    late_applications,
    row_for,
)
from applications.services import application_decide, application_record
from cases.models import Membership
from cases.services import membership_end
from core.tests.granted import granted_access as access_of

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def apply(case, actor, kind=ApplicationKind.HOUSING, *, days_ago: int, expected_in: int | None) -> Application:
    return application_record(
        actor=actor,
        case=case,
        kind=kind,
        by_person=True,
        applied_on=today() - datetime.timedelta(days=days_ago),
        expected_answer=None if expected_in is None else today() + datetime.timedelta(days=expected_in),
    )


@pytest.fixture
def oslo_application(other_case, personas) -> Application:
    return apply(other_case, personas.outsider, days_ago=40, expected_in=-20)


def test_the_cases_applications_are_listed_newest_first_and_no_other_cases(case, personas, oslo_application):
    newest = apply(case, personas.contact_officer, days_ago=0, expected_in=5)
    rows = applications_for_case(access_of(personas.contact_officer, case))
    listed = [row.application for row in rows]
    assert listed[0] == newest and oslo_application not in listed
    assert {application.case_id for application in listed} == {case.pk}
    applied = [application.applied_on for application in listed]
    assert applied == sorted(applied, reverse=True)
    assert set(listed) == set(Application.objects.filter(case=case))
    assert list(applications_queryset(access_of(personas.person, case))) == listed


def test_each_row_carries_its_appeal_deadline_earliest_day_and_lateness(case, personas):
    rows = {row.application.kind: row for row in applications_for_case(access_of(personas.person, case))}
    leave = rows[ApplicationKind.LEAVE]  # the demo's refusal: a complaint deadline, and the road's earliest leave
    assert leave.appeal is not None and leave.earliest is not None and not leave.late
    assert leave.earliest.date == earliest_dates(case)["leave"].date
    housing = rows[ApplicationKind.HOUSING]  # still waiting, its expected answer yesterday
    assert housing.late and housing.appeal is None


def test_a_waiting_application_is_late_only_once_its_expected_day_has_passed(case, personas):
    application = apply(case, personas.contact_officer, days_ago=3, expected_in=0)
    assert not is_late(application, today())
    assert is_late(application, today() + datetime.timedelta(days=1))
    no_day = apply(case, personas.contact_officer, days_ago=3, expected_in=None)
    assert not is_late(no_day, today() + datetime.timedelta(days=365))
    decided = application_decide(
        actor=personas.contact_officer, application=application, outcome=Outcome.GRANTED, decided_on=today(), version=1
    )
    assert not is_late(decided, today() + datetime.timedelta(days=1))
    row = row_for(application, case, earliest_dates(case), today() + datetime.timedelta(days=1))
    assert row.late and row.appeal is None and row.application == application


def test_one_application_is_found_on_its_own_case_and_another_cases_is_the_missing_ones_404(
    case, personas, oslo_application
):
    own = Application.objects.filter(case=case).first()
    assert own is not None
    assert application_for_case(access_of(personas.contact_officer, case), own.pk) == own
    missing = Application.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    for application_id in (oslo_application.pk, missing):
        with pytest.raises(Http404):
            application_for_case(access_of(personas.contact_officer, case), application_id)


def test_the_late_applications_are_the_waiting_ones_past_their_day_oldest_expected_first(
    case, personas, oslo_application
):
    later = apply(case, personas.contact_officer, days_ago=10, expected_in=-2)
    earlier = apply(case, personas.contact_officer, days_ago=10, expected_in=-5)
    apply(case, personas.contact_officer, days_ago=10, expected_in=0)  # due today: not late yet
    granted = apply(case, personas.contact_officer, days_ago=10, expected_in=-4)
    application_decide(
        actor=personas.contact_officer, application=granted, outcome=Outcome.GRANTED, decided_on=today(), version=1
    )
    late = late_applications(access_of(personas.contact_officer, case))
    housing = Application.objects.get(
        case=case, kind=ApplicationKind.HOUSING, applied_on=today() - datetime.timedelta(days=15)
    )
    assert late == [earlier, later, housing]  # the demo's housing answer was expected yesterday
    assert oslo_application not in late


def test_the_road_gives_the_earliest_days_only_for_a_known_sentence(case, denmark):
    road = case_road(case)
    assert road is not None
    leave = road.milestone("leave")
    assert leave is not None and leave.date is not None
    found = earliest_dates(case)
    assert found["leave"].date == found["day_release"].date == leave.date
    assert found["leave"].citation == leave.citation
    # A remand case has no sentence yet: no road, no earliest day.
    assert case_road(denmark.case) is None and earliest_dates(denmark.case) == {}


def test_an_application_may_go_to_the_prison_or_a_current_members_agency_in_name_order(case, personas):
    agencies = list(deciding_agencies(case))
    assert case.institution in agencies
    assert personas.nav_with_consent.agency in agencies
    assert personas.outsider.agency not in agencies  # another prison, in no one's group here
    assert len(agencies) == len(set(agencies))
    assert agencies == list(Agency.objects.filter(pk__in=[agency.pk for agency in agencies]).order_by("name"))


def test_an_ended_membership_no_longer_names_its_agency(case, personas):
    mona = Membership.objects.get(case=case, user=personas.municipal_without_consent, end_date__isnull=True)
    only_member = (
        not Membership.objects.filter(case=case, agency_id=mona.agency_id, end_date__isnull=True)
        .exclude(pk=mona.pk)
        .exists()
    )
    assert only_member
    assert mona.agency in deciding_agencies(case)
    membership_end(actor=personas.contact_officer, membership=mona)
    assert mona.agency not in deciding_agencies(case)
