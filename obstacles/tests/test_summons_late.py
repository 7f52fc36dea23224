"""A summons sent too late, or not in time, is a failure zone on the map: code 3.2.4 (issue 25 point 4).

Seed 001 §3.2.4: many get too little time to prepare, cannot set money aside and build up new debt.
The last day to send is ``timetable.engine.summons_send_by``: ``SUMMONS_MIN_DAYS_AHEAD`` days before the start.
Each test names its ``today``: none depends on the day it runs.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from obstacles.detection import detect
from obstacles.models import Obstacle, Source
from summons.models import Summons

pytestmark = pytest.mark.django_db

N = settings.SUMMONS_MIN_DAYS_AHEAD
START = timezone.localdate() + datetime.timedelta(days=60)
SEND_BY = START - datetime.timedelta(days=N)


def before_start(case: Case) -> Case:
    """The case registered 90 days before its sentence starts on ``START``."""
    registered = timezone.make_aware(datetime.datetime.combine(START - datetime.timedelta(days=90), datetime.time(9)))
    Case.objects.filter(pk=case.pk).update(intake_date=START, created_at=registered)
    return Case.objects.get(pk=case.pk)


def summons(case: Case, sent_on: datetime.date | None) -> Summons:
    lead = case.lead
    assert lead is not None
    sent_at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10))) if sent_on else None
    return Summons.objects.create(
        case=case,
        meet_at=timezone.make_aware(datetime.datetime.combine(START, datetime.time(9))),
        place="Bergen fengsel",
        address="Gate 1",
        contact_name="Kari",
        contact_phone="12345678",
        language="nb",
        sent_at=sent_at,
        days_before_start=(START - sent_on).days if sent_on else None,
        created_by=lead.user,
    )


def late(case: Case):
    return Obstacle.objects.filter(case=case, rule="summons-late", source=Source.SYSTEM)


def test_a_summons_sent_one_day_too_late_is_found_coded_3_2_4_and_explained(case):
    case = before_start(case)
    summons(case, SEND_BY + datetime.timedelta(days=1))
    detect(today=SEND_BY + datetime.timedelta(days=2))
    obstacle = late(case).get()
    assert obstacle.challenge.code == "3.2.4"
    assert obstacle.what_happened == f"Innkallingen ble sendt {N - 1} dager før start."
    assert f"{N} dager før" in obstacle.explanation


def test_a_summons_sent_on_the_last_day_is_not_found(case):
    case = before_start(case)
    summons(case, SEND_BY)
    detect(today=START)
    assert not late(case).exists()


def test_no_summons_by_the_last_day_is_not_yet_found_and_the_day_after_it_is(case):
    case = before_start(case)
    summons(case, None)
    detect(today=SEND_BY)
    assert not late(case).exists()  # it can still go out in time
    detect(today=SEND_BY + datetime.timedelta(days=1))
    assert late(case).get().challenge.code == "3.2.4"


def test_a_case_registered_with_no_summons_at_all_is_found_by_the_start(case):
    case = before_start(case)
    detect(today=START)
    assert late(case).count() == 1


def test_found_once_even_when_the_summons_goes_out_late_afterwards(case):
    case = before_start(case)
    letter = summons(case, None)
    detect(today=SEND_BY + datetime.timedelta(days=1))
    Summons.objects.filter(pk=letter.pk).update(
        sent_at=timezone.make_aware(datetime.datetime.combine(SEND_BY + datetime.timedelta(days=5), datetime.time(10)))
    )
    detect(today=SEND_BY + datetime.timedelta(days=6))
    assert late(case).count() == 1


def test_a_case_that_started_at_intake_is_not_a_summons_case(case, other_case):
    # Registered on its start day (the ordinary intake): no summons was ever due.
    Case.objects.filter(pk=other_case.pk).update(intake_date=timezone.localdate(other_case.created_at))
    case = before_start(case)
    summons(case, SEND_BY + datetime.timedelta(days=3))
    detect(today=START)
    assert late(case).count() == 1
    assert not late(other_case).exists()
