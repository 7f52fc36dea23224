"""Reads of the cost-benefit's assumptions: the lines, their versions, and the one a scope uses.

The assumptions hold no case data: the analyst's pages decide who reads them
(``access.insight.may_edit_assumptions``); these functions only read.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Agency
from costbenefit.models import Assumptions, AssumptionVersion
from insight.scopes import Scope
from programmes.models import Programme


def lines() -> list[Assumptions]:
    """Every line of assumptions, the countries' first, then the programmes', with their programme."""
    return list(Assumptions.objects.select_related("programme").order_by("country", "programme__name", "pk"))


def line_by_id(line_id: int) -> Assumptions | None:
    return Assumptions.objects.select_related("programme").filter(pk=line_id).first()


def versions(line: Assumptions) -> QuerySet[AssumptionVersion]:
    """Every version of the line, the newest first, with who made it."""
    return AssumptionVersion.objects.filter(line=line).select_related("made_by").order_by("-number")


def current_version(line: Assumptions) -> AssumptionVersion:
    """The line's current version (the number the line keeps)."""
    return AssumptionVersion.objects.select_related("made_by").get(line=line, number=line.version)


def version_of(line: Assumptions, number: int) -> AssumptionVersion | None:
    """One version of the line, old or current; None when it has no such version."""
    return AssumptionVersion.objects.select_related("made_by").filter(line=line, number=number).first()


def current_by_line(all_lines: list[Assumptions]) -> dict[int, AssumptionVersion]:
    """The current version of each line, in one query."""
    wanted = {(line.pk, line.version) for line in all_lines}
    found = AssumptionVersion.objects.filter(line__in=all_lines).select_related("made_by")
    return {version.line_id: version for version in found if (version.line_id, version.number) in wanted}


def country_of(scope: Scope) -> str | None:
    """The country whose assumptions a scope uses; None for a scope that names nothing known.

    A region's key starts with its country's code ("NO-east"), as insight names the regions
    (brief22: regions of Norway's correctional service and of Kriminalforsorgen's areas).
    """
    if scope.kind in {"country", "region"}:
        return scope.key[:2].upper() or None
    if scope.kind == "programme":
        return Programme.objects.filter(slug=scope.key).values_list("country", flat=True).first()
    agency_key = scope.key.partition(":")[0] if scope.kind == "unit" else scope.key
    if not agency_key.isdigit():
        return None
    return Agency.objects.filter(pk=int(agency_key)).values_list("country", flat=True).first()


def line_for(scope: Scope) -> Assumptions | None:
    """The line a scope's gain is worked out with: a programme's own line if it has one, else its country's."""
    if scope.kind == "programme":
        own = Assumptions.objects.filter(programme__slug=scope.key).first()
        if own is not None:
            return own
    country = country_of(scope)
    if country is None:
        return None
    return Assumptions.objects.filter(country=country, programme__isnull=True).first()


def programmes_to_start() -> QuerySet[Programme]:
    """The programmes that may get a line of their own: none yet, and their country has one to start from."""
    countries = Assumptions.objects.filter(programme__isnull=True).values("country")
    return (
        Programme.objects.filter(country__in=countries)
        .exclude(pk__in=Assumptions.objects.filter(programme__isnull=False).values("programme"))
        .order_by("name")
    )
