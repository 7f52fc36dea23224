"""Indicators as code with words (issue 22, point 1; DOMAIN.md §10; seed 001 §6).

An indicator has a stable key, a name, a definition, words for its numerator and denominator
(translated, nb/da/en), the direction that is better, a source (a law or report and its year,
never our file names), and a function that computes it for a scope and a period.

Each app that owns the data of an indicator defines it in its own ``indicators.py`` and
registers it (``register``) from its ``AppConfig.ready``; this module only keeps the list, so
that measurements, the report and the retention check (issue 24) read every indicator in one
place. Values are plain counts, never shares: the share, its interval and whether it may be
shown (``insight.privacy``) are worked out from the counts.

An indicator may also say how to count every prison at once (``grouped``: its count by cell, a
case's country and prison, in parts that add up), so that the nightly measurement of every
country, region and prison asks the database once per indicator, not once per scope
(``insight.batch``). ``compute`` stays the definition; the two are checked to agree.
"""

from __future__ import annotations

import datetime
import statistics
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Sequence
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

#: A cell of a grouped count (``Indicator.grouped``): a case's country and its prison (None when
#: it has none). A prison's value is its cells', a region's the cells of its prisons, a country's
#: the cells of that country (``insight.batch``).
Cell = tuple[str | None, int | None]


class Part(ABC):
    """What one cell holds of an indicator's count. The parts of one indicator add up: the sum of a
    scope's cells gives what ``compute`` counts over the scope."""

    @abstractmethod
    def __add__(self, other: Part) -> Part: ...

    @abstractmethod
    def value(self, period: Period) -> Value: ...

    @classmethod
    def combine(cls, parts: Sequence[Part]) -> Part:
        """The sum of several parts (at least one); a kind that keeps values joins them in one go."""
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total


@dataclass(frozen=True)
class Tally(Part):
    """Counts: a numerator and a denominator, each summed."""

    numerator: int = 0
    denominator: int = 0

    def __add__(self, other: Part) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(self.numerator + other.numerator, self.denominator + other.denominator)

    def value(self, period: Period) -> Count:
        return Count(self.numerator, self.denominator)


@dataclass(frozen=True)
class Days(Part):
    """The values a median is taken of (days): they are kept, not summed."""

    values: tuple[int, ...] = ()

    def __add__(self, other: Part) -> Days:
        if not isinstance(other, Days):
            return NotImplemented
        return Days(self.values + other.values)

    @classmethod
    def combine(cls, parts: Sequence[Part]) -> Days:
        return Days(tuple(value for part in parts if isinstance(part, Days) for value in part.values))

    def value(self, period: Period) -> Median:
        return Median(statistics.median(self.values) if self.values else None, len(self.values))


@dataclass(frozen=True)
class Places(Part):
    """Programme places taken, and the programmes taken from with their annual places (a set: a
    programme two prisons took places in offers its places once)."""

    taken: int = 0
    programmes: frozenset[tuple[int, int]] = frozenset()

    def __add__(self, other: Part) -> Places:
        if not isinstance(other, Places):
            return NotImplemented
        return Places(self.taken + other.taken, self.programmes | other.programmes)

    def value(self, period: Period) -> Count:
        places = sum(annual for _programme, annual in self.programmes)
        days = (period.end - period.start).days + 1
        return Count(self.taken, round(places * days / 365))


@dataclass(frozen=True)
class Answers(Part):
    """Survey responses by id, those that said yes and all that answered (sets: a response that
    counts in two cells of a scope counts once)."""

    yes: frozenset[Hashable] = frozenset()
    answered: frozenset[Hashable] = frozenset()

    def __add__(self, other: Part) -> Answers:
        if not isinstance(other, Answers):
            return NotImplemented
        return Answers(self.yes | other.yes, self.answered | other.answered)

    @classmethod
    def combine(cls, parts: Sequence[Part]) -> Answers:
        answers = [part for part in parts if isinstance(part, Answers)]
        return Answers(
            frozenset().union(*(part.yes for part in answers)), frozenset().union(*(part.answered for part in answers))
        )

    def value(self, period: Period) -> Count:
        return Count(len(self.yes), len(self.answered))


#: An indicator counted once for every cell of a period (``insight.batch``).
Grouped = Callable[[Period], dict[Cell, Part]]


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
    #: The same count for every prison at once, by cell (optional; ``compute`` stays the
    #: definition, and ``insight/tests/test_batch.py`` checks the two agree for every scope).
    grouped: Grouped | None = None

    @property
    def empty(self) -> Value:
        """The value of a scope with nothing to count."""
        return Median(None, 0) if self.kind == "median" else Count(0, 0)


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


# ---------------------------------------------------------------------------------------
# Tables: the report's counts that are no indicator (issue 22, "Measured": the report page
# serves from measurements). The outcome cohorts and the map's obstacles by code are counted
# with every measurement, kept with it (``insight.models.MeasuredTable``), and read back by the
# report, so the page never counts a country's cases while the analyst waits.

#: A table's raw counts: (row, column) -> n. They add up over cells like a ``Tally``; whatever
#: is shown of them is suppressed when shown (``obstacles.aggregates``), never when stored.
TableCounts = dict[tuple[str, str], int]


@dataclass(frozen=True)
class Table:
    key: str  # stable: measurements keep it for years
    #: The counts over a scope's cases: for the period, as they stand on the day given.
    compute: Callable[[Scope, Period, datetime.date], TableCounts]
    #: The same for every cell at once (``insight.batch``), checked to agree with ``compute``.
    grouped: Callable[[Period, datetime.date], dict[Cell, TableCounts]] | None = None


_TABLES: dict[str, Table] = {}


def register_table(table: Table) -> Table:
    """Add a table; a key is registered once."""
    if table.key in _TABLES and _TABLES[table.key] is not table:
        raise ValueError(f"The table {table.key!r} is registered twice.")
    _TABLES[table.key] = table
    return table


def tables() -> list[Table]:
    """Every registered table, in the order of registration."""
    return list(_TABLES.values())


def add_counts(total: TableCounts, more: TableCounts) -> None:
    """Add ``more`` into ``total``."""
    for entry, n in more.items():
        total[entry] = total.get(entry, 0) + n
