"""Reading measurements (issue 22, point 2): the baseline, the latest, and the comparison of the two.

Every value leaves here as it may be shown (``insight.privacy``): counts 1-4 as "fewer than 5",
shares of fewer than 10 cases and their intervals hidden. The report (issue 22, point 6) calls
``baseline``, ``latest`` and ``comparison``.

The comparison, per indicator: the change from the baseline; whether it went the better or the
worse way by the indicator's direction; and, for a share, Newcombe's interval for the difference
of two proportions (``insight.statistics.newcombe``, method 10 of Newcombe 1998): the change is
larger than its uncertainty when that interval leaves out zero. Rates and medians carry no
interval here, and say so (``beyond_uncertainty`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils.functional import Promise

from insight.models import Baseline, MeasuredTable, MeasuredValue, Measurement, MeasurementState
from insight.privacy import shown_median, shown_rate, shown_share
from insight.registry import Indicator, indicators
from insight.scopes import Scope
from insight.statistics import newcombe
from obstacles.aggregates import Shown

Direction = Literal["better", "worse", "same"]


@dataclass(frozen=True)
class Figure:
    """One indicator's value in one measurement as it may be shown."""

    value: float | None  # the share, rate or median; None when hidden or when there was nothing to count
    numerator: Shown | None
    denominator: Shown | None
    low: float | None
    high: float | None
    n: int
    hidden: bool  # there was something, and the privacy rules keep it back


@dataclass(frozen=True)
class Row:
    key: str
    name: str | Promise
    definition: str | Promise
    kind: str
    better: str
    group: str
    source: str | Promise
    baseline: Figure | None
    later: Figure | None
    change: float | None
    direction: Direction | None
    change_low: float | None
    change_high: float | None
    beyond_uncertainty: bool | None


def measurements_of(scope: Scope) -> QuerySet[Measurement]:
    return Measurement.objects.filter(scope_kind=scope.kind, scope_key=scope.key)


def baseline(scope: Scope) -> Measurement | None:
    """The scope's baseline measurement, if one is marked."""
    marked = Baseline.objects.filter(scope_kind=scope.kind, scope_key=scope.key).select_related("measurement").first()
    return marked.measurement if marked is not None else None


def latest(scope: Scope) -> Measurement | None:
    """The scope's most recent done measurement (by the end of its period, then when it was taken)."""
    return (
        measurements_of(scope).filter(state=MeasurementState.DONE).order_by("-period_end", "-taken_at", "-pk").first()
    )


def tables_of(measurement: Measurement) -> dict[str, MeasuredTable]:
    """The tables a measurement keeps (``insight.registry.Table``), by key; one query. A measurement
    taken before its tables were kept has none (the report then counts them on request)."""
    return {table.key: table for table in measurement.tables.all()}


def figure(value: MeasuredValue) -> Figure:
    """A stored value as it may be shown."""
    if value.kind == "median":
        shown = shown_median(value.value, value.n)
        return Figure(shown, None, None, None, None, value.n, hidden=shown is None and value.n > 0)
    numerator, denominator = value.numerator or 0, value.denominator or 0
    if value.kind == "share":
        share = shown_share(numerator, denominator)
        visible = not share.hidden
        return Figure(
            share.value,
            share.numerator,
            share.denominator,
            value.low if visible else None,
            value.high if visible else None,
            denominator,
            hidden=share.hidden and denominator > 0,
        )
    rate = shown_rate(numerator, denominator)
    counts = [Shown(None, small=True) if 0 < count < 5 else Shown(count) for count in (numerator, denominator)]
    return Figure(rate, counts[0], counts[1], None, None, denominator, hidden=rate is None and denominator > 0)


def figures_of(measurement: Measurement) -> dict[str, tuple[MeasuredValue, Figure]]:
    return {value.key: (value, figure(value)) for value in measurement.values.all()}


def _direction(indicator: Indicator, change: float) -> Direction:
    if abs(change) < 1e-12:
        return "same"
    return "better" if (change > 0) == (indicator.better == "higher") else "worse"


def comparison(baseline: Measurement | None, later: Measurement) -> list[Row]:
    """Every registered indicator: its baseline and later figures, the change and whether it beats its uncertainty."""
    before = figures_of(baseline) if baseline is not None else {}
    after = figures_of(later)
    rows = []
    for indicator in indicators():
        then = before.get(indicator.key)
        now = after.get(indicator.key)
        change = low = high = None
        direction: Direction | None = None
        beyond: bool | None = None
        if then is not None and now is not None and then[1].value is not None and now[1].value is not None:
            change = now[1].value - then[1].value
            direction = _direction(indicator, change)
            if indicator.kind == "share":
                stored_then, stored_now = then[0], now[0]
                interval = newcombe(
                    (stored_then.numerator or 0, stored_then.denominator or 0),
                    (stored_now.numerator or 0, stored_now.denominator or 0),
                )
                if interval is not None:
                    _difference, low, high = interval
                    beyond = low > 0 or high < 0
        rows.append(
            Row(
                key=indicator.key,
                name=indicator.name,
                definition=indicator.definition,
                kind=indicator.kind,
                better=indicator.better,
                group=indicator.group,
                source=indicator.source,
                baseline=then[1] if then is not None else None,
                later=now[1] if now is not None else None,
                change=change,
                direction=direction,
                change_low=low,
                change_high=high,
                beyond_uncertainty=beyond,
            )
        )
    return rows
