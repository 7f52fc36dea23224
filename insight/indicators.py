"""The indicators of DOMAIN.md §10 that read the data the app already holds (issue 22, point 1).

Each counts within ``cases_in(scope)`` and says which day puts something in the period:

- the needs conversation on time: the case's needs-conversation deadline (``timetable.Deadline``,
  as its country's rule set places it) falls in the period; met when part 1 was held by that day;
- days from intake to the needs conversation: cases taken in during the period with part 1 held;
- consent: cases taken in during the period with a consent given by the period's end and not
  withdrawn by then;
- needs with a measure: needs recorded in the period with at least one measure not rejected;
- measures on time: measures in the plan (chosen, started, done) due in the period, done by the due day;
- proposals per group member: measures proposed in the period over the members of the scope's
  cases whose membership ran at some time in the period;
- release readiness: releases (a completed transition to the community) in the period with the
  place to live, the income and the named municipal contact done by the day (or not needed);
- days of notice NAV got: see ``_nav_notice_days``;
- handovers with overlap: completed transitions in the period where someone had taken hold
  before the person moved (``handover_gap`` not set);
- obstacles per case: obstacles that happened in the period over the cases open in it, in all
  and by the agency that failed (the counts by code are the reentry map's, obstacles.selectors);
- programme places used: places taken (a place from a day in the period) over the programmes'
  annual places for the period's length.

Each has a grouped variant (``Indicator.grouped``, the functions ending in ``_by_cell``): the same
count for every case's country and prison at once, one or a few queries for the whole period,
from which ``insight.batch`` puts together each country, region and prison. Each repeats its
``compute``'s filters over every case instead of a scope's; ``insight/tests/test_batch.py``
checks the two agree for every indicator and scope.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count as Rows
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import AgencyKind
from cases.models import Case, Membership
from consent.models import Consent
from consent.selectors import held_on
from handover.models import Transition, TransitionKind, TransitionState
from insight.batch import shared
from insight.registry import Cell, Count, Days, Grouped, Indicator, Median, Part, Period, Places, Tally, register
from insight.scopes import Scope, cases_in
from needs.models import Need
from notices.models import Notice
from obstacles.models import Obstacle
from plans.models import PLAN_STATUSES, Measure, MeasureStatus
from programmes.models import Enrolment, Programme
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from timetable.models import Deadline, DeadlineKind, NoticeRecipient, ReleaseNotice

SEED_001 = _(
    "Kriminalomsorgsdirektoratet and Stimulab, «En trygg og forutsigbar overgang fra fengsel til et "
    "selvstendig liv i frihet», 2024, section 6"
)
SEED_002 = _("NIBR report 2011:20, the action plan «God Løsladelse» (Denmark)")
SEED_000 = _("EX/IN final report, Oslo (Søndre Nordstrand), 2024")
SEED_004 = _("Tilbakeføring.no, the work process for housing from prison")

#: What a release is for these indicators: a completed move to life outside prison.
RELEASE_KINDS = sorted(TransitionKind.releases())
#: The readiness items that must be in place on the day (DOMAIN.md §10).
ON_THE_DAY = (ReadinessKey.HOUSING, ReadinessKey.INCOME, ReadinessKey.MUNICIPAL_CONTACT)


def _case_ids(scope: Scope) -> QuerySet[Case, Any]:
    return cases_in(scope).values("pk")


def _open_in(period: Period) -> Q:
    """Cases open at some time in the period: taken in by its end, not closed before its start."""
    return Q(intake_date__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))


def _share(numerator: int, denominator: int) -> Count:
    return Count(numerator, denominator)


def conversation_on_time(scope: Scope, period: Period) -> Count:
    deadlines = Deadline.objects.filter(
        case__in=_case_ids(scope), kind=DeadlineKind.NEEDS_CONVERSATION, due_date__range=(period.start, period.end)
    )
    return _share(deadlines.filter(met_on__isnull=False, met_on__lte=F("due_date")).count(), deadlines.count())


def days_to_conversation(scope: Scope, period: Period) -> Median:
    cases = (
        cases_in(scope)
        .filter(intake_date__range=(period.start, period.end))
        .annotate(first=Min("conversations__held_on", filter=Q(conversations__part=1)))
        .filter(first__isnull=False)
        .values_list("intake_date", "first")
    )
    days = [max(0, (first - intake).days) for intake, first in cases]
    return Median(statistics.median(days) if days else None, len(days))


def cases_with_consent(scope: Scope, period: Period) -> Count:
    cases = cases_in(scope).filter(intake_date__range=(period.start, period.end))
    consent = Consent.objects.filter(held_on(period.end), case=OuterRef("pk"))
    return _share(cases.filter(Exists(consent)).count(), cases.count())


def needs_with_measure(scope: Scope, period: Period) -> Count:
    needs = Need.objects.filter(case__in=_case_ids(scope), recorded_at__date__range=(period.start, period.end))
    measured = Measure.objects.filter(needs=OuterRef("pk")).exclude(status=MeasureStatus.REJECTED)
    return _share(needs.filter(Exists(measured)).count(), needs.count())


def measures_on_time(scope: Scope, period: Period) -> Count:
    measures = Measure.objects.filter(
        case__in=_case_ids(scope), status__in=sorted(PLAN_STATUSES), due_date__range=(period.start, period.end)
    )
    on_time = measures.filter(status=MeasureStatus.DONE, done_on__isnull=False, done_on__lte=F("due_date"))
    return _share(on_time.count(), measures.count())


def proposals_per_member(scope: Scope, period: Period) -> Count:
    proposed = Measure.objects.filter(
        case__in=_case_ids(scope), proposed_at__date__range=(period.start, period.end)
    ).count()
    members = (
        Membership.objects.filter(case__in=_case_ids(scope), accepted_at__isnull=False, start_date__lte=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .count()
    )
    return Count(proposed, members)


def _releases(scope: Scope, period: Period) -> QuerySet[Transition]:
    return Transition.objects.filter(
        case__in=_case_ids(scope),
        kind__in=RELEASE_KINDS,
        state=TransitionState.COMPLETED,
        completed_on__range=(period.start, period.end),
    )


def releases_ready(scope: Scope, period: Period) -> Count:
    day_of = {pk: day for pk, day in _releases(scope, period).values_list("pk", "completed_on") if day is not None}
    in_place: dict[int, set[str]] = {pk: set() for pk in day_of}
    items = ReadinessItem.objects.filter(transition_id__in=list(day_of), key__in=[str(key) for key in ON_THE_DAY])
    for transition_id, key, state, done_on in items.values_list("transition_id", "key", "state", "done_on"):
        if state == ReadinessState.NOT_NEEDED or (
            state == ReadinessState.DONE and done_on is not None and done_on <= day_of[transition_id]
        ):
            in_place[transition_id].add(key)
    ready = sum(1 for keys in in_place.values() if len(keys) == len(ON_THE_DAY))
    return _share(ready, len(day_of))


def _nav_notice_days(scope: Scope, period: Period) -> list[int]:
    """Days between the first word NAV had of a release date and the release, per release in the period.

    Two records tell that NAV heard: ``timetable.ReleaseNotice`` (staff record that they told NAV,
    by any channel: the deadline "NAV told of the release date" is met by it) and a delivered
    ``notices.Notice`` to a NAV office (the automatic notice of issue 23). Either is NAV having
    the word, so the earlier of the two counts. A release NAV heard of only on the day or after
    it, or never, counts 0 days: that is the failure seed 000 describes.
    """
    releases = [
        (case_id, day)
        for case_id, day in _releases(scope, period).values_list("case_id", "completed_on")
        if day is not None
    ]
    cases = {case_id for case_id, _day in releases}
    told: dict[int, list[datetime.date]] = {}
    for case_id, day in ReleaseNotice.objects.filter(case_id__in=cases, recipient=NoticeRecipient.NAV).values_list(
        "case_id", "told_on"
    ):
        told.setdefault(case_id, []).append(day)
    for case_id, at in Notice.objects.filter(
        case_id__in=cases, agency__kind=AgencyKind.NAV, delivered_at__isnull=False
    ).values_list("case_id", "delivered_at"):
        if at is not None:
            told.setdefault(case_id, []).append(at.date())
    days = []
    for case_id, released in releases:
        before = [day for day in told.get(case_id, []) if day <= released]
        days.append((released - min(before)).days if before else 0)
    return days


def nav_notice_days(scope: Scope, period: Period) -> Median:
    days = _nav_notice_days(scope, period)
    return Median(statistics.median(days) if days else None, len(days))


def handovers_with_overlap(scope: Scope, period: Period) -> Count:
    moves = Transition.objects.filter(
        case__in=_case_ids(scope), state=TransitionState.COMPLETED, completed_on__range=(period.start, period.end)
    )
    return _share(moves.filter(handover_gap=False).count(), moves.count())


def _obstacles_per_case(agency: str | None) -> Callable[[Scope, Period], Count]:
    def compute(scope: Scope, period: Period) -> Count:
        obstacles = Obstacle.objects.filter(case__in=_case_ids(scope), happened_on__range=(period.start, period.end))
        if agency is not None:
            obstacles = obstacles.filter(failed_agency=agency)
        return Count(obstacles.count(), cases_in(scope).filter(_open_in(period)).count())

    return compute


def programme_places_used(scope: Scope, period: Period) -> Count:
    taken = Enrolment.objects.filter(case__in=_case_ids(scope), place_from__range=(period.start, period.end))
    if scope.kind == "programme":
        programmes = Programme.objects.filter(slug=scope.key)
    else:
        programmes = Programme.objects.filter(pk__in=taken.values("programme_id"))
    places = sum(count or 0 for count in programmes.values_list("annual_places", flat=True))
    days = (period.end - period.start).days + 1
    return Count(taken.count(), round(places * days / 365))


# ---------------------------------------------------------------------------------------
# The grouped variants: each the count above, by cell (country, prison), for every case at once


def _moments(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the period and the first after it, in the project's time zone: a moment
    lies in them exactly when its day (``__date``) lies in the period, and the database compares
    the stored moments as they are instead of converting each to a day."""
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time()))
    after = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time()))
    return start, after


