"""Indicators as code with words (issue 22, point 1; DOMAIN.md §10; seed 001 §6).

An indicator has a stable key, a name, a definition, words for its numerator and denominator
(translated, nb/da/en), the direction that is better, a source (a law or report and its year,
never our file names), and a function that computes it for a scope and a period.

Each app that owns the data of an indicator defines it in its own ``indicators.py`` and
registers it (``register``) from its ``AppConfig.ready``; this module only keeps the list, so
that measurements, the report and the retention check (issue 24) read every indicator in one
place. Values are plain counts, never shares: the share, its interval and whether it may be
shown (``insight.privacy``) are worked out from the counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise

from insight.scopes import Scope

Better = Literal["higher", "lower"]
#: How the report groups the indicators.
Group = Literal["process", "release", "obstacles", "programmes", "outcomes", "satisfaction"]


@dataclass(frozen=True)
class Period:
    """The days an indicator counts, both ends included. Each indicator says which day of a case
    puts it in the period (the intake, the needs conversation, the release ...)."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Count:
    """A share (numerator of denominator), or a rate per unit when ``Indicator.kind`` is "rate"."""

    numerator: int
    denominator: int


@dataclass(frozen=True)
class Median:
    """A median of ``n`` values (days, for instance); None when n is 0."""

    value: float | None
    n: int


Value = Count | Median


@dataclass(frozen=True)
class Indicator:
    key: str  # stable: measurements keep it for years
    name: str | Promise
    definition: str | Promise
    numerator: str | Promise  # for a median: what is counted ("days from intake to ...")
    denominator: str | Promise  # for a median: the cases it is taken over
    better: Better
    source: str | Promise
    group: Group
    compute: Callable[[Scope, Period], Value]
    kind: Literal["share", "rate", "median"] = "share"


_INDICATORS: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; a key is registered once (a second app with the same key is an error)."""
    if indicator.key in _INDICATORS and _INDICATORS[indicator.key] is not indicator:
        raise ValueError(f"The indicator {indicator.key!r} is registered twice.")
    _INDICATORS[indicator.key] = indicator
    return indicator


def indicators() -> list[Indicator]:
    """Every registered indicator, in the order of registration."""
    return list(_INDICATORS.values())


def indicator(key: str) -> Indicator:
    return _INDICATORS[key]
