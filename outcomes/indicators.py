"""The outcome indicators (issue 22, point 1; DOMAIN.md §10), registered from ``OutcomesConfig.ready``,
and the counts of the report's cohort table, kept with every measurement (``COHORTS``).

Each counts the releases of the period (the day of release puts a case in it) whose follow-up
period has passed by the day the indicator is computed (``outcomes.cohorts``): a release still
inside its period is left out, never counted as a success or a failure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from insight.batch import shared
from insight.registry import (
    Cell,
    Count,
    Grouped,
    Indicator,
    Part,
    Period,
    Table,
    TableCounts,
    Tally,
    register,
    register_table,
)
from insight.scopes import Scope
from outcomes.cohorts import PERIOD_BY_KEY, Release, cohort_counts, cohort_window, count, releases, releases_of

EXIT = _("Københavns Kommune: «Udvikling og tilpasning af Exitprogrammet» (2015)")
KDI = _(
    "The Norwegian Correctional Service's figures in Stimulab's final delivery «En trygg og forutsigbar overgang "
    "fra fengsel til et selvstendig liv i frihet» (2024)"
)


def _compute(key: str) -> Callable[[Scope, Period], Count]:
    def compute(scope: Scope, period: Period) -> Count:
        return count(releases(scope, period.start, period.end), PERIOD_BY_KEY[key], timezone.localdate())

    return compute


def _releases_by_cell(period: Period) -> dict[Cell, list[Release]]:
    """Every release of the period with its outcomes, by the case's country and prison."""
    released = Case.objects.filter(released_on__gte=period.start, released_on__lte=period.end)
    cell_of: dict[int, Cell] = {
        pk: (country, prison)
        for pk, country, prison in released.values_list("pk", "country", "institution_id").order_by()
    }
    by_cell: dict[Cell, list[Release]] = defaultdict(list)
    for release in releases_of(released):
        by_cell[cell_of[release.case_id]].append(release)
    return by_cell


def _grouped(key: str) -> Grouped:
    """``_compute`` for every release of the period at once, by cell (the three outcomes share the releases)."""

    def grouped(period: Period) -> dict[Cell, Part]:
        today = timezone.localdate()
        cells: dict[Cell, Part] = {}
        for cell, items in shared(("outcomes.releases", period), lambda: _releases_by_cell(period)).items():
            counted = count(items, PERIOD_BY_KEY[key], today)
            cells[cell] = Tally(counted.numerator, counted.denominator)
        return cells

    return grouped


WORK_OR_EDUCATION = register(
    Indicator(
        key="outcomes.work_or_education_3m",
        name=_("In work or education three months after release"),
        definition=_(
            "Of those released in the period whose three months have passed: the share in work or in education "
            "three months after release, as the case's lead wrote it down. Not written down counts as not known."
        ),
        numerator=_("Released persons in work or in education after three months"),
        denominator=_("Released persons whose three months have passed"),
        better="higher",
        source=EXIT,
        group="outcomes",
        compute=_compute("3m"),
        grouped=_grouped("3m"),
    )
)
NO_NEW_CHARGE = register(
    Indicator(
        key="outcomes.no_new_charge_1y",
        name=_("No new charge within a year after release"),
        definition=_(
            "Of those released in the period whose first year after release has passed: the share with no new "
            "charge written down within that year."
        ),
        numerator=_("Released persons with no new charge within a year"),
        denominator=_("Released persons whose first year has passed"),
        better="higher",
        source=EXIT,
        group="outcomes",
        compute=_compute("1y"),
        grouped=_grouped("1y"),
    )
)
NEW_SENTENCE = register(
    Indicator(
        key="outcomes.new_sentence_2y",
        name=_("New sentence within two years after release"),
        definition=_(
            "Of those released in the period whose two years have passed: the share who started a new sentence "
            "within two years, seen from the person's next case."
        ),
        numerator=_("Released persons with a new sentence within two years"),
        denominator=_("Released persons whose two years have passed"),
        better="lower",
        source=KDI,
        group="outcomes",
        compute=_compute("2y"),
        grouped=_grouped("2y"),
    )
)


def cohorts_counted(scope: Scope, period: Period, today: datetime.date) -> TableCounts:
    """The raw counts of the scope's cohort table on ``today`` (``outcomes.cohorts.cohort_counts``).
    The cohorts are every half-year of release up to today's, whatever the period measured."""
    window = cohort_window(today)
    return cohort_counts(releases(scope, window.start, window.end))


def cohorts_counted_by_cell(period: Period, today: datetime.date) -> dict[Cell, TableCounts]:
    """``cohorts_counted`` for every cell at once (five queries)."""
    window = cohort_window(today)
    return {cell: cohort_counts(items) for cell, items in _releases_by_cell(window).items()}


COHORTS = register_table(Table(key="outcomes.cohorts", compute=cohorts_counted, grouped=cohorts_counted_by_cell))
