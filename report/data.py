"""The report of benefits realisation as data (issue 22, point 6): what the page, the PDF and the CSV show.

Everything here is already as it may be shown: a count from 1 to 4 is the words "fewer than 5",
a share of fewer than 10 cases is not there (``report.shown``). The renderers read only these
dataclasses, never the counts behind them, so no renderer can let a small count through.

A ``Figure`` is one value as shown (its text) with the number a chart draws (``None``: not drawn).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["share", "rate", "median", "count", "money"]
Verdict = Literal["better", "worse", "unclear", ""]


@dataclass(frozen=True)
class Figure:
    """A value as it may be shown: its text, and the number to draw (``None``: hidden or not a number)."""

    text: str
    value: float | None = None
    #: A share's 95 % interval (0-1), drawn as a whisker; ``None`` for the other units and hidden shares.
    low: float | None = None
    high: float | None = None

    @property
    def drawn(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Row:
    """One line of a section: an indicator, a code of the map, an estimate of the gain."""

    key: str
    label: str
    unit: Unit
    figure: Figure
    #: "21 of 50" as shown (both counts suppressed), or the number of values behind a median.
    counts: str = ""
    interval: str = ""  # the 95 % interval as text, for the table and the CSV
    baseline: Figure | None = None
    change: str = ""
    verdict: Verdict = ""
    note: str = ""


@dataclass(frozen=True)
class Bars:
    """A section drawn as bars (with whiskers for shares), with the same numbers in a table."""

    key: str
    title: str
    intro: str
    rows: list[Row]
    #: What the bars' axis counts: shares (0-100 %), counts or money; rows of another unit are in the table only.
    unit: Unit = "share"
    currency: str = ""
    total: Figure | None = None  # a count section's total, as shown
    empty: str = ""


@dataclass(frozen=True)
class Cohort:
    """One release cohort: its label and one figure per follow-up period (``None``: the period has not ended)."""

    label: str
    figures: list[Figure | None]
    counts: list[str]


@dataclass(frozen=True)
class Cohorts:
    """Outcomes by release cohort and follow-up period, drawn as one line per follow-up period."""

    key: str
    title: str
    intro: str
    measure: str  # what the share counts ("in work or education", ...)
    periods: list[str]  # the follow-up periods' labels
    cohorts: list[Cohort]
    empty: str = ""


Section = Bars | Cohorts


@dataclass(frozen=True)
class Report:
    """The report for one scope and period."""

    scope: str  # the scope in words
    start: datetime.date
    end: datetime.date
    made_on: datetime.date
    #: Where the indicators come from: the measurement (and baseline) used, in words.
    basis: str
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
