"""Outcomes by release cohort and follow-up period (issue 22, point 3; DOMAIN.md §10).

A release cohort is everyone in a scope released in one half-year (or one year). Each cohort
is followed for three periods, each with the outcome the sources measure:

- 3 months: in work or in education (the Exit programme's measure, Københavns Kommune 2015: 45 %
  "tilknyttet uddannelses- eller beskæftigelsesfremmende aktiviteter 3 måneder efter");
- 1 year: no new charge (Exit: 42 % "ikke sigtet for ny alvorlig eller personfarlig kriminalitet
  1 år efter");
- 2 years: a new sentence (Norway: about 20 % "tatt for ny gjerning innen to år", KDI's figure in
  Stimulab's final delivery, 2024), seen from the person's next case (``Case.previous_case``):
  a case opened on a sentence (or in the community) whose sentence started, or whose intake was,
  within two years after the release. A case on remand is no sentence (yet).

A cohort is reported for a period only when the period has ended for everyone in it: the last
day of the cohort plus the period lies before today. So a young cohort cannot look good by being
young: it shows "not ended yet". A release whose follow-up is not written down counts as not in
work or education ("not known"), so a missing record never makes a cohort look better.

Privacy (issue 22, point 7; ``obstacles.aggregates``): every count of 1-4 shows as "fewer than 5",
each period's counts are one partition of the cohort (their sum is the cohort's size) and are
suppressed together, so no hidden count is found by subtraction; a share of fewer than
``SMALLEST_SHARE_BASE`` releases is not shown. Limits as said in ``obstacles.aggregates``: the
rule protects one table; the same cohorts by half-year and by year must not be shown together.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Case, LegalStatus
from insight.registry import Count, Period, TableCounts
from insight.scopes import Scope, cases_in
from obstacles.aggregates import Shown, suppress
from outcomes.models import SUCCESS, FollowUp, NewCharge
from timetable import engine

Grain = Literal["half", "year"]

#: A share of fewer releases than this is not shown (issue 22, point 7).
SMALLEST_SHARE_BASE = 10
#: How far back a table reaches when no first cohort is given.
MAX_YEARS_BACK = 10


@dataclass(frozen=True)
class FollowUpPeriod:
    key: str
    months: int
    name: str | Promise
    #: What the share counts, and the cells of the partition (key, words), the counted ones first.
    measure: str | Promise
    counted: tuple[str, ...]
    cells: tuple[tuple[str, str | Promise], ...]
    better: Literal["higher", "lower"]


PERIODS: tuple[FollowUpPeriod, ...] = (
    FollowUpPeriod(
        "3m",
        engine.FOLLOW_UP_MONTHS,
        _("3 months"),
        _("In work or in education"),
        ("work_or_education",),
        (
            ("work_or_education", _("In work or in education")),
            ("neither", _("Neither")),
            ("not_known", _("Not known or not written down")),
        ),
        "higher",
    ),
    FollowUpPeriod(
        "1y",
        engine.CHARGE_MONTHS,
        _("1 year"),
        _("No new charge"),
        ("no_charge",),
        (("no_charge", _("No new charge")), ("charged", _("Charged again"))),
        "higher",
    ),
    FollowUpPeriod(
        "2y",
        engine.SENTENCE_MONTHS,
        _("2 years"),
        _("A new sentence"),
        ("new_sentence",),
        (("new_sentence", _("A new sentence")), ("no_new_sentence", _("No new sentence"))),
        "lower",
    ),
)
PERIOD_BY_KEY = {period.key: period for period in PERIODS}


@dataclass(frozen=True)
class Release:
    """One release and its outcomes, as far as they are known today."""

    case_id: int
    released_on: datetime.date
    situation: str | None
    charged_within_year: bool
    new_sentence_within_two_years: bool

    def cell(self, period: FollowUpPeriod) -> str:
        if period.key == "3m":
            if self.situation in SUCCESS:
                return "work_or_education"
            return "neither" if self.situation == "neither" else "not_known"
        if period.key == "1y":
            return "charged" if self.charged_within_year else "no_charge"
        return "new_sentence" if self.new_sentence_within_two_years else "no_new_sentence"


def _released_in(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    return cases_in(scope).filter(released_on__gte=start, released_on__lte=end)


def releases(scope: Scope, start: datetime.date, end: datetime.date) -> list[Release]:
    """Every release in the scope from ``start`` to ``end`` (both included), with its outcomes: four queries."""
    return releases_of(_released_in(scope, start, end))


def releases_of(cases: QuerySet[Case]) -> list[Release]:
    """The releases among these cases (those with a day of release), with their outcomes: four queries."""
    cases = cases.filter(released_on__isnull=False)
    released: dict[int, datetime.date] = {
        pk: day for pk, day in cases.values_list("pk", "released_on").order_by() if day is not None
    }
    if not released:
        return []
    ids = cases.values("pk")
    situations = dict(FollowUp.objects.filter(case_id__in=ids).values_list("case_id", "situation"))
    charges: dict[int, list[datetime.date]] = defaultdict(list)
    for case_id, day in NewCharge.objects.filter(case_id__in=ids, removed_at__isnull=True).values_list(
        "case_id", "charged_on"
    ):
        charges[case_id].append(day)
    next_starts: dict[int, list[datetime.date]] = defaultdict(list)
    sentenced = Case.objects.filter(previous_case_id__in=ids).exclude(legal_status=LegalStatus.REMAND)
    for previous_id, sentence_start, intake in sentenced.values_list(
        "previous_case_id", "sentence_start", "intake_date"
    ):
        next_starts[previous_id].append(sentence_start or intake)
    result = []
    for case_id, day in released.items():
        year_ends = engine.outcome_window_ends(day, engine.CHARGE_MONTHS)
        two_years_end = engine.outcome_window_ends(day, engine.SENTENCE_MONTHS)
        result.append(
            Release(
                case_id=case_id,
                released_on=day,
                situation=situations.get(case_id),
                charged_within_year=any(day <= charged <= year_ends for charged in charges.get(case_id, ())),
                new_sentence_within_two_years=any(
                    day < start <= two_years_end for start in next_starts.get(case_id, ())
                ),
            )
        )
    return result


def _ended(release: Release, period: FollowUpPeriod, today: datetime.date) -> bool:
    """Whether the follow-up period of this release has passed (its last day lies before today)."""
    return engine.outcome_window_ends(release.released_on, period.months) < today


def count(items: Iterable[Release], period: FollowUpPeriod, today: datetime.date) -> Count:
    """The releases whose period has passed, and how many of them had the period's outcome."""
    ended = [release for release in items if _ended(release, period, today)]
    return Count(sum(1 for release in ended if release.cell(period) in period.counted), len(ended))


