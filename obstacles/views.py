"""Obstacles on a case, the coordinator's coding of them, and the reentry map."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.obstacles import can_log, can_record_done, codes_obstacles, sees_all_of_case, sees_map, unit_obstacles_for
from access.policy import Ability, CaseAccess
from accounts.models import Country
from core.posting import post_form, refused_with_message
from journal.models import AccessPurpose
from journal.services import record_access
from obstacles.aggregates import Shown
from obstacles.forms import CodeForm, DoneForm, ObstacleForm
from obstacles.models import Phase
from obstacles.selectors import (
    MapScope,
    challenges,
    map_figures,
    obstacle_for_case,
    obstacles_behind,
    obstacles_for_case,
    unit_obstacles,
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
    behind = obstacles_behind(user, scope, chosen) if chosen else []
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
            "phases": Phase,
            "shade": shade,
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
