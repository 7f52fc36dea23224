"""Eligibility with reasons, as dated spans (issue 20, point 2): pure functions, facts in, reasons out.

For one case and one programme, each target-group criterion is checked on its own and
says yes, no or not known, and from and until which day it holds: an age limit holds
from a birthday or until the day before one; "at least three months before two-thirds
time" holds until the last day three months before the parole date of the road. The
programme's answer is the days all of them hold at once:

- **eligible**: every criterion holds today; from and until the days the window opens and closes;
- **almost eligible**: no criterion says no, but one is not known yet, or the window opens later;
- **not eligible**: a criterion says no, or its window has passed, or the windows never meet.

Every date comes from ``timetable.engine`` (the road, birthdays, months before a day); this
module only combines them. It is recomputed on every read, so it follows the case's facts
and the road the moment they change (new remand credit moves the two-thirds date and, with
it, the window).
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timetable import engine


class Status(enum.Enum):
    ELIGIBLE = "eligible"
    ALMOST = "almost"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return {
            Status.ELIGIBLE: _("Eligible"),
            Status.ALMOST: _("Almost eligible"),
            Status.NOT_ELIGIBLE: _("Not eligible"),
        }[self]


@dataclass(frozen=True)
class Rule:
    """A criterion as the checks read it (``programmes.models.Criterion``)."""

    kind: str
    number: int | None = None
    values: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    citation: str = ""


@dataclass(frozen=True)
class Facts:
    """What the checks read of one case: its facts, the road's parole date and what staff recorded."""

    today: datetime.date
    birth_date: datetime.date
    home_municipality: str = ""
    prison_municipality: str = ""
    #: The road's release on parole (two-thirds time); None if the road gives none.
    parole: datetime.date | None = None
    #: Whether the road is known at all (a sentence start and length).
    road_known: bool = False
    #: Earlier cases of the person in this system, before this one.
    earlier_cases: int = 0
    #: Earlier prison sentences as recorded (None: not known).
    earlier_sentences: int | None = None
    expulsion_order: str = ""
    wants_to_leave_crime: str = ""


@dataclass(frozen=True)
class Check:
    """One criterion checked: whether it holds (None: not known) and the span of days it holds in."""

    kind: str
    label: str
    met: bool | None
    start: datetime.date | None
    end: datetime.date | None
    citation: str
    today: datetime.date

    @property
    def holds_today(self) -> bool:
        return self.met is True and self.opened and not self.passed

    @property
    def opened(self) -> bool:
        return self.start is None or self.start <= self.today

    @property
    def passed(self) -> bool:
        return self.end is not None and self.end < self.today

    @property
    def says_no(self) -> bool:
        return self.met is False or (self.met is True and self.passed)

    @property
    def state(self) -> str:
        """yes, no, later (holds from a day to come) or unknown."""
        if self.met is None:
            return "unknown"
        if self.says_no:
            return "no"
        return "yes" if self.opened else "later"

    @property
    def answer(self) -> str:
        """The answer in words: "yes, until 12 May 2027", "no", "not known", "from 3 June 2027"."""
        if self.met is None:
            return _("not known")
        if self.met is False:
            return _("no")
        if self.passed:
            return _("no, not after %(day)s") % {"day": _day(self.end)}
        if not self.opened:
            return _("not yet: from %(day)s") % {"day": _day(self.start)}
        if self.end is not None:
            return _("yes, until %(day)s") % {"day": _day(self.end)}
        return _("yes")


@dataclass(frozen=True)
class Eligibility:
    """One programme's answer for one case, with every criterion's reason."""

    status: Status
    start: datetime.date | None
    end: datetime.date | None
    checks: tuple[Check, ...]
    today: datetime.date

    @property
    def span_text(self) -> str:
        """From and until when, as far as it says something: a window that opened long ago shows its end only."""
        if self.status is Status.NOT_ELIGIBLE:
            return ""
        if self.start is not None and self.start <= self.today:
            return _("until %(day)s") % {"day": _day(self.end)} if self.end is not None else ""
        if self.start is not None and self.end is not None:
            return _("from %(start)s until %(end)s") % {"start": _day(self.start), "end": _day(self.end)}
        if self.end is not None:
            return _("until %(day)s") % {"day": _day(self.end)}
        if self.start is not None:
            return _("from %(day)s") % {"day": _day(self.start)}
        return ""


