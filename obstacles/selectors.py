"""Reads of obstacles and of the map's catalogue; the rules of who reads what are in ``access.obstacles``."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.shortcuts import get_object_or_404

from access.obstacles import map_opens_for, obstacle_filter, unit_obstacles_for
from access.policy import CaseAccess
from accounts.models import AgencyKind, User
from meetings.models import Meeting
from obstacles.aggregates import Cell, Shown, Table, suppress, suppress_linked
from obstacles.models import Challenge, Obstacle, ObstacleStage


def challenges() -> QuerySet[Challenge]:
    """The map's codes in use, in the seed's order."""
    # Without the tangle: no page that lists the codes shows it (the map's 43 codes read in 0.42 ms, not 0.62).
    return Challenge.objects.filter(active=True).order_by("position", "code")


def obstacles_for_case(access: CaseAccess) -> QuerySet[Obstacle]:
    """The case's obstacles this viewer reads (all, or only their own: ``access.obstacles``)."""
    return (
        Obstacle.objects.filter(obstacle_filter(access))
        .select_related("challenge", "logged_by", "logged_by__agency")
        .order_by("-happened_on", "-id")
    )


def obstacle_for_case(access: CaseAccess, obstacle_id: int) -> Obstacle:
    """One obstacle of the case this viewer reads, or 404 (another case's, or one they may not read)."""
    return get_object_or_404(obstacles_for_case(access), pk=obstacle_id)


def obstacles_for_agenda(access: CaseAccess, meeting: Meeting, previous: Meeting | None) -> list[Obstacle]:
    """The obstacles logged since the previous meeting of the kind, up to this one, that this viewer reads."""
    found = obstacles_for_case(access).filter(logged_at__lte=meeting.starts_at)
    if previous is not None:
        found = found.filter(logged_at__gt=previous.starts_at)
    return list(found.order_by("logged_at", "id"))


def unit_obstacles(user: User) -> QuerySet[Obstacle]:
    """A coordinator's prison's obstacles, those still to code first."""
    return (
        unit_obstacles_for(user)
        .select_related("case", "challenge", "logged_by")
        .order_by(F("coded_at").asc(nulls_first=True), "-logged_at", "-id")
    )


@dataclass(frozen=True)
class MapScope:
    """Which obstacles the map counts: where (a prison or a country) and since when."""

    kind: str  # "prison" or "country"
    prison_id: int | None
    country: str
    since: datetime.date | None

    def condition(self) -> Q:
        where = Q(case__institution_id=self.prison_id) if self.kind == "prison" else Q(case__country=self.country)
        return where & Q(happened_on__gte=self.since) if self.since is not None else where


@dataclass(frozen=True)
class MapBox:
    challenge: Challenge
    phase: str
    count: Shown
    x: int
    y: int


@dataclass(frozen=True)
class MapFigures:
    boxes: list[MapBox]
    rows: list[tuple[Challenge, Shown]]
    uncoded: Shown
    total: Shown


#: The map's drawing: where each phase's boxes start, and the size of a box.
PHASE_ORIGINS = {
    "understand_needs": (20, 120),
    "make_plan": (255, 120),
    "carry_out": (490, 120),
    "hand_over": (725, 120),
    "overarching": (20, 430),
}
BOX_WIDTH, BOX_HEIGHT, PER_ROW = 64, 30, 3


