"""Fill the report (``report.data``) for a scope and a period from the apps that own the figures.

The sections are built from plain inputs (``indicator_sections``, ``cohort_section``,
``gain_section``, ``obstacle_section``), which the tests give by hand. ``build`` reads those
inputs from the other apps of issue 22 through the names of the contract (brief 22):

- insight: ``insight.selectors.baseline(scope)`` and ``latest(scope)`` (measurements);
- outcomes: ``outcomes.cohorts.cohort_table(scope, today)`` (or ``cohort_rows`` of a measurement's
  counts) and the 3-month outcome indicator (``success(scope, period)`` when it is not measured);
- costbenefit: ``costbenefit.gain.gain(...)``;
- obstacles: the map's counts by code, suppressed as on the map (``obstacles.aggregates.suppress``).

Each reader of another app is one small function below (``_measured``, ``_cohorts``, ``_obstacles``,
``_gain``). The indicators, the cohorts and the obstacles by code come from the scope's latest
measurement when it is of the period asked for (its values and its tables), else they are counted
now (``insight.registry``); the baseline is the scope's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.kept import Kept
from costbenefit.gain import FORMULA, gain
from insight import selectors as measurements
from insight.models import MeasuredTable, Measurement
from insight.registry import Count, Indicator, Median, Period, Value, indicators
from insight.scopes import Scope
from obstacles.aggregates import suppress
from obstacles.models import Challenge
from obstacles.selectors import challenges
from obstacles.tables import BY_CODE, by_code
from outcomes.cohorts import cohort_rows, cohort_table, success
from outcomes.indicators import COHORTS, WORK_OR_EDUCATION
from report.data import Bars, Cohort, Cohorts, Figure, Report, Row, Verdict
from report.shown import change, count_text, figure, share

#: The report's sections of indicators, in order, with their titles.
GROUPS = ("process", "release", "obstacles", "programmes", "outcomes", "satisfaction")


#: Each group's title (an English msgid). Translated one at a time when asked for: a dict of all six
#: translated on each call made 36 ``gettext`` calls for one report (0.6 ms of its 10 ms of CPU).
GROUP_TITLES = {
    "process": gettext_noop("The work with the case"),
    "release": gettext_noop("Release"),
    "obstacles": gettext_noop("Obstacles"),
    "programmes": gettext_noop("Programmes"),
    "outcomes": gettext_noop("Outcomes after release"),
    "satisfaction": gettext_noop("Satisfaction"),
}


def group_title(group: str) -> str:
    return _(GROUP_TITLES[group]) if group in GROUP_TITLES else group


@dataclass(frozen=True)
class Measured:
    """One indicator's value now and at the baseline (``None``: not measured)."""

    indicator: Indicator
    later: Value | None
    baseline: Value | None


def indicator_row(item: Measured) -> Row:
    ind = item.indicator
    if item.later is None:
        return Row(ind.key, str(ind.name), ind.kind, Figure(_("not measured")), note=str(ind.definition))
    shown, counts, interval = figure(item.later, ind.kind)
    base = figure(item.baseline, ind.kind)[0] if item.baseline is not None else None
    moved: str = ""
    verdict: Verdict = ""
    if item.baseline is not None:
        moved, verdict = change(item.baseline, item.later, ind.kind, ind.better)
    return Row(
        ind.key,
        str(ind.name),
        ind.kind,
        shown,
        counts=counts,
        interval=interval,
        baseline=base,
        change=moved,
        verdict=verdict,
        note=str(ind.definition),
    )


def indicator_sections(measured: Iterable[Measured]) -> list[Bars]:
    """One section of bars per group of indicators, in the order of ``GROUPS``."""
    by_group: dict[str, list[Row]] = {}
    for item in measured:
        by_group.setdefault(item.indicator.group, []).append(indicator_row(item))
    intro = _(
        "Each share with its interval of 95 per cent (the line across the bar) and the baseline (the mark). "
        "A share of fewer than 10 cases is not shown."
    )
    return [
        Bars(
            key=f"indicators-{group}",
            title=group_title(group),
            intro=intro,
            rows=by_group[group],
        )
        for group in GROUPS
        if group in by_group
    ]


@dataclass(frozen=True)
class CohortCount:
    """An outcome of one release cohort over one follow-up period (``None``: the period has not ended)."""

    cohort: str
    follow_up: str
    count: Count | None


