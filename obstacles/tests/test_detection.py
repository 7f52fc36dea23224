"""The system logs the obstacles it sees in its own data, once per event, coded and explained (issue 19 point 3)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application
from cases.models import Case
from consent.models import Consent
from core.workdays import is_day_off, is_public_holiday
from handover.services import release_sudden
from journal.models import JournalEntry
from needs.models import NeedsConversation
from needs.services import need_create
from obstacles.detection import detect
from obstacles.models import Obstacle, Source, Threshold
from plans.models import PlanVersion
from reference.models import LifeArea
from release.models import ReadinessItem
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


def test_a_needs_conversation_held_late_is_found_in_days_and_one_in_time_is_not(case, other_case):
    first = NeedsConversation.objects.filter(case=case, part=1, completed=True).order_by("held_on").first()
    assert first is not None
    Case.objects.filter(pk=case.pk).update(intake_date=first.held_on - datetime.timedelta(days=12))
    detect()
    late = found(case, "needs-conversation-late").get()
    assert late.challenge.code == "2" and late.happened_on == first.held_on
    assert "12 dager" in late.explanation and "7" in late.explanation
    assert not Obstacle.objects.filter(rule="needs-conversation-late").exclude(case=case).exists()


def test_a_release_without_a_named_municipal_contact_is_found_and_items_in_place_are_not(personas):
    ahmad = Case.objects.get(person__first_name="Ahmad")
    today = timezone.localdate()
    result = release_sudden(actor=personas.contact_officer, case=ahmad, on=today, reason="Løslatt fra varetekt")
    items = ReadinessItem.objects.filter(transition=result.transition)
    items.filter(key="housing").update(state="done", done_on=today)
    items.filter(key="income").update(state="not_needed")
    detect()
    contact = found(ahmad, "release-without-municipal-contact").get()
    assert contact.challenge.code == "2.1.4" and contact.failed_agency == "municipality"
    assert contact.stage == "release" and "kommunen" in contact.explanation
    assert not found(ahmad, "release-without-housing").exists()
    assert not found(ahmad, "release-without-income").exists()
    assert detect().new == 0


def test_an_application_refused_without_a_reason_is_found_once(case, personas):
    # The service never records a refusal without its reason; the rule guards what came in another way.
    assert not Application.objects.filter(outcome="refused", reason="").exists()
    today = timezone.localdate()
    refused = Application.objects.create(
        case=case,
        kind="leave",
        applied_on=today - datetime.timedelta(days=9),
        recorded_by=personas.contact_officer,
        decides=case.institution,
        outcome="refused",
        decided_on=today - datetime.timedelta(days=2),
    )
    detect()
    obstacle = found(case, "refused-without-reason").get()
    assert obstacle.detection_key == f"refused-without-reason:{refused.pk}"
    assert obstacle.challenge.code == "1.2.1" and obstacle.failed_agency == "prison"
    assert not Obstacle.objects.filter(rule="refused-without-reason").exclude(case=case).exists()
    assert detect().new == 0


def test_a_consent_never_asked_after_the_needs_conversation_is_found(case):
    fredrik, mohammed = (Case.objects.get(person__first_name=name) for name in ("Fredrik", "Mohammed"))
    held = NeedsConversation.objects.filter(case=fredrik, part=1, completed=True).order_by("held_on").first()
    assert held is not None and not Consent.objects.filter(case=fredrik).exists()
    assert held.held_on <= timezone.localdate() - datetime.timedelta(days=7)
    detect()
    obstacle = found(fredrik, "consent-never-asked").get()
    assert obstacle.challenge.code == "4"
    assert obstacle.happened_on == held.held_on + datetime.timedelta(days=7)
    assert not found(case, "consent-never-asked").exists()  # Jonas gave his consent
    # Mohammed's conversation is only days old: not yet.
    assert not found(mohammed, "consent-never-asked").exists()
    Threshold.objects.filter(key="consent-asked-days").update(value=0)
    detect()
    assert found(mohammed, "consent-never-asked").exists()
