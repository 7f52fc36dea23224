"""Measurements: immutable once done, the comparison with the baseline, the nightly command (issue 22, point 2)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from insight.models import Baseline, Immutable, MeasuredTable, MeasuredValue, Measurement
from insight.registry import Period, indicator
from insight.scopes import Scope
from insight.selectors import baseline, comparison, latest
from insight.services import baseline_mark, measurement_start, measurement_step, measurement_take
from insight.tests.world import EXPECTED, PERIOD, build_world
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def test_a_measurement_holds_every_indicator_with_its_counts_and_the_interval_of_a_share(personas):
    world = build_world()
    taken = measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    values = {value.key: value for value in taken.values.all()}
    share = values["handover_overlap"]
    assert (share.numerator, share.denominator, share.n) == (2, 3, 3)
    assert share.value is not None and share.low is not None and share.high is not None
    assert round(share.value, 4) == 0.6667
    assert (round(share.low, 4), round(share.high, 4)) == (0.2077, 0.9385)  # Wilson, 2 of 3
    median = values["days_to_conversation"]
    assert (median.value, median.n, median.numerator, median.low) == (12.5, 2, None, None)
    rate = values["proposals_per_member"]
    assert (rate.numerator, rate.denominator, rate.value, rate.low) == (5, 4, 1.25, None)
    assert set(EXPECTED) <= set(values)


def test_a_done_measurement_and_its_values_never_change(personas):
    world = build_world()
    taken = measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    taken.period_end = datetime.date(2026, 6, 1)
    with pytest.raises(Immutable):
        taken.save()
    value = taken.values.first()
    assert value is not None
    value.numerator = 99
    with pytest.raises(Immutable):
        value.save()
    with pytest.raises(Immutable):
        value.delete()
    with pytest.raises(Immutable):
        Measurement.objects.get(pk=taken.pk).delete()
    assert Measurement.objects.get(pk=taken.pk).period_end == PERIOD.end
    # The report's tables kept with it neither (the outcome cohorts, the obstacles by code).
    table = taken.tables.get(key="obstacles.by_code")
    kept = table.as_counts()
    table.counts = [["1.3.2", "", 99]]
    with pytest.raises(Immutable):
        table.save()
    with pytest.raises(Immutable):
        table.delete()
    assert MeasuredTable.objects.get(pk=table.pk).as_counts() == kept


def test_steps_measure_each_indicator_once_and_close_the_measurement(personas):
    world = build_world()
    running = measurement_start(actor=personas.analyst, scope=world.scope, period=PERIOD)
    first = measurement_step(running, budget=0)
    assert not first.done and first.values.count() == 1
    while not first.done:
        first = measurement_step(first, budget=0)
    assert first.values.count() == first.expected
    again = measurement_step(first, budget=0)
    assert again.values.count() == first.expected and again.taken_at == first.taken_at


def test_a_period_ending_after_today_is_refused(personas):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        measurement_start(
            actor=personas.analyst,
            scope=Scope("country", "NO"),
            period=Period(today, today + datetime.timedelta(days=1)),
        )


def _done(scope: Scope, personas, figures: dict[str, tuple[int, int]], end: datetime.date) -> Measurement:
    measurement = Measurement.objects.create(
        scope_kind=scope.kind,
        scope_key=scope.key,
        period_start=end - datetime.timedelta(days=364),
        period_end=end,
        state="running",
        started_at=timezone.now(),
        taken_by=personas.analyst,
    )
    for key, (numerator, denominator) in figures.items():
        kind = indicator(key).kind
        MeasuredValue.objects.create(
            measurement=measurement,
            key=key,
            kind=kind,
            numerator=numerator,
            denominator=denominator,
            value=numerator / denominator,
            n=denominator,
        )
    measurement.state = "done"
    measurement.taken_at = timezone.now()
    measurement.save()
    return measurement


def test_the_comparison_gives_the_change_its_direction_and_whether_it_beats_its_uncertainty(personas):
    scope = Scope("region", "no-nord")
    before = _done(
        scope,
        personas,
        {"conversation_on_time": (48, 80), "cases_with_consent": (50, 100), "obstacles_per_case": (40, 100)},
        datetime.date(2025, 6, 30),
    )
    after = _done(
        scope,
        personas,
        {"conversation_on_time": (56, 70), "cases_with_consent": (45, 100), "obstacles_per_case": (30, 100)},
        datetime.date(2026, 6, 30),
    )
    baseline_mark(actor=personas.analyst, measurement=before)
    assert baseline(scope) == before and latest(scope) == after
    rows = {row.key: row for row in comparison(before, after)}
    on_time = rows["conversation_on_time"]
    assert on_time.change is not None and on_time.change_low is not None and on_time.change_high is not None
    assert round(on_time.change, 4) == 0.2 and on_time.direction == "better"
    assert (round(on_time.change_low, 4), round(on_time.change_high, 4)) == (0.0524, 0.3339)  # Newcombe (1998)
    assert on_time.beyond_uncertainty is True
    consent = rows["cases_with_consent"]
    assert consent.direction == "worse" and consent.beyond_uncertainty is False
    obstacles = rows["obstacles_per_case"]
    assert obstacles.change is not None
    assert obstacles.direction == "better" and round(obstacles.change, 2) == -0.1
    assert obstacles.beyond_uncertainty is None  # no interval for a rate
    assert rows["measures_on_time"].change is None and rows["measures_on_time"].baseline is None


def test_marking_another_baseline_replaces_it_and_journals_both(personas):
    scope = Scope("region", "no-nord")
    first = _done(scope, personas, {"cases_with_consent": (5, 10)}, datetime.date(2025, 6, 30))
    second = _done(scope, personas, {"cases_with_consent": (6, 10)}, datetime.date(2026, 6, 30))
    baseline_mark(actor=personas.analyst, measurement=first)
    marked = baseline_mark(actor=personas.analyst, measurement=second)
    assert marked.version == 2 and Baseline.objects.filter(scope_kind="region", scope_key="no-nord").count() == 1
    entry = JournalEntry.objects.filter(action="insight.baseline", object_id=str(marked.pk)).order_by("-pk").first()
    assert entry is not None and entry.new is not None
    assert entry.old == {"measurement": first.pk} and entry.new["measurement"] == second.pk
    running = measurement_start(actor=personas.analyst, scope=scope, period=PERIOD)
    with pytest.raises(ValidationError):
        baseline_mark(actor=personas.analyst, measurement=running)


def test_the_nightly_command_measures_every_country_region_and_prison_once(personas):
    world = build_world()
    out = StringIO()
    call_command("measure", "--scope", str(world.scope), "--start", "2026-01-01", "--end", "2026-06-30", stdout=out)
    assert "measured 1 of 1" in out.getvalue()
    taken = Measurement.objects.get(scope_kind="prison", scope_key=world.scope.key, nightly=True)
    assert taken.done and taken.taken_by.username != personas.analyst.username
    call_command("measure", "--scope", str(world.scope), "--start", "2026-01-01", "--end", "2026-06-30", stdout=out)
    assert "measured 0 of 1" in out.getvalue()
    from insight.management.commands.measure import every_scope

    kinds = {scope.kind for scope in every_scope()}
    assert kinds == {"country", "region", "prison"}
    assert Scope("region", "no-sorvest") in every_scope()