def cohort_section(measure: str, counts: Sequence[CohortCount]) -> Cohorts:
    """Outcomes by release cohort (rows) and follow-up period (columns); periods not ended are not shown."""
    periods = list(dict.fromkeys(item.follow_up for item in counts))
    labels = list(dict.fromkeys(item.cohort for item in counts))
    found = {(item.cohort, item.follow_up): item.count for item in counts}
    cohorts = []
    for label in labels:
        figures: list[Figure | None] = []
        texts: list[str] = []
        for period in periods:
            count = found.get((label, period))
            if count is None:
                figures.append(None)
                texts.append("")
                continue
            shown, numbers, _interval = share(count)
            figures.append(shown)
            texts.append(numbers)
        cohorts.append(Cohort(label, figures, texts))
    return Cohorts(
        key="outcomes",
        title=_("Outcomes by release cohort"),
        intro=_(
            "Each cohort is the people released in a half-year. A cohort is shown for a follow-up period "
            "only when that period has ended for all of them."
        ),
        measure=measure,
        periods=periods,
        cohorts=cohorts,
        empty=_("No cohort has ended a follow-up period yet."),
    )


@dataclass(frozen=True)
class Gain:
    """The gain of a scope as costbenefit gives it, in its currency, with the assumptions' version."""

    currency: str
    low: float
    central: float
    high: float
    participants: int
    success: Count
    version: str
    formula: str


def money(amount: float, currency: str) -> str:
    """An amount in whole units, thousands set apart by a narrow no-break space."""
    return f"{currency} {round(amount):,}".replace(",", "\u202f")


def gain_section(gain: Gain | None) -> Bars:
    """The gain, low, central and high; hidden with the success share when that share may not be shown."""
    title = _("Cost-benefit")
    if gain is None:
        return Bars("gain", title, "", [], unit="money", empty=_("The cost-benefit is not available yet."))
    success, counts, interval = share(gain.success)
    participants = count_text(suppress({"n": gain.participants})[0]["n"])
    note = _("%(participants)s participants; success %(share)s (%(counts)s); assumptions: %(version)s") % {
        "participants": participants,
        "share": success.text,
        "counts": counts,
        "version": gain.version,
    }
    if not success.drawn:
        # The gain is the success share times the participants and the value: it would give the share away.
        return Bars("gain", title, gain.formula, [], unit="money", empty=_("Not shown: too few participants."))
    rows = [
        Row(key, label, "money", Figure(money(amount, gain.currency), amount), interval=interval)
        for key, label, amount in (
            ("low", _("Low estimate"), gain.low),
            ("central", _("Central estimate"), gain.central),
            ("high", _("High estimate"), gain.high),
        )
    ]
    return Bars("gain", title, f"{gain.formula} {note}", rows, unit="money", currency=gain.currency)


def obstacle_section(counts: dict[str, int], labels: dict[str, str]) -> Bars:
    """The map's counts by code, suppressed as on the map: every code (zero too) and the uncoded in one ``suppress``."""
    cells = {code: counts.get(code, 0) for code in labels}
    cells[""] = counts.get("", 0)
    shown, total = suppress(cells)
    names = {**labels, "": _("Not yet placed on the map")}
    rows = [
        Row(
            code or "uncoded",
            f"{code} {names[code]}" if code else names[code],
            "count",
            Figure(count_text(cell), cell.value),
        )
        for code, cell in shown.items()
        if cells[code] > 0  # a code with no obstacle is left out: zero names no one and draws nothing
    ]
    return Bars(
        key="obstacles",
        title=_("Obstacles on the reentry map"),
        intro=_("Obstacles by code of the map, on days in the period. Counts below 5 show as «fewer than 5»."),
        rows=rows,
        unit="count",
        total=Figure(count_text(total), total.value),
        empty=_("No obstacles in the period."),
    )


def read_challenges() -> list[Challenge]:
    """The map's codes in use, in order, with their texts in each language (the text is said when asked for)."""
    return list(challenges().only("code", "text_nb", "text_da", "text_en"))


#: The map's codes and texts as this worker keeps them (``core.kept``): the catalogue is reference data,
#: changed by ``obstacles.services.challenge_save`` (which saves the row: ``report.apps`` forgets it then, in
#: this worker; every other worker within the minute). Its 43 rows were read on every report (0.5 ms of CPU).
KEPT_CHALLENGES = Kept(read_challenges)


# --- Readers of the other apps (the lead wires these to the merged apps; see the module's docstring) ---


def _live(scope: Scope, period: Period) -> dict[str, Value]:
    return {ind.key: ind.compute(scope, period) for ind in indicators()}


def _values_of(measurement: Measurement) -> dict[str, Value]:
    """A measurement's values as the registry's counts and medians, by indicator key."""
    values: dict[str, Value] = {}
    for item in measurement.values.all():
        if item.kind == "median":
            values[item.key] = Median(item.value, item.n)
        elif item.numerator is not None and item.denominator is not None:
            values[item.key] = Count(item.numerator, item.denominator)
    return values


