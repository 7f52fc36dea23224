"""The report serves from the scope's measurement of the period (issue 22, "Measured": the report
page within the daily page targets at 50,000 cases).

A measurement keeps the indicators and the report's tables (the outcome cohorts, the map's
obstacles by code); a report of the measured period reads them and counts no case. What happens
after the measurement shows in the next one, not before: the report says when it was measured.
"""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from insight.models import MeasuredTable
from insight.selectors import latest
from insight.services import measurement_take
from insight.tests.world import PERIOD, build_world
from obstacles.models import Obstacle, ObstacleStage, Source
from obstacles.selectors import challenges
from report.data import Bars, Report
from report.fill import build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


#: Tables a report of a measured period must not read (the cases and what is counted over them).
COUNTED_TABLES = ('"cases_case"', '"obstacles_obstacle"', '"outcomes_followup"', '"outcomes_newcharge"')


def read_while(work: Callable[[], Report]) -> tuple[Report, str]:
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return result, " ".join(query["sql"] for query in captured.captured_queries)


def obstacles_of(report) -> Bars:
    return next(section for section in report.sections if section.key == "obstacles")


def test_a_report_of_a_measured_period_reads_the_measurement_and_counts_no_case(personas):
    world = build_world()
    today = timezone.localdate()
    live, counted = read_while(lambda: build(world.scope, "Test", PERIOD, today, latest(world.scope)))
    assert all(table in counted for table in COUNTED_TABLES[:2]), "counted now, the report reads the cases"

    measurement = measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    assert MeasuredTable.objects.filter(measurement=measurement).count() == 2
    measured, read = read_while(lambda: build(world.scope, "Test", PERIOD, today, latest(world.scope)))
    assert measured.sections == live.sections
    assert [table for table in COUNTED_TABLES if table in read] == []
    assert "Measured on" in measured.basis


def test_obstacles_logged_after_the_measurement_show_in_the_next_one(personas):
    world = build_world()
    today = timezone.localdate()
    measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    before = obstacles_of(build(world.scope, "Test", PERIOD, today, latest(world.scope)))
    challenge = challenges()[0]
    case = world.cases["A"]
    Obstacle.objects.bulk_create(
        Obstacle(
            case=case,
            source=Source.GROUP,
            logged_by=case.created_by,
            logged_at=timezone.now(),
            what_happened=f"Later {i}",
            happened_on=datetime.date(2026, 5, 1),
            stage=ObstacleStage.DURING_SENTENCE,
            failed_agency="nav",
            challenge=challenge,
        )
        for i in range(6)
    )
    assert obstacles_of(build(world.scope, "Test", PERIOD, today, latest(world.scope))) == before

    measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    after = obstacles_of(build(world.scope, "Test", PERIOD, today, latest(world.scope)))
    # 3 obstacles of the world in the period (a total of fewer than 5), then 9.
    assert before.total is not None and before.total.text == "fewer than 5"
    assert after.total is not None and after.total.text == "9"
    assert challenge.code in {row.key for row in after.rows} - {row.key for row in before.rows}


def test_a_measurement_of_another_prison_is_as_if_it_did_not_exist(client_for, personas, case, other_case):
    """The kept tables are read only through the report's own access rule: Oslo's coordinator asking
    for Bergen's measured period gets the same 404 as for a prison that does not exist, in every format."""
    from django.urls import reverse

    from accounts.models import User
    from insight.registry import Period
    from insight.scopes import Scope

    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=30), today)
    bergen = Scope("prison", str(case.institution_id))
    measurement_take(actor=personas.analyst, scope=bergen, period=period)
    query = f"?scope=prison:{case.institution_id}&start={period.start}&end={period.end}"
    tove = User.objects.get(username="tove.koordinator")  # Bergen's coordinator
    otto = User.objects.get(username="otto.koordinator")  # Oslo's
    assert case.institution_id != other_case.institution_id
    assert client_for(tove).get(reverse("report:page") + query).status_code == 200
    for name in ("report:page", "report:pdf", "report:csv"):
        assert client_for(otto).get(reverse(name) + query).status_code == 404, name