def _cell(row: dict[str, Any], prefix: str = "case__") -> Cell:
    """The case's cell, read through a relation to the case ("case__") or on the case itself ("")."""
    return (row[f"{prefix}country"], row[f"{prefix}institution_id"])


def _cell_fields(prefix: str = "case__") -> tuple[str, str]:
    return (f"{prefix}country", f"{prefix}institution_id")


def _tallies(rows: Iterable[dict[str, Any]], prefix: str = "case__") -> dict[Cell, Part]:
    """Rows with ``yes`` and ``total`` per cell, as tallies."""
    return {_cell(row, prefix): Tally(row["yes"], row["total"]) for row in rows}


def _add(*tables: dict[Cell, Part]) -> dict[Cell, Part]:
    cells: dict[Cell, Part] = {}
    for table in tables:
        for cell, part in table.items():
            cells[cell] = cells[cell] + part if cell in cells else part
    return cells


def _per_cell(rows: QuerySet[Any, dict[str, Any]], numerator: bool, prefix: str = "case__") -> dict[Cell, Part]:
    """Rows with ``n`` per cell, as the numerator (or the denominator) of a tally."""
    return {_cell(row, prefix): Tally(row["n"], 0) if numerator else Tally(0, row["n"]) for row in rows}


def conversation_on_time_by_cell(period: Period) -> dict[Cell, Part]:
    rows = (
        Deadline.objects.filter(kind=DeadlineKind.NEEDS_CONVERSATION, due_date__range=(period.start, period.end))
        .values(*_cell_fields())
        .annotate(total=Rows("pk"), yes=Rows("pk", filter=Q(met_on__isnull=False, met_on__lte=F("due_date"))))
        .order_by()
    )
    return _tallies(rows)


