"""Every indicator for many countries, regions and prisons at once (issue 22, "Measured").

Measured one scope at a time, a national measurement asks each indicator once per scope: at
50,000 cases, five years and about 70 scopes that took 98.7 s. Here an indicator that has a
grouped variant (``Indicator.grouped``) is counted once for the period, by cell (a case's
country and prison), and each scope's value is put together from its cells:

- a prison: the cells of that prison;
- a region: the cells of the prisons in it that hold a case (``cases_in``: the cases whose
  prison is in the region; a prison with no case adds nothing there);
- a country: the cells of that country (the case's country, as ``cases_in`` reads it).

An indicator without a grouped variant, and any other kind of scope (unit, programme, agency),
is computed scope by scope as before. ``compute(scope, period)`` stays the definition:
``insight/tests/test_batch.py`` checks that both ways give the same value for every indicator
and scope, on the hand-built world and on a generated one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from contextvars import ContextVar
from typing import TypeVar, cast

from cases.models import Case
from insight.registry import Cell, Indicator, Part, Period, Table, TableCounts, Value, add_counts, indicators, tables
from insight.scopes import Scope

#: The scopes whose cases are a union of cells.
BATCHED = frozenset({"country", "region", "prison"})

T = TypeVar("T")
#: What the grouped variants of one ``measure_all`` share (None outside one).
_SHARED: ContextVar[dict[Hashable, object] | None] = ContextVar("insight_batch_shared", default=None)


def shared(key: Hashable, make: Callable[[], T]) -> T:
    """What ``make`` gives, made once per ``measure_all`` for every grouped variant that asks by the
    same key (the three outcomes read the same releases; the obstacle indicators the same open
    cases). Outside a ``measure_all`` it is made on each call, so nothing is kept between runs."""
    memo = _SHARED.get()
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return cast(T, memo[key])


def _prisons_by_region() -> dict[str, set[int]]:
    """The prisons of each region that hold a case (one query)."""
    regions: dict[str, set[int]] = defaultdict(set)
    rows = Case.objects.filter(institution__isnull=False).values_list("institution_id", "institution__region")
    for institution_id, region in rows.distinct().order_by():
        if institution_id is not None and region:
            regions[region].add(institution_id)
    return regions


def _prison(scope: Scope) -> int | None:
    return int(scope.key) if scope.key.isdigit() else None


def _selects(scope: Scope, cell: Cell, regions: dict[str, set[int]]) -> bool:
    country, prison = cell
    if scope.kind == "country":
        return country == scope.key
    if scope.kind == "prison":
        return prison is not None and prison == _prison(scope)
    if scope.kind == "region":
        return prison is not None and prison in regions.get(scope.key, set())
    raise ValueError(f"{scope} is not put together from cells")


def _total(parts: Sequence[Part], indicator: Indicator, period: Period) -> Value:
    if not parts:
        return indicator.empty
    if any(type(part) is not type(parts[0]) for part in parts):
        raise TypeError(f"The cells of {indicator.key} hold parts of different kinds.")
    return type(parts[0]).combine(parts).value(period)


def measure_all(
    period: Period, scopes: Sequence[Scope], only: Sequence[Indicator] | None = None
) -> dict[Scope, dict[str, Value]]:
    """Every registered indicator (or ``only`` these) for each scope, keyed by the indicator's key.

    A grouped indicator costs its few queries once for all the scopes; the rest cost theirs per scope.
    """
    chosen = list(only) if only is not None else indicators()
    batched = [scope for scope in scopes if scope.kind in BATCHED]
    regions = _prisons_by_region() if any(scope.kind == "region" for scope in batched) else {}
    values: dict[Scope, dict[str, Value]] = {scope: {} for scope in scopes}
    token = _SHARED.set({})
    try:
        for indicator in chosen:
            _measure(indicator, period, scopes, batched, regions, values)
    finally:
        _SHARED.reset(token)
    return values


def _measure(
    indicator: Indicator,
    period: Period,
    scopes: Sequence[Scope],
    batched: Sequence[Scope],
    regions: dict[str, set[int]],
    values: dict[Scope, dict[str, Value]],
) -> None:
    """One indicator for every scope: once by cell for the countries, regions and prisons, else scope by scope."""
    rest = list(scopes)
    if indicator.grouped is not None and batched:
        cells = indicator.grouped(period)
        for scope in batched:
            parts = [part for cell, part in cells.items() if _selects(scope, cell, regions)]
            values[scope][indicator.key] = _total(parts, indicator, period)
        rest = [scope for scope in scopes if scope.kind not in BATCHED]
    for scope in rest:
        values[scope][indicator.key] = indicator.compute(scope, period)


def count_tables(
    period: Period, scopes: Sequence[Scope], today: datetime.date, only: Sequence[Table] | None = None
) -> dict[Scope, dict[str, TableCounts]]:
    """Every registered table (or ``only`` these) for each scope, as the counts stand on ``today``.

    As ``measure_all``: a table with a grouped variant is counted once by cell for the countries,
    regions and prisons; the rest, and other kinds of scope, scope by scope.
    """
    chosen = list(only) if only is not None else tables()
    batched = [scope for scope in scopes if scope.kind in BATCHED]
    regions = _prisons_by_region() if any(scope.kind == "region" for scope in batched) else {}
    counted: dict[Scope, dict[str, TableCounts]] = {scope: {} for scope in scopes}
    token = _SHARED.set({})
    try:
        for table in chosen:
            rest = list(scopes)
            if table.grouped is not None and batched:
                cells = table.grouped(period, today)
                for scope in batched:
                    total: TableCounts = {}
                    for cell, counts in cells.items():
                        if _selects(scope, cell, regions):
                            add_counts(total, counts)
                    counted[scope][table.key] = total
                rest = [scope for scope in scopes if scope.kind not in BATCHED]
            for scope in rest:
                counted[scope][table.key] = table.compute(scope, period, today)
    finally:
        _SHARED.reset(token)
    return counted
