"""Obstacles on a case, the coordinator's coding of them, and the reentry map."""

import csv
import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.obstacles import (
    can_log,
    can_record_done,
    codes_obstacles,
    sees_all_of_case,
    sees_map,
    sees_zones,
    unit_obstacles_for,
    zone_reach,
)
from access.policy import Ability, CaseAccess
from accounts.models import AgencyKind, Country
from core.paging import page_of, query_without
from core.posting import post_form, refused_with_message
from journal.models import AccessPurpose
from journal.services import record_access
from obstacles.aggregates import Cell, Shown
from obstacles.forms import CodeForm, DoneForm, ObstacleForm
from obstacles.models import ObstacleStage, Phase
from obstacles.selectors import (
    MapScope,
    ZoneFigures,
    challenges,
    map_figures,
    obstacle_for_case,
    obstacles_behind,
    obstacles_for_case,
    unit_obstacles,
    zone_figures,
)
from obstacles.services import obstacle_code, obstacle_log, obstacle_record_done

#: Obstacles on one page of the coordinator's list.
UNIT_PAGE_SIZE = 50


@case_view(Ability.VIEW_CASE)
def case_obstacles(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The case's obstacles and the form to log one: the person and the group's members (``access.obstacles``);
    each reads all of them, or only those they logged, by the consent rules."""
    logs = can_log(access)
    if not (logs or sees_all_of_case(access)):
        raise PermissionDenied
    if request.method == "POST" and not logs:
        raise PermissionDenied
    form = ObstacleForm(request.POST or None) if logs else None
    if form is not None and access.is_person:
        # The person tells what happened in their own words; staff name the agencies and a coordinator
        # codes it on the map later
        # (the map's codes are the staff's words: issue 18, LIX <= 35 for every person page).
        for name in ("challenge", "failed_agency", "bore_agency"):
            del form.fields[name]

    def page(status: int = 200) -> HttpResponse:
        obstacles = list(obstacles_for_case(access))
        context = {
            "access": access,
            "case": access.case,
            "obstacles": obstacles,
            "form": form,
            "sees_all": sees_all_of_case(access),
            "done_forms": {
                obstacle.pk: DoneForm(
                    initial={"version": obstacle.version, "what_was_done": obstacle.what_was_done},
                    prefix=f"o{obstacle.pk}",
                )
                for obstacle in obstacles
                if can_record_done(access, obstacle)
            },
        }
        return render(request, "obstacles/case.html", context, status=status)

    if request.method != "POST" or form is None:
        return page()
    return post_form(
        request,
        form,
        lambda data: obstacle_log(
            actor=request.user,
            case=access.case,
            is_person=access.is_person,
            what_happened=data["what_happened"],
            happened_on=data["happened_on"],
            stage=data["stage"],
            failed_agency=data.get("failed_agency", ""),
            bore_agency=data.get("bore_agency", ""),
            challenge=data.get("challenge"),
        ),
        message=_("The obstacle is logged. It will be on the next meeting's agenda."),
        done=lambda _obstacle: redirect("obstacles:case", code=access.case.code),
        refused=lambda refusal: page(refusal.status),
    )


@case_view(Ability.VIEW_CASE)
@require_POST
def obstacle_done(request: AuthenticatedHttpRequest, access: CaseAccess, obstacle_id: int) -> HttpResponse:
    """Write what was done about an obstacle: the one who logged it and those who run the case."""
    obstacle = obstacle_for_case(access, obstacle_id)
    if not can_record_done(access, obstacle):
        raise PermissionDenied
    back = redirect("obstacles:case", code=access.case.code)
    return post_form(
        request,
        DoneForm(request.POST, prefix=f"o{obstacle.pk}"),
        lambda data: obstacle_record_done(
            actor=request.user, obstacle=obstacle, what_was_done=data["what_was_done"], version=data["version"]
        ),
        message=_("Saved what was done."),
        done=lambda _obstacle: back,
        refused=refused_with_message(request, lambda: back, _("Say what was done.")),
        changed=_("the obstacle"),
    )


@signed_in
def unit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The obstacles of the coordinator's prison, those still to code first, each with a code to choose.

    Reentry coordinators of a prison (``access.obstacles.codes_obstacles``); anyone else 403.
    Each case shown is an access event the person sees.
    """
    if not codes_obstacles(request.user):
        raise PermissionDenied
    shown = list(unit_obstacles(request.user)[:UNIT_PAGE_SIZE])
    record_access(
        viewer=request.user,
        case_ids=[obstacle.case_id for obstacle in shown],
        purpose=AccessPurpose.UNIT_OVERVIEW,
        view="obstacles:unit",
    )
    forms = {}
    # The catalogue read once for the page, not once per form.
    choices: list[tuple[int | str, str]] = [("", "---------")] + [
        (challenge.pk, f"{challenge.code} {challenge.text}") for challenge in challenges()
    ]
    for obstacle in shown:
        form = CodeForm(
            initial={"version": obstacle.version, "challenge": obstacle.challenge_id}, prefix=f"o{obstacle.pk}"
        )
        field = form.model_choice_field("challenge")
        field.choices = choices
        forms[obstacle.pk] = form
    return render(request, "obstacles/unit.html", {"obstacles": shown, "forms": forms})


@signed_in
def code(request: AuthenticatedHttpRequest, obstacle_id: int) -> HttpResponse:
    """Place one of the prison's obstacles on the map (its coordinator); another prison's is 404. POST only."""
    if not codes_obstacles(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obstacle = get_object_or_404(unit_obstacles_for(request.user), pk=obstacle_id)
    back = redirect("obstacles:unit")
    return post_form(
        request,
        CodeForm(request.POST, prefix=f"o{obstacle.pk}"),
        lambda data: obstacle_code(
            actor=request.user, obstacle=obstacle, challenge=data["challenge"], version=data["version"]
        ),
        message=_("The obstacle is placed on the map."),
        done=lambda _obstacle: back,
        refused=refused_with_message(request, lambda: back, _("Choose a code on the map.")),
        changed=_("the obstacle"),
    )


#: The periods the map can count over: days back from today, or all.
PERIODS = {"90": 90, "365": 365, "all": None}

#: Obstacles on one page behind a box of the map.
BEHIND_PAGE_SIZE = 50


@signed_in
def reentry_map(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reentry map (seed 001 §5) with each code's box shaded by how often it occurred in the scope and period.

    Staff of the agencies, the analyst and the administrator (``access.obstacles.sees_map``); counts from
    1 to 4 are hidden. A box opens the obstacles behind it only for those who may see them (a coordinator:
    their prison's).
    """
    user = request.user
    if not sees_map(user):
        raise PermissionDenied
    agency = user.agency
    own_prison = agency.pk if agency is not None and agency.is_prison else None
    kind = "prison" if request.GET.get("scope", "prison" if own_prison else "country") == "prison" else "country"
    if own_prison is None:
        kind = "country"
    period = request.GET.get("period", "365")
    if period not in PERIODS:
        period = "365"
    back = PERIODS[period]
    today = timezone.localdate()
    scope = MapScope(
        kind=kind,
        prison_id=own_prison,
        country=agency.country if agency is not None else Country.NORWAY,
        since=today - datetime.timedelta(days=back) if back is not None else None,
    )
    figures = map_figures(scope)
    opens = codes_obstacles(user)
    chosen = request.GET.get("code", "") if opens else ""
    # Issue 17, point 9: the obstacles behind a box are paged (they stopped at 100); only the page is logged.
    behind_page = (
        page_of(obstacles_behind(user, scope, chosen), request.GET.get("page"), BEHIND_PAGE_SIZE) if chosen else None
    )
    behind = list(behind_page.object_list) if behind_page is not None else []
    if behind:
        record_access(
            viewer=user,
            case_ids=[obstacle.case_id for obstacle in behind],
            purpose=AccessPurpose.UNIT_OVERVIEW,
            view="obstacles:map",
        )
    return render(
        request,
        "obstacles/map.html",
        {
            "figures": figures,
            "scope": scope,
            "period": period,
            "periods": [("90", _("The last 90 days")), ("365", _("The last year")), ("all", _("All time"))],
            "own_prison": own_prison,
            "opens": opens,
            "chosen": chosen,
            "behind": behind,
            "page": behind_page,
            "page_query": query_without(request.GET, "page"),
            # Each phase's label translated once, not once per code of the table (51 lookups: the map's
            # markup is drawn in 0.83 ms instead of 1.0).
            "phase_labels": {value: str(label) for value, label in Phase.choices},
            "shade": shade,
            "sees_zones": sees_zones(user),
            "shown": shown,
        },
    )


def shade(count: Shown) -> str:
    """The box's fill by its count: none, hidden (fewer than 5), and three steps up."""
    if count.value is None:
        return "#fde2b8"
    if count.value == 0:
        return "#ffffff"
    if count.value < 10:
        return "#f6b26b"
    if count.value < 20:
        return "#e06c3c"
    return "#a32d12"


def _zones(request: AuthenticatedHttpRequest) -> tuple[ZoneFigures, str]:
    """The failure zones the request asks for, if the user may count them (``access.obstacles.zone_reach``)."""
    if not sees_zones(request.user):
        raise PermissionDenied
    reach = zone_reach(request.user, request.GET.get("scope"), request.GET.get("unit"))
    if reach is None:
        raise Http404
    scope = MapScope(kind=reach.kind, prison_id=reach.prison_id, country=reach.country, since=None)
    return zone_figures(scope, timezone.localdate()), reach.kind


def pair_label(pair: tuple[str, str]) -> str:
    """«Prison → NAV office»; an agency not named in the obstacle reads as such."""
    failed, bore = (AgencyKind(value).label if value in AgencyKind.values else _("Not named") for value in pair)
    return f"{failed} → {bore}"


def quarter_label(day: datetime.date) -> str:
    return _("Q%(quarter)d %(year)d") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}


def shown(cell: Cell | Shown) -> str:
    """A count as the page and the export show it: the number, «fewer than 5», or «hidden»."""
    if cell.value is not None:
        return str(cell.value)
    return _("fewer than 5") if cell.small else _("hidden")


def trend_label(value: str | None) -> str:
    return {"rising": _("rising"), "falling": _("falling"), "flat": _("flat")}.get(value or "", "–")


@signed_in
def zones(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Failure zones between agencies (seed 000): counts by stage, by pair of agencies and by quarter, with the trend.

    A reentry coordinator (their prison, or the country) and the analyst (the country): aggregates
    only, small counts hidden (``obstacles.aggregates.suppress_table``). Another prison is a 404.
    """
    figures, kind = _zones(request)
    return render(
        request,
        "obstacles/zones.html",
        {
            "figures": figures,
            "kind": kind,
            "own_prison": codes_obstacles(request.user),
            "stage_labels": [ObstacleStage(stage).label for stage in figures.stages],
            "pair_label": pair_label,
            "quarter_label": quarter_label,
            "shown": shown,
            "trend_label": trend_label,
        },
    )


@signed_in
def zones_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The failure zones as CSV, with the same hiding as the page; the same people; never by case."""
    figures, kind = _zones(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="failure-zones-{kind}.csv"'
    writer = csv.writer(response)
    stages = [str(ObstacleStage(stage).label) for stage in figures.stages]
    total = _("All stages")
    writer.writerow([_("Table"), _("Row"), *stages, total])
    by_pair, by_quarter = _("By pair of agencies"), _("By quarter")
    for pair, row, row_total in zip(figures.pairs, figures.by_pair.cells, figures.by_pair.row_totals, strict=True):
        writer.writerow([by_pair, pair_label(pair), *map(shown, row), shown(row_total)])
    all_pairs = [by_pair, _("All"), *map(shown, figures.by_pair.column_totals), shown(figures.by_pair.total)]
    writer.writerow(all_pairs)
    for quarter, row, row_total in zip(
        figures.quarters, figures.by_quarter.cells, figures.by_quarter.row_totals, strict=True
    ):
        writer.writerow([by_quarter, quarter_label(quarter), *map(shown, row), shown(row_total)])
    writer.writerow(
        [by_quarter, _("All"), *map(shown, figures.by_quarter.column_totals), shown(figures.by_quarter.total)]
    )
    writer.writerow([_("Trend"), _("Complete quarters"), *map(trend_label, figures.trends)])
    return response