def days_to_conversation_by_cell(period: Period) -> dict[Cell, Part]:
    rows = (
        Case.objects.filter(intake_date__range=(period.start, period.end))
        .annotate(first=Min("conversations__held_on", filter=Q(conversations__part=1)))
        .filter(first__isnull=False)
        .values_list("country", "institution_id", "intake_date", "first")
        .order_by()
    )
    days: dict[Cell, list[int]] = defaultdict(list)
    for country, prison, intake, first in rows:
        days[(country, prison)].append(max(0, (first - intake).days))
    return {cell: Days(tuple(values)) for cell, values in days.items()}


def cases_with_consent_by_cell(period: Period) -> dict[Cell, Part]:
    # "In" a list made once (PostgreSQL hashes it), not "exists" asked again for each case.
    consented = Consent.objects.filter(held_on(period.end)).values("case_id")
    rows = (
        Case.objects.filter(intake_date__range=(period.start, period.end))
        .values(*_cell_fields(""))
        .annotate(total=Rows("pk"), yes=Rows("pk", filter=Q(pk__in=consented)))
        .order_by()
    )
    return _tallies(rows, "")


def needs_with_measure_by_cell(period: Period) -> dict[Cell, Part]:
    # The needs with a measure not rejected, as one list (hashed), not "exists" asked for each need.
    measured = Measure.needs.through.objects.exclude(measure__status=MeasureStatus.REJECTED).values("need_id")
    rows = (
        Need.objects.filter(recorded_at__gte=_moments(period)[0], recorded_at__lt=_moments(period)[1])
        .values(*_cell_fields())
        .annotate(total=Rows("pk"), yes=Rows("pk", filter=Q(pk__in=measured)))
        .order_by()
    )
    return _tallies(rows)