def _day(day: datetime.date | None) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j. F Y") if day is not None else ""


def _places(values: Sequence[str]) -> str:
    return _(" or ").join(values)


def label_for(rule: Rule) -> str:
    """The criterion in words, in the reader's language."""
    n = rule.number or 0
    if rule.kind == "min_age":
        return _("At least %(n)s years old") % {"n": n}
    if rule.kind == "max_age":
        return _("At most %(n)s years old") % {"n": n}
    if rule.kind == "home_municipality":
        return _("Registered in %(places)s") % {"places": _places(rule.values)}
    if rule.kind == "prison_in":
        return _("Serving in a prison in %(places)s") % {"places": _places(rule.values)}
    if rule.kind == "earlier_sentences":
        return ngettext("At least %(n)s earlier prison sentence", "At least %(n)s earlier prison sentences", n) % {
            "n": n
        }
    if rule.kind == "no_expulsion_order":
        return _("No expulsion order after the sentence")
    if rule.kind == "months_before_parole":
        return ngettext(
            "At least %(n)s month before two-thirds time", "At least %(n)s months before two-thirds time", n
        ) % {"n": n}
    if rule.kind == "wants_to_leave_crime":
        return _("Wants to leave crime")
    raise ValueError(f"Unknown criterion {rule.kind!r}")


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _place_parts(place: str) -> set[str]:
    """The parts of a recorded place: "Oslo, Søndre Nordstrand" is Oslo and Søndre Nordstrand."""
    parts = {_norm(part) for part in re.split(r"[,/;]| - ", place)}
    return {part for part in parts | {_norm(place)} if part}


def _yes_no(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def check(rule: Rule, facts: Facts) -> Check:
    """Check one criterion against the facts."""
    met: bool | None = True
    start: datetime.date | None = None
    end: datetime.date | None = None
    n = rule.number or 0
    if rule.kind == "min_age":
        start = engine.age_reached_on(facts.birth_date, n)
    elif rule.kind == "max_age":
        end = engine.last_day_at_age(facts.birth_date, n)
    elif rule.kind in {"home_municipality", "prison_in"}:
        place = facts.home_municipality if rule.kind == "home_municipality" else facts.prison_municipality
        parts = _place_parts(place)
        if parts & {_norm(value) for value in rule.values}:
            met = True
        elif not parts or parts & {_norm(value) for value in rule.broader}:
            met = None
        else:
            met = False
    elif rule.kind == "earlier_sentences":
        known = max(facts.earlier_cases, facts.earlier_sentences or 0)
        met = True if known >= n else (None if facts.earlier_sentences is None else False)
    elif rule.kind == "no_expulsion_order":
        said = _yes_no(facts.expulsion_order)
        met = None if said is None else not said
    elif rule.kind == "months_before_parole":
        if not facts.road_known:
            met = None
        elif facts.parole is None:
            met = False  # served in full: there is no two-thirds date to reach
        else:
            end = engine.months_before(facts.parole, n)
    elif rule.kind == "wants_to_leave_crime":
        met = _yes_no(facts.wants_to_leave_crime)
    else:
        raise ValueError(f"Unknown criterion {rule.kind!r}")
    return Check(rule.kind, label_for(rule), met, start, end, rule.citation, facts.today)


def evaluate(rules: Sequence[Rule], facts: Facts) -> Eligibility:
    """The programme's answer for the case: each criterion checked, then the days they all hold."""
    checks = tuple(check(rule, facts) for rule in rules)
    starts = [c.start for c in checks if c.start is not None and c.met is not False]
    ends = [c.end for c in checks if c.end is not None and c.met is not False]
    start = max(starts) if starts else None
    end = min(ends) if ends else None
    today = facts.today
    if any(c.says_no for c in checks) or (start is not None and end is not None and start > end):
        return Eligibility(Status.NOT_ELIGIBLE, None, None, checks, today)
    if any(c.met is None for c in checks) or (start is not None and start > today):
        return Eligibility(Status.ALMOST, start, end, checks, today)
    return Eligibility(Status.ELIGIBLE, start, end, checks, today)