def _of_period(later: Measurement | None, period: Period) -> Measurement | None:
    """The scope's latest measurement (``later``) if it is of this period (the report then serves from it)."""
    if (
        later is not None
        and later.taken_at is not None
        and (later.period_start, later.period_end)
        == (
            period.start,
            period.end,
        )
    ):
        return later
    return None


def _measured(
    scope: Scope, period: Period, later: Measurement | None
) -> tuple[dict[str, Value], dict[str, Value] | None, str]:
    """The indicators' values for the period, the baseline's, and where they come from in words.

    From ``later``, the latest measurement of the scope if it is of this period (else the values
    are computed now), and the scope's baseline (``insight.selectors``).
    """
    base = measurements.baseline(scope)
    baseline_values = _values_of(base) if base is not None else None
    if later is not None and later.taken_at is not None:
        values = _values_of(later)
        basis = _("Measured on %(day)s.") % {"day": later.taken_at.date().isoformat()}
    else:
        values, basis = _live(scope, period), _("Computed now.")
    if base is not None and base.taken_at is not None:
        basis += " " + _("Baseline measured on %(day)s.") % {"day": base.taken_at.date().isoformat()}
    else:
        basis += " " + _("No baseline has been taken for this scope.")
    return values, baseline_values, basis


def default_period(later: Measurement | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a report shows unless asked for another: the scope's latest measurement's (``later``, as
    ``insight.selectors.latest`` read it; so the page serves from it), else the year up to today."""
    if later is not None:
        return later.period_start, later.period_end
    return today - datetime.timedelta(days=364), today


def _cohorts(scope: Scope, today: datetime.date, kept: MeasuredTable | None) -> list[CohortCount]:
    """Every release cohort of the scope over each follow-up period (``None`` while a period has not
    ended): from the measurement's counts, as they stood on the day they were taken, else counted now."""
    rows = cohort_rows(kept.as_counts(), kept.counted_on) if kept is not None else cohort_table(scope, today)
    return [
        CohortCount(row.label, str(outcome.period.measure), outcome.count if outcome.ended else None)
        for row in rows
        for outcome in row.outcomes
    ]


def _obstacles(scope: Scope, period: Period, today: datetime.date, kept: MeasuredTable | None) -> dict[str, int]:
    """The map's counts by code: from the measurement, else counted now."""
    counts = kept.as_counts() if kept is not None else by_code(scope, period, today)
    return {code: n for (code, _column), n in counts.items()}


def _gain(scope: Scope, count: Count) -> Gain | None:
    """The gain under the scope's current assumptions, for the releases of the period whose 3 months
    have passed (``count``: those in work or in education of them, the 3-month outcome indicator)."""
    found = gain(scope, participants=count.denominator, success=count)
    if found is None or found.low is None or found.central is None or found.high is None:
        return None
    if found.low.total is None or found.central.total is None or found.high.total is None:
        return None
    version = found.assumptions
    return Gain(
        version.currency,
        float(found.low.total),
        float(found.central.total),
        float(found.high.total),
        count.denominator,
        count,
        version.made_at.date().isoformat(),
        str(FORMULA),
    )


def build(
    scope: Scope,
    scope_label: str,
    period: Period,
    today: datetime.date,
    latest: Measurement | None,
) -> Report:
    """The report of a scope and period, from the measurements, outcomes, cost-benefit and the map.

    Served from the scope's measurement of the period when there is one: its indicators, its
    outcome cohorts and its obstacles by code (``insight.models.MeasuredTable``); else counted now.
    ``latest``: the scope's latest measurement (``insight.selectors.latest``), as the caller read
    it: the view reads it once, for the default period (``default_period``) and for this.
    """
    later = _of_period(latest, period)
    values, baseline, basis = _measured(scope, period, later)
    kept = measurements.tables_of(later) if later is not None else {}
    measured = [
        Measured(ind, values.get(ind.key), baseline.get(ind.key) if baseline is not None else None)
        for ind in indicators()
    ]
    sections: list[Bars | Cohorts] = list(indicator_sections(measured))
    sections.append(cohort_section(_("Outcomes by release cohort"), _cohorts(scope, today, kept.get(COHORTS.key))))
    successes = values.get(WORK_OR_EDUCATION.key)
    sections.append(gain_section(_gain(scope, successes if isinstance(successes, Count) else success(scope, period))))
    labels = {challenge.code: challenge.text for challenge in KEPT_CHALLENGES()}
    sections.append(obstacle_section(_obstacles(scope, period, today, kept.get(BY_CODE.key)), labels))
    return Report(scope_label, period.start, period.end, today, basis, sections)