def map_figures(scope: MapScope) -> MapFigures:
    """The count of obstacles per code in the scope, suppressed, and each code's boxes; two queries for any data."""
    catalogue = list(challenges())
    counts: dict[int | None, int] = dict(
        Obstacle.objects.filter(scope.condition())
        .values("challenge_id")
        # COUNT(*), not of the id: the count is then read from the index of the case and the day alone.
        .annotate(n=Count("*"))
        .values_list("challenge_id", "n")
    )
    cells = {str(challenge.pk): counts.get(challenge.pk, 0) for challenge in catalogue}
    cells["uncoded"] = counts.get(None, 0)
    shown, total = suppress(cells)
    boxes = []
    placed: dict[str, int] = {}
    for challenge in catalogue:
        for phase in challenge.phases:
            if phase not in PHASE_ORIGINS:
                continue
            index = placed.get(phase, 0)
            placed[phase] = index + 1
            left, top = PHASE_ORIGINS[phase]
            per_row = PER_ROW * 4 if phase == "overarching" else PER_ROW
            boxes.append(
                MapBox(
                    challenge,
                    phase,
                    shown[str(challenge.pk)],
                    left + (index % per_row) * (BOX_WIDTH + 8),
                    top + (index // per_row) * (BOX_HEIGHT + 8),
                )
            )
    rows = [(challenge, shown[str(challenge.pk)]) for challenge in catalogue]
    return MapFigures(boxes, rows, shown["uncoded"], total)


def obstacles_behind(user: User, scope: MapScope, code: str) -> QuerySet[Obstacle]:
    """The obstacles behind one box that this user may open (``access.obstacles.map_opens_for``), newest first."""
    return (
        map_opens_for(user)
        .filter(scope.condition(), challenge__code=code)
        .select_related("case", "challenge")
        .order_by("-happened_on", "-id")
    )


#: Quarters the failure zones follow over time, the current one included.
ZONE_QUARTERS = 8
#: A trend is rising or falling when the fitted change per quarter is more than this share of the mean.
TREND_SHARE = 0.1


def quarter_start(day: datetime.date, back: int = 0) -> datetime.date:
    """The first day of the quarter ``back`` quarters before the one ``day`` is in."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return datetime.date(index // 4, index % 4 * 3 + 1, 1)


@dataclass(frozen=True)
class ZoneFigures:
    """Failure zones between agencies (seed 000, «Sviktsoner»): counts by stage, by the pair of agencies
    (the one that failed, the one that bore it) and by quarter, small counts hidden (``suppress_table``)."""

    stages: list[str]
    pairs: list[tuple[str, str]]
    by_pair: Table
    quarters: list[datetime.date]
    by_quarter: Table
    #: For each stage and then for all: "rising", "falling", "flat", or None when a count is hidden.
    trends: list[str | None]


def _pair_order(value: str) -> int:
    # The agencies' own order, never the counts: an order by size would hint at the hidden ones.
    return AgencyKind.values.index(value) if value in AgencyKind.values else len(AgencyKind.values)


def trend(values: list[Cell]) -> str | None:
    """Rising, falling or flat by the least-squares line through the counts; None if one is hidden."""
    if len(values) < 2 or any(cell.value is None for cell in values):
        return None
    ys = [float(cell.value or 0) for cell in values]
    n = len(ys)
    mean_x, mean_y = (n - 1) / 2, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(ys)) / sum((x - mean_x) ** 2 for x in range(n))
    if mean_y == 0 or abs(slope) <= TREND_SHARE * mean_y:
        return "flat"
    return "rising" if slope > 0 else "falling"


def zone_figures(scope: MapScope, today: datetime.date) -> ZoneFigures:
    """The failure zones in the scope over the last eight quarters: by pair and stage, and by quarter and stage.

    Two queries for any data. Both tables count the same obstacles, so they share the totals by
    stage and the grand total: one hidden in either is hidden in both, and each table is then
    suppressed again until they agree. The period is fixed (no choice of days) so that two periods
    cannot be set against each other. The trend is drawn through the complete quarters only.
    """
    stages = list(ObstacleStage.values)
    first = quarter_start(today, ZONE_QUARTERS - 1)
    scope = MapScope(scope.kind, scope.prison_id, scope.country, first)
    within = scope.condition() & Q(happened_on__lt=quarter_start(today, -1))
    pair_counts: dict[tuple[str, str], dict[str, int]] = {}
    for failed, bore, stage, n in (
        Obstacle.objects.filter(within)
        .order_by()
        .values("failed_agency", "bore_agency", "stage")
        .annotate(n=Count("id"))
        .values_list("failed_agency", "bore_agency", "stage", "n")
    ):
        pair_counts.setdefault((failed, bore), {})[stage] = n
    pairs = sorted(pair_counts, key=lambda pair: (_pair_order(pair[0]), _pair_order(pair[1])))
    quarters = [quarter_start(today, back) for back in range(ZONE_QUARTERS - 1, -1, -1)]
    quarter_counts: dict[datetime.date, dict[str, int]] = {}
    for quarter, stage, n in (
        Obstacle.objects.filter(within)
        .order_by()
        .annotate(quarter=TruncQuarter("happened_on"))
        .values("quarter", "stage")
        .annotate(n=Count("id"))
        .values_list("quarter", "stage", "n")
    ):
        day = quarter.date() if isinstance(quarter, datetime.datetime) else quarter
        quarter_counts.setdefault(day, {})[stage] = n
    pair_rows = [[pair_counts[pair].get(stage, 0) for stage in stages] for pair in pairs]
    quarter_rows = [[quarter_counts.get(q, {}).get(stage, 0) for stage in stages] for q in quarters]
    by_pair, by_quarter = suppress_linked(pair_rows, quarter_rows, len(stages))
    complete = slice(0, ZONE_QUARTERS - 1)
    trends = [trend([row[column] for row in by_quarter.cells[complete]]) for column in range(len(stages))]
    trends.append(trend(by_quarter.row_totals[complete]))
    return ZoneFigures(stages, pairs, by_pair, quarters, by_quarter, trends)
