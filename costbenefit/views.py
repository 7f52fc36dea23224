"""The analyst's cost-benefit pages: the assumptions, their history, and the gain they give, drawn.

Only the analyst reaches them (``access.insight.may_edit_assumptions``); anyone else signed in
is answered as if they did not exist (404). They show no case: the assumptions are the analyst's
own figures, and the gain is worked out from counts.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, signed_in
from access.insight import may_edit_assumptions
from core.posting import Refusal, post_form, refused_with_message
from costbenefit import selectors
from costbenefit.chart import gain_chart, money, percent, rate
from costbenefit.forms import EXAMPLE, AssumptionsForm, FiguresForm, StartForm
from costbenefit.gain import FORMULA, gain_with
from costbenefit.models import Assumptions, AssumptionVersion
from costbenefit.services import AssumptionValues, assumptions_edit, assumptions_start
from insight.registry import Count

#: The htmx event an edit sends: the gain is worked out again under the new version.
CHANGED_EVENT = "assumptions-changed"


def _analyst(request: AuthenticatedHttpRequest) -> None:
    if not may_edit_assumptions(request.user):
        raise Http404


def _line(line_id: int) -> Assumptions:
    line = selectors.line_by_id(line_id)
    if line is None:
        raise Http404
    return line


def _initial(version: AssumptionVersion) -> dict[str, Any]:
    return {
        "value_per_success": version.value_per_success,
        "value_source": version.value_source,
        "cost_per_participant": version.cost_per_participant,
        "cost_source": version.cost_source,
        "comparison_percent": version.comparison_percent,
        "comparison_source": version.comparison_source,
        "currency": version.currency,
        "version": version.number,
    }


def _assumptions_context(line: Assumptions, form: AssumptionsForm | None = None, saved: bool = False) -> dict[str, Any]:
    current = selectors.current_version(line)
    return {
        "line": line,
        "current": current,
        "versions": list(selectors.versions(line)),
        "form": form if form is not None else AssumptionsForm(initial=_initial(current)),
        "saved": saved,
        "money": money,
        "rate": rate,
    }


def _figures(query: QueryDict) -> FiguresForm:
    asked = any(name in query for name in ("participants", "followed", "successes", "version"))
    return FiguresForm(query if asked else {**EXAMPLE, "version": ""})


def _gain_context(line: Assumptions, figures: FiguresForm) -> dict[str, Any]:
    """The gain for the figures under the version they name (the current one by default)."""
    worked_out = None
    if figures.is_valid():
        number = figures.cleaned_data["version"] or line.version
        version = selectors.version_of(line, number)
        if version is None:
            figures.add_error("version", _("The assumptions have no such version."))
        else:
            worked_out = gain_with(
                version,
                participants=figures.cleaned_data["participants"],
                success=Count(figures.cleaned_data["successes"], figures.cleaned_data["followed"]),
            )
    return {
        "line": line,
        "figures": figures,
        "gain": worked_out,
        "chart": gain_chart(worked_out) if worked_out is not None else None,
        "formula": FORMULA,
        "money": money,
        "percent": percent,
    }


@signed_in
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lines of assumptions, each country's and each programme's, with their current values. The analyst."""
    _analyst(request)
    all_lines = selectors.lines()
    current = selectors.current_by_line(all_lines)
    rows = [(line, current[line.pk]) for line in all_lines]
    start = StartForm() if selectors.programmes_to_start().exists() else None
    context = {"rows": rows, "money": money, "rate": rate, "start": start}
    return render(request, "costbenefit/index.html", context)


@signed_in
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Give a programme assumptions of its own, from its country's; then change them on its page. The analyst."""
    _analyst(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return post_form(
        request,
        StartForm(request.POST),
        lambda data: assumptions_start(actor=request.user, programme=data["programme"]),
        message=_("The programme has its own assumptions now, from its country's. Change them below."),
        done=lambda new: redirect("costbenefit:line", line_id=new.pk),
        refused=refused_with_message(request, lambda: redirect("costbenefit:index"), _("Choose a programme.")),
    )


@signed_in
def line(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    """One line's assumptions with their sources and history, the form to change them, and the gain. The analyst."""
    _analyst(request)
    assumptions = _line(line_id)
    figures = _figures(request.GET)
    context = {**_assumptions_context(assumptions), **_gain_context(assumptions, figures)}
    return render(request, "costbenefit/line.html", context, status=200 if figures.is_valid() else 400)


@signed_in
def edit(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    """Make a new version of the line's assumptions; htmx swaps the assumptions and the gain follows. The analyst."""
    _analyst(request)
    assumptions = _line(line_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssumptionsForm(request.POST)

    def assumptions_part(status: int = 200, saved: bool = False, shown: AssumptionsForm | None = None) -> HttpResponse:
        fresh = selectors.line_by_id(assumptions.pk) or assumptions
        response = render(
            request, "costbenefit/_assumptions.html", _assumptions_context(fresh, shown, saved), status=status
        )
        if saved:
            response["HX-Trigger"] = CHANGED_EVENT
        return response

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.current is not None:
            # Someone else made a newer version: their values are shown, with the conflict message.
            current = selectors.current_version(refusal.current)
            # A bound form of the saved values (bound, so it carries the message); the analyst starts again from it.
            fresh = AssumptionsForm(
                {name: "" if value is None else str(value) for name, value in _initial(current).items()}
            )
            fresh.is_valid()
            fresh.add_error(None, refusal.message)
            form_shown = fresh
        else:
            form_shown = form
        if request.htmx:
            return assumptions_part(refusal.status, shown=form_shown)
        fresh_line = selectors.line_by_id(assumptions.pk) or assumptions
        context = {**_assumptions_context(fresh_line, form_shown), **_gain_context(fresh_line, _figures(QueryDict()))}
        return render(request, "costbenefit/line.html", context, status=refusal.status)

    return post_form(
        request,
        form,
        lambda data: assumptions_edit(
            actor=request.user,
            line=assumptions,
            version=data["version"],
            values=AssumptionValues(
                value_per_success=data["value_per_success"],
                value_source=data["value_source"],
                cost_per_participant=data["cost_per_participant"],
                cost_source=data["cost_source"],
                comparison_percent=data["comparison_percent"],
                comparison_source=data["comparison_source"],
                currency=data["currency"],
            ),
            note=data["note"],
        ),
        message=lambda new: _("Saved as version %(number)d. The gain uses it now.") % {"number": new.number},
        done=lambda _new: redirect("costbenefit:line", line_id=assumptions.pk),
        partial=lambda _new: assumptions_part(saved=True),
        refused=refused,
        changed=_("the assumptions"),
        conflict_status=409,
    )


@signed_in
def gain(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    """The gain for the figures asked, drawn and in a table (an htmx part of the line's page). The analyst."""
    _analyst(request)
    assumptions = _line(line_id)
    figures = _figures(request.GET)
    context = _gain_context(assumptions, figures)
    return render(request, "costbenefit/_gain.html", context, status=200 if figures.is_valid() else 400)
