"""Taking measurements and marking the baseline (issue 22, point 2): every write, journaled.

``measurement_start`` opens a measurement (state "running") for a scope and a period;
``measurement_step`` measures the indicators not yet measured, one after another, then counts
the tables (the report's outcome cohorts and obstacles by code), until a time budget is spent,
and closes the measurement when the last is in (the analyst's page calls it from its progress
poll; ``measurement_take`` runs it to the end). ``measurements_record`` writes those whose
values and tables were counted for many scopes at once (``insight.batch``: the nightly command),
done in one go. ``baseline_mark`` makes a done measurement its scope's baseline.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from insight.models import Baseline, MeasuredTable, MeasuredValue, Measurement, MeasurementState
from insight.registry import Count, Median, Period, TableCounts, Value, indicators, tables
from insight.scopes import Scope
from insight.statistics import wilson
from journal.services import record_change, record_changes

#: Seconds one step may spend before it hands back (the page polls again).
STEP_BUDGET = 2.0


def measurement_start(*, actor: User, scope: Scope, period: Period, nightly: bool = False) -> Measurement:
    """Open a measurement of every registered indicator for the scope and period."""
    if period.end > timezone.localdate():
        raise ValidationError(_("A period cannot end after today."))
    with transaction.atomic():
        measurement = Measurement.objects.create(
            scope_kind=scope.kind,
            scope_key=scope.key,
            period_start=period.start,
            period_end=period.end,
            nightly=nightly,
            expected=len(indicators()),
            started_at=timezone.now(),
            taken_by=actor,
        )
        record_change(
            actor=actor,
            action="insight.measure",
            obj=measurement,
            case=None,
            old=None,
            new={
                "scope_kind": scope.kind,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
            },
        )
    return measurement


def _value(key: str, kind: str, result: Count | Median) -> MeasuredValue:
    if isinstance(result, Median):
        return MeasuredValue(key=key, kind=kind, value=result.value, n=result.n)
    value = result.numerator / result.denominator if result.denominator else None
    low = high = None
    if kind == "share" and result.denominator:
        interval = wilson(result.numerator, result.denominator)
        if interval is not None:
            low, high = interval
    return MeasuredValue(
        key=key,
        kind=kind,
        numerator=result.numerator,
        denominator=result.denominator,
        value=value,
        low=low,
        high=high,
        n=result.denominator,
    )


def _table(key: str, counted_on: datetime.date, counts: TableCounts) -> MeasuredTable:
    rows = [[row, column, n] for (row, column), n in sorted(counts.items()) if n]
    return MeasuredTable(key=key, counted_on=counted_on, counts=rows)


def measurement_step(measurement: Measurement, budget: float = STEP_BUDGET) -> Measurement:
    """Measure the indicators still missing, then the tables (``insight.registry.Table``), until the
    budget is spent; close the measurement when all are in.

    The row is locked while it works, so two polls at once measure nothing twice.
    """
    began = time.monotonic()
    with transaction.atomic():
        locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if locked.state == MeasurementState.DONE:
            return locked
        have = set(locked.values.values_list("key", flat=True))
        period = Period(locked.period_start, locked.period_end)
        spent = False
        for indicator in indicators():
            if indicator.key in have:
                continue
            value = _value(indicator.key, indicator.kind, indicator.compute(locked.scope, period))
            value.measurement = locked
            value.save()
            have.add(indicator.key)
            if time.monotonic() - began > budget:
                spent = True
                break
        counted = set(locked.tables.values_list("key", flat=True))
        for table in [] if spent else tables():
            if table.key in counted:
                continue
            today = timezone.localdate()
            row = _table(table.key, today, table.compute(locked.scope, period, today))
            row.measurement = locked
            row.save()
            counted.add(table.key)
            if time.monotonic() - began > budget:
                break
        if all(indicator.key in have for indicator in indicators()) and all(t.key in counted for t in tables()):
            locked.state = MeasurementState.DONE
            locked.taken_at = timezone.now()
            locked.expected = len(have)
            locked.save(update_fields=["state", "taken_at", "expected"])
    return locked


def measurement_take(*, actor: User, scope: Scope, period: Period, nightly: bool = False) -> Measurement:
    """Take a whole measurement at once (the nightly command, the demo, the tests)."""
    measurement = measurement_start(actor=actor, scope=scope, period=period, nightly=nightly)
    while not measurement.done:
        measurement = measurement_step(measurement, budget=float("inf"))
    return measurement


def measurements_record(
    *,
    actor: User,
    period: Period,
    values: Mapping[Scope, Mapping[str, Value]],
    counted: Mapping[Scope, Mapping[str, TableCounts]],
    counted_on: datetime.date,
    nightly: bool = False,
    started_at: datetime.datetime | None = None,
) -> list[Measurement]:
    """Record whole measurements at once, one per scope: the values of every registered indicator
    and the counts of every registered table, counted already (``insight.batch``) on ``counted_on``.

    Each is done when written (its values never change afterwards, as with ``measurement_take``)
    and journaled like ``measurement_start``; all in one transaction, so a failure leaves none of
    them. ``started_at``: when the counting began (by default now).
    """
    if period.end > timezone.localdate():
        raise ValidationError(_("A period cannot end after today."))
    registered = indicators()
    keys = {indicator.key for indicator in registered}
    if any(set(measured) != keys for measured in values.values()):
        # A caller's mistake, never the user's input: no words for a page.
        raise ValueError("A measurement holds a value for every registered indicator, and only those.")
    table_keys = {table.key for table in tables()}
    if set(counted) != set(values) or any(set(each) != table_keys for each in counted.values()):
        raise ValueError("A measurement holds the counts of every registered table, and only those.")
    now = timezone.now()
    with transaction.atomic():
        measurements = Measurement.objects.bulk_create(
            Measurement(
                scope_kind=scope.kind,
                scope_key=scope.key,
                period_start=period.start,
                period_end=period.end,
                nightly=nightly,
                state=MeasurementState.DONE,
                expected=len(registered),
                started_at=started_at or now,
                taken_at=now,
                taken_by=actor,
            )
            for scope in values
        )
        rows = []
        for measurement, measured in zip(measurements, values.values(), strict=True):
            for indicator in registered:
                row = _value(indicator.key, indicator.kind, measured[indicator.key])
                row.measurement = measurement
                rows.append(row)
        MeasuredValue.objects.bulk_create(rows)
        kept = []
        for measurement, scope in zip(measurements, values, strict=True):
            for table in tables():
                counts = _table(table.key, counted_on, counted[scope][table.key])
                counts.measurement = measurement
                kept.append(counts)
        MeasuredTable.objects.bulk_create(kept)
        record_changes(
            actor=actor,
            action="insight.measure",
            changes=[
                (
                    measurement,
                    None,
                    {
                        "scope_kind": measurement.scope_kind,
                        "period_start": period.start.isoformat(),
                        "period_end": period.end.isoformat(),
                        "state": MeasurementState.DONE.value,
                    },
                )
                for measurement in measurements
            ],
        )
    return measurements


def baseline_mark(*, actor: User, measurement: Measurement) -> Baseline:
    """Make a done measurement the baseline of its scope (replacing the one before, which stays a measurement)."""
    if not measurement.done:
        raise ValidationError(_("Only a measurement that is done can be the baseline."))
    with transaction.atomic():
        current = (
            Baseline.objects.select_for_update()
            .filter(scope_kind=measurement.scope_kind, scope_key=measurement.scope_key)
            .first()
        )
        old = {"measurement": current.measurement_id} if current is not None else None
        if current is None:
            current = Baseline.objects.create(
                scope_kind=measurement.scope_kind,
                scope_key=measurement.scope_key,
                measurement=measurement,
                marked_by=actor,
                marked_at=timezone.now(),
            )
        else:
            current.measurement = measurement
            current.marked_by = actor
            current.marked_at = timezone.now()
            current.version += 1
            current.save()
        record_change(
            actor=actor,
            action="insight.baseline",
            obj=current,
            case=None,
            old=old,
            new={"measurement": measurement.pk},
        )
    return current