def success(scope: Scope, period: Period, today: datetime.date | None = None) -> Count:
    """The Exit programme's measure of success for the cost-benefit: of the releases in the period
    whose three months have passed, those in work or in education three months after."""
    today = today or timezone.localdate()
    return count(releases(scope, period.start, period.end), PERIOD_BY_KEY["3m"], today)


# ---------------------------------------------------------------------------------------
# The table by cohort


def cohort_of(day: datetime.date, grain: Grain) -> Period:
    """The half-year (or year) a day falls in."""
    if grain == "year":
        return Period(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    if day.month <= 6:
        return Period(datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30))
    return Period(datetime.date(day.year, 7, 1), datetime.date(day.year, 12, 31))


def cohort_label(cohort: Period) -> str:
    if cohort.start.month == 1 and cohort.end.month == 12:
        return str(cohort.start.year)
    if cohort.start.month == 1:
        return str(_("First half of %(year)d") % {"year": cohort.start.year})
    return str(_("Second half of %(year)d") % {"year": cohort.start.year})


@dataclass(frozen=True)
class CohortOutcome:
    """One cohort followed for one period: "not ended yet", or its counts as they may be shown."""

    period: FollowUpPeriod
    ends_on: datetime.date  # the last day of the period for the cohort's last release
    ended: bool
    cells: dict[str, Shown]  # empty while not ended
    numerator: Shown | None
    #: The share (0-1) when it may be shown: ended, 10 releases or more, its counts shown.
    share: float | None
    #: The counts behind a shown share (for its interval); None whenever the share is not shown.
    count: Count | None


@dataclass(frozen=True)
class CohortRow:
    cohort: Period
    label: str
    released: Shown
    outcomes: list[CohortOutcome]


