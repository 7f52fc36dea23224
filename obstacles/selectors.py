"""Reads of obstacles and of the map's catalogue; the rules of who reads what are in ``access.obstacles``."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from access.obstacles import map_opens_for, obstacle_filter, unit_obstacles_for
from access.policy import CaseAccess
from accounts.models import User
from meetings.models import Meeting
from obstacles.aggregates import Shown, suppress
from obstacles.models import Challenge, Obstacle


def challenges() -> QuerySet[Challenge]:
    """The map's codes in use, in the seed's order."""
    return Challenge.objects.filter(active=True).select_related("tangle").order_by("position", "code")


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
        .annotate(n=Count("id"))
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


def obstacles_behind(user: User, scope: MapScope, code: str) -> list[Obstacle]:
    """The obstacles behind one box that this user may open (``access.obstacles.map_opens_for``)."""
    return list(
        map_opens_for(user)
        .filter(scope.condition(), challenge__code=code)
        .select_related("case", "challenge")
        .order_by("-happened_on", "-id")[:100]
    )
