"""The achievement reads: ``achievements_for`` (what a viewer reads, newest first, withdrawn ones left out)
and ``achievement_to_correct`` (one of the viewer's own case, not withdrawn, or the 404 of a missing one).

Which persona reads which achievements of Jonas's case is in ``test_achievements.py``; here: the order,
the withdrawn, another case's rows and the lookup by id.
"""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from achievements.models import Achievement, AchievementKind
from achievements.selectors import achievement_to_correct, achievements_for
from achievements.services import achievement_record, achievement_withdraw
from core.tests.granted import granted_access as access_of

pytestmark = pytest.mark.django_db


def record(actor, case, title: str, days_ago: int) -> Achievement:
    return achievement_record(
        actor=actor,
        case=case,
        kind=AchievementKind.COURSE,
        title=title,
        issuer="Verkstedet",
        achieved_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def oslo_course(other_case, personas) -> Achievement:
    """An achievement of Lars's case, recorded by Olav in Oslo fengsel."""
    return record(personas.outsider, other_case, "Kurs i Oslo", 1)


def test_achievements_are_listed_by_the_day_achieved_newest_first_then_the_latest_recorded(case, personas):
    older = record(personas.contact_officer, case, "Eldre kurs", 30)
    same_day_first = record(personas.contact_officer, case, "Samme dag, først", 0)
    same_day_last = record(personas.contact_officer, case, "Samme dag, sist", 0)
    listed = list(achievements_for(access_of(personas.contact_officer, case)))
    assert listed[:2] == [same_day_last, same_day_first] and listed[-1] == older
    days = [achievement.achieved_on for achievement in listed]
    assert days == sorted(days, reverse=True)


def test_a_withdrawn_achievement_is_read_by_no_one(case, personas):
    mistake = record(personas.contact_officer, case, "Feilført", 1)
    achievement_withdraw(actor=personas.contact_officer, achievement=mistake, version=1, reason="Feil person.")
    for user in (personas.person, personas.contact_officer, personas.nav_with_consent):
        assert mistake not in achievements_for(access_of(user, case)), user


def test_no_viewer_of_one_case_reads_another_cases_achievements(case, personas, oslo_course):
    for user in (personas.person, personas.contact_officer, personas.social_worker, personas.nav_with_consent):
        assert oslo_course not in achievements_for(access_of(user, case)), user
    assert oslo_course in achievements_for(access_of(personas.outsider, oslo_course.case))


def test_an_achievement_of_the_own_case_is_found_to_correct(case, personas):
    own = record(personas.contact_officer, case, "Eget kurs", 1)
    found = achievement_to_correct(access_of(personas.social_worker, case), own.pk)
    assert found == own and found.case == case


def test_another_cases_a_withdrawn_and_a_missing_achievement_are_the_same_404(case, personas, oslo_course):
    mistake = record(personas.contact_officer, case, "Feilført", 1)
    achievement_withdraw(actor=personas.contact_officer, achievement=mistake, version=1, reason="Feil.")
    missing = Achievement.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    access = access_of(personas.contact_officer, case)
    for achievement_id in (oslo_course.pk, mistake.pk, missing):
        with pytest.raises(Http404):
            achievement_to_correct(access, achievement_id)