def _outcome(
    raw: dict[str, int], size: int, cohort: Period, period: FollowUpPeriod, today: datetime.date
) -> CohortOutcome:
    """One cohort of ``size`` releases over one period, from its raw counts by cell (``cohort_counts``)."""
    ends_on = engine.outcome_window_ends(cohort.end, period.months)
    if not ends_on < today:
        return CohortOutcome(period, ends_on, False, {}, None, None, None)
    raw = {key: raw.get(key, 0) for key, _words in period.cells}
    cells, total = suppress(raw)
    numerator_raw = sum(raw[key] for key in period.counted)
    # With one counted cell the numerator is that cell, suppressed with the others.
    numerator = cells[period.counted[0]] if len(period.counted) == 1 else Shown(numerator_raw)
    may_share = not total.hidden and total.value is not None and total.value >= SMALLEST_SHARE_BASE
    may_share = may_share and not numerator.hidden
    share = numerator_raw / size if may_share else None
    return CohortOutcome(
        period,
        ends_on,
        True,
        cells,
        numerator,
        share,
        Count(numerator_raw, size) if may_share else None,
    )


#: The column of a cohort's size among its counts (``cohort_counts``).
RELEASED = "released"


def cohort_window(today: datetime.date, grain: Grain = "half") -> Period:
    """The days of release a table reaches: ``MAX_YEARS_BACK`` years back, to the end of today's cohort."""
    return Period(datetime.date(today.year - MAX_YEARS_BACK, 1, 1), cohort_of(today, grain).end)


def cohort_counts(items: Iterable[Release], grain: Grain = "half") -> TableCounts:
    """The raw counts behind a cohort table: for each cohort (its first day, ISO), its size
    (column ``RELEASED``) and each period's cells (column ``"<period>:<cell>"``). They add up over
    prisons, so the nightly measurement keeps them (``insight.registry.Table``) and the report
    builds its rows from them (``cohort_rows``); nothing is suppressed before it is shown."""
    counts: TableCounts = defaultdict(int)
    for release in items:
        start = cohort_of(release.released_on, grain).start.isoformat()
        counts[(start, RELEASED)] += 1
        for period in PERIODS:
            counts[(start, f"{period.key}:{release.cell(period)}")] += 1
    return dict(counts)


def cohort_rows(
    counts: TableCounts, today: datetime.date, grain: Grain = "half", first: datetime.date | None = None
) -> list[CohortRow]:
    """The table's rows from its raw counts, as they may be shown on ``today`` (the day the counts
    were taken): oldest cohort first, up to the one today falls in, each with its three periods.

    ``first``: a day in the first cohort; by default the earliest cohort with a release (at most
    ``MAX_YEARS_BACK`` years back). No release gives an empty table.
    """
    if first is not None:
        start = cohort_of(first, grain).start
    else:
        starts = [datetime.date.fromisoformat(row) for (row, column), n in counts.items() if column == RELEASED and n]
        if not starts:
            return []
        start = cohort_of(max(min(starts), cohort_window(today, grain).start), grain).start
    last = cohort_of(today, grain)
    rows = []
    cohort = cohort_of(start, grain)
    while cohort.start <= last.start:
        key = cohort.start.isoformat()
        size = counts.get((key, RELEASED), 0)
        _cells, released = suppress({"released": size})
        outcomes = [
            _outcome(
                {cell: counts.get((key, f"{period.key}:{cell}"), 0) for cell, _words in period.cells},
                size,
                cohort,
                period,
                today,
            )
            for period in PERIODS
        ]
        rows.append(CohortRow(cohort=cohort, label=cohort_label(cohort), released=released, outcomes=outcomes))
        cohort = cohort_of(cohort.end + datetime.timedelta(days=1), grain)
    return rows


def cohort_table(
    scope: Scope, today: datetime.date, grain: Grain = "half", first: datetime.date | None = None
) -> list[CohortRow]:
    """The scope's release cohorts, oldest first, up to the one today falls in, each with its three periods.

    ``first``: a day in the first cohort; by default the cohort of the scope's earliest release
    (at most ``MAX_YEARS_BACK`` years back). An empty scope gives an empty table. Four queries.
    """
    window = cohort_window(today, grain)
    start = cohort_of(first, grain).start if first else window.start
    return cohort_rows(cohort_counts(releases(scope, start, window.end), grain), today, grain, first)