def measures_on_time_by_cell(period: Period) -> dict[Cell, Part]:
    rows = (
        Measure.objects.filter(status__in=sorted(PLAN_STATUSES), due_date__range=(period.start, period.end))
        .values(*_cell_fields())
        .annotate(
            total=Rows("pk"),
            yes=Rows("pk", filter=Q(status=MeasureStatus.DONE, done_on__isnull=False, done_on__lte=F("due_date"))),
        )
        .order_by()
    )
    return _tallies(rows)


def proposals_per_member_by_cell(period: Period) -> dict[Cell, Part]:
    proposed = (
        Measure.objects.filter(proposed_at__gte=_moments(period)[0], proposed_at__lt=_moments(period)[1])
        .values(*_cell_fields())
        .annotate(n=Rows("pk"))
        .order_by()
    )
    members = (
        Membership.objects.filter(accepted_at__isnull=False, start_date__lte=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .values(*_cell_fields())
        .annotate(n=Rows("pk"))
        .order_by()
    )
    return _add(_per_cell(proposed, numerator=True), _per_cell(members, numerator=False))


def _every_release(period: Period) -> QuerySet[Transition]:
    return Transition.objects.filter(
        kind__in=RELEASE_KINDS, state=TransitionState.COMPLETED, completed_on__range=(period.start, period.end)
    )


def releases_ready_by_cell(period: Period) -> dict[Cell, Part]:
    releases = _every_release(period)
    day_of: dict[int, datetime.date] = {}
    cell_of: dict[int, Cell] = {}
    for pk, day, country, prison in releases.values_list(
        "pk", "completed_on", "case__country", "case__institution_id"
    ).order_by():
        if day is not None:
            day_of[pk], cell_of[pk] = day, (country, prison)
    in_place: dict[int, set[str]] = {pk: set() for pk in day_of}
    items = ReadinessItem.objects.filter(
        transition__in=releases.values("pk"), key__in=[str(key) for key in ON_THE_DAY]
    ).order_by()
    for transition_id, key, state, done_on in items.values_list("transition_id", "key", "state", "done_on"):
        if transition_id in day_of and (
            state == ReadinessState.NOT_NEEDED
            or (state == ReadinessState.DONE and done_on is not None and done_on <= day_of[transition_id])
        ):
            in_place[transition_id].add(key)
    cells: dict[Cell, Part] = {}
    for pk, keys in in_place.items():
        part = Tally(1 if len(keys) == len(ON_THE_DAY) else 0, 1)
        cells[cell_of[pk]] = cells[cell_of[pk]] + part if cell_of[pk] in cells else part
    return cells


def nav_notice_days_by_cell(period: Period) -> dict[Cell, Part]:
    """``_nav_notice_days`` for every release of the period, by cell."""
    releases = _every_release(period)
    rows = [
        (case_id, day, (country, prison))
        for case_id, day, country, prison in releases.values_list(
            "case_id", "completed_on", "case__country", "case__institution_id"
        ).order_by()
        if day is not None
    ]
    cases = releases.values("case_id")
    told: dict[int, list[datetime.date]] = {}
    for case_id, day in (
        ReleaseNotice.objects.filter(case__in=cases, recipient=NoticeRecipient.NAV)
        .values_list("case_id", "told_on")
        .order_by()
    ):
        told.setdefault(case_id, []).append(day)
    for case_id, at in (
        Notice.objects.filter(case__in=cases, agency__kind=AgencyKind.NAV, delivered_at__isnull=False)
        .values_list("case_id", "delivered_at")
        .order_by()
    ):
        if at is not None:
            told.setdefault(case_id, []).append(at.date())
    days: dict[Cell, list[int]] = defaultdict(list)
    for case_id, released, cell in rows:
        before = [day for day in told.get(case_id, []) if day <= released]
        days[cell].append((released - min(before)).days if before else 0)
    return {cell: Days(tuple(values)) for cell, values in days.items()}


def handovers_with_overlap_by_cell(period: Period) -> dict[Cell, Part]:
    rows = (
        Transition.objects.filter(state=TransitionState.COMPLETED, completed_on__range=(period.start, period.end))
        .values(*_cell_fields())
        .annotate(total=Rows("pk"), yes=Rows("pk", filter=Q(handover_gap=False)))
        .order_by()
    )
    return _tallies(rows)


def _obstacles_by_cell(period: Period) -> dict[tuple[Cell, str | None], int]:
    """The obstacles that happened in the period, by cell and the agency that failed (one query for all eight)."""
    rows = (
        Obstacle.objects.filter(happened_on__range=(period.start, period.end))
        .values(*_cell_fields(), "failed_agency")
        .annotate(n=Rows("pk"))
        .order_by()
    )
    return {(_cell(row), row["failed_agency"]): row["n"] for row in rows}


def _open_by_cell(period: Period) -> dict[Cell, int]:
    rows = Case.objects.filter(_open_in(period)).values(*_cell_fields("")).annotate(n=Rows("pk")).order_by()
    return {_cell(row, ""): row["n"] for row in rows}


def _obstacles_per_case_by_cell(agency: str | None) -> Grouped:
    def grouped(period: Period) -> dict[Cell, Part]:
        obstacles = shared(("obstacles", period), lambda: _obstacles_by_cell(period))
        cells: dict[Cell, Part] = {
            cell: Tally(0, n) for cell, n in shared(("open cases", period), lambda: _open_by_cell(period)).items()
        }
        for (cell, failed), n in obstacles.items():
            if agency is None or failed == agency:
                cells[cell] = cells[cell] + Tally(n, 0) if cell in cells else Tally(n, 0)
        return cells

    return grouped


def programme_places_used_by_cell(period: Period) -> dict[Cell, Part]:
    rows = (
        Enrolment.objects.filter(place_from__range=(period.start, period.end))
        .values(*_cell_fields(), "programme_id", "programme__annual_places")
        .annotate(n=Rows("pk"))
        .order_by()
    )
    cells: dict[Cell, Part] = {}
    for row in rows:
        part = Places(row["n"], frozenset({(row["programme_id"], row["programme__annual_places"] or 0)}))
        cell = _cell(row)
        cells[cell] = cells[cell] + part if cell in cells else part
    return cells


def _register() -> None:
    register(
        Indicator(
            key="conversation_on_time",
            name=_("Needs conversations held within the deadline"),
            definition=_(
                "Of the cases whose deadline for part 1 of the needs conversation falls in the period, "
                "the share where it was held by the deadline."
            ),
            numerator=_("held by the deadline"),
            denominator=_("cases with the deadline in the period"),
            better="higher",
            source=SEED_004,
            group="process",
            compute=conversation_on_time,
            grouped=conversation_on_time_by_cell,
        )
    )
    register(
        Indicator(
            key="days_to_conversation",
            name=_("Days from intake to the needs conversation"),
            definition=_(
                "The median number of days from intake to part 1 of the needs conversation, "
                "for cases taken in during the period where it was held."
            ),
            numerator=_("days from intake to the needs conversation"),
            denominator=_("cases taken in during the period with the conversation held"),
            better="lower",
            source=SEED_004,
            group="process",
            compute=days_to_conversation,
            grouped=days_to_conversation_by_cell,
            kind="median",
        )
    )
    register(
        Indicator(
            key="cases_with_consent",
            name=_("Cases with consent"),
            definition=_(
                "Of the cases taken in during the period, the share with a consent given by the end of "
                "the period and not withdrawn by then."
            ),
            numerator=_("cases with consent"),
            denominator=_("cases taken in during the period"),
            better="higher",
            source=SEED_001,
            group="process",
            compute=cases_with_consent,
            grouped=cases_with_consent_by_cell,
        )
    )
    register(
        Indicator(
            key="needs_with_measure",
            name=_("Needs with at least one measure"),
            definition=_("Of the needs recorded in the period, the share with at least one measure not rejected."),
            numerator=_("needs with a measure"),
            denominator=_("needs recorded in the period"),
            better="higher",
            source=SEED_001,
            group="process",
            compute=needs_with_measure,
            grouped=needs_with_measure_by_cell,
        )
    )
    register(
        Indicator(
            key="measures_on_time",
            name=_("Measures delivered on time"),
            definition=_("Of the measures in the plan due in the period, the share done by their due day."),
            numerator=_("measures done by the due day"),
            denominator=_("measures in the plan due in the period"),
            better="higher",
            source=SEED_001,
            group="process",
            compute=measures_on_time,
            grouped=measures_on_time_by_cell,
        )
    )
    register(
        Indicator(
            key="proposals_per_member",
            name=_("Proposals per group member"),
            definition=_(
                "Measures proposed in the period, per member of the cases' groups whose membership ran in the period."
            ),
            numerator=_("measures proposed"),
            denominator=_("group members"),
            better="higher",
            source=SEED_001,
            group="process",
            compute=proposals_per_member,
            grouped=proposals_per_member_by_cell,
            kind="rate",
        )
    )
    register(
        Indicator(
            key="release_ready",
            name=_("Releases with housing, income and a municipal contact in place"),
            definition=_(
                "Of the releases in the period, the share where a place to live, income from the day of "
                "release and a named contact in the municipality were in place on the day (done by then, "
                "or not needed)."
            ),
            numerator=_("releases with all three in place"),
            denominator=_("releases in the period"),
            better="higher",
            source=SEED_002,
            group="release",
            compute=releases_ready,
            grouped=releases_ready_by_cell,
        )
    )
    register(
        Indicator(
            key="nav_notice_days",
            name=_("Days of notice NAV got before release"),
            definition=_(
                "The median number of days between the first time NAV was told of the release date and "
                "the release, for releases in the period; told on the day, after it or never counts 0."
            ),
            numerator=_("days of notice"),
            denominator=_("releases in the period"),
            better="higher",
            source=SEED_000,
            group="release",
            compute=nav_notice_days,
            grouped=nav_notice_days_by_cell,
            kind="median",
        )
    )
    register(
        Indicator(
            key="handover_overlap",
            name=_("Handovers with overlap"),
            definition=_(
                "Of the transfers and releases completed in the period, the share where the incoming actor "
                "had taken hold before the person moved."
            ),
            numerator=_("handovers with overlap"),
            denominator=_("transfers and releases completed in the period"),
            better="higher",
            source=SEED_002,
            group="release",
            compute=handovers_with_overlap,
            grouped=handovers_with_overlap_by_cell,
        )
    )
    register(
        Indicator(
            key="obstacles_per_case",
            name=_("Obstacles per case"),
            definition=_("Obstacles that happened in the period, per case open in the period."),
            numerator=_("obstacles"),
            denominator=_("cases open in the period"),
            better="lower",
            source=SEED_001,
            group="obstacles",
            compute=_obstacles_per_case(None),
            grouped=_obstacles_per_case_by_cell(None),
            kind="rate",
        )
    )
    for agency, label in AgencyKind.choices:
        register(
            Indicator(
                key=f"obstacles_per_case_{agency}",
                name=format_lazy("{}: {}", _("Obstacles per case where this agency failed"), label),
                definition=_(
                    "Obstacles that happened in the period where this agency failed, per case open in the period."
                ),
                numerator=_("obstacles"),
                denominator=_("cases open in the period"),
                better="lower",
                source=SEED_001,
                group="obstacles",
                compute=_obstacles_per_case(agency),
                grouped=_obstacles_per_case_by_cell(agency),
                kind="rate",
            )
        )
    register(
        Indicator(
            key="programme_places_used",
            name=_("Programme places used"),
            definition=_(
                "Places taken in the period, per place the programmes offer in a period this long "
                "(their annual places)."
            ),
            numerator=_("places taken"),
            denominator=_("places offered"),
            better="higher",
            source=_("Københavns Kommune, the Exit programme (memo to the committees), 2015"),
            group="programmes",
            compute=programme_places_used,
            grouped=programme_places_used_by_cell,
            kind="rate",
        )
    )


_register()
