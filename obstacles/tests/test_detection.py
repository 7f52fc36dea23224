"""The system logs the obstacles it sees in its own data, once per event, coded and explained (issue 19 point 3)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from core.workdays import is_day_off, is_public_holiday
from journal.models import JournalEntry
from needs.services import need_create
from obstacles.detection import detect
from obstacles.models import Obstacle, Source, Threshold
from plans.models import PlanVersion
from reference.models import LifeArea
from timetable.models import ReleaseNotice

pytestmark = pytest.mark.django_db


def found(case, rule):
    return Obstacle.objects.filter(case=case, rule=rule, source=Source.SYSTEM)


def test_a_friday_release_is_found_once_coded_4_and_explained(personas):
    fredrik = Case.objects.get(person__first_name="Fredrik")
    assert fredrik.expected_release is not None and fredrik.expected_release.weekday() == 4
    first = detect()
    obstacle = found(fredrik, "release-day").get()
    assert obstacle.challenge.code == "4"
    assert "fredag" in obstacle.explanation
    assert JournalEntry.objects.filter(action="obstacle.detect", object_id=str(obstacle.pk)).exists()
    count = Obstacle.objects.count()
    again = detect()
    assert first.new > 0 and again.new == 0 and again.found == first.found
    assert Obstacle.objects.count() == count


def test_the_eve_of_a_public_holiday_is_found_and_a_weekday_is_not(case):
    day = timezone.localdate() + datetime.timedelta(days=1)
    while not (is_public_holiday(day + datetime.timedelta(days=1), "NO") and not is_day_off(day, "NO")):
        day += datetime.timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(expected_release=day)
    detect()
    assert found(case, "release-day").count() == 1
    plain = day + datetime.timedelta(days=7)
    while (
        plain.weekday() in {4, 5, 6}
        or is_day_off(plain, "NO")
        or is_public_holiday(plain + datetime.timedelta(days=1), "NO")
    ):
        plain += datetime.timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(expected_release=plain)
    detect()
    assert not found(case, "release-day").filter(detection_key__endswith=plain.isoformat()).exists()


def test_nav_told_too_late_or_not_at_all_is_found_and_told_in_time_is_not(case, other_case, personas):
    release = timezone.localdate() + datetime.timedelta(days=10)
    while release.weekday() >= 4:
        release += datetime.timedelta(days=1)
    Case.objects.filter(pk__in=[case.pk, other_case.pk]).update(expected_release=release)
    ReleaseNotice.objects.create(
        case=other_case,
        recipient="nav",
        release_date=release,
        told_on=release - datetime.timedelta(days=60),
        recorded_by=personas.admin,
    )
    detect()
    late = found(case, "notice-nav").get()
    assert late.challenge.code == "3.1.4" and late.bore_agency == "nav"
    assert not found(other_case, "notice-nav").exists()
    assert found(other_case, "notice-municipality").get().challenge.code == "4"


def test_the_threshold_is_data(case):
    release = timezone.localdate() + datetime.timedelta(days=100)
    Case.objects.filter(pk=case.pk).update(expected_release=release)
    detect()
    assert not found(case, "notice-nav").exists()
    Threshold.objects.filter(key="nav-notice-days").update(value=120)
    detect()
    assert found(case, "notice-nav").exists()


def test_needs_with_no_measure_weeks_after_the_plan_are_found_without_naming_them(case, personas):
    assert PlanVersion.objects.filter(case=case).exists()
    need_create(
        actor=personas.contact_officer,
        case=case,
        life_area=LifeArea.objects.get(slug="debt"),
        summary="Hemmelig gjeld",
        private=True,
    )
    detect()
    assert not found(case, "needs-without-measure").exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40), tick=False):
        call_command("detect_obstacles", stdout=io.StringIO())
    obstacle = found(case, "needs-without-measure").get()
    assert obstacle.challenge.code == "1.3.2"
    assert "gjeld" not in obstacle.explanation.lower() and "Hemmelig" not in obstacle.what_happened
