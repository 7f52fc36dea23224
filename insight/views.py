"""The analyst's pages (issue 22, point 2): the measurements of a scope, taking one, the baseline, the comparison.

Who sees what is decided in ``access.insight``: a user who does not see figures at all gets 403;
a scope (or a measurement of a scope) the user may not ask for is answered 404, as one that does
not exist. Every figure is an aggregate, shown by ``insight.privacy``'s rules; no page names a case.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, signed_in
from access.insight import may_mark_baseline, may_measure, may_see, scopes_for, sees_figures
from accounts.models import User
from insight.forms import TakeForm
from insight.models import Measurement
from insight.registry import Period, tables
from insight.scope_names import choices, label, parse
from insight.scopes import Scope
from insight.selectors import Figure, Row, baseline, comparison, latest, measurements_of
from insight.services import baseline_mark, measurement_start, measurement_step
from obstacles.aggregates import Shown

#: Measurements listed on the scope's page.
LISTED = 30


def _scope(user: User, text: str | None) -> Scope:
    """The scope asked for (or the user's first), if it is theirs to read; 404 otherwise."""
    if not sees_figures(user):
        raise PermissionDenied
    offered = scopes_for(user)
    scope = parse(text) if text else (offered[0] if offered else None)
    if scope is None or not may_see(user, scope):
        raise Http404
    return scope


def _measurement(user: User, measurement_id: int) -> Measurement:
    if not sees_figures(user):
        raise PermissionDenied
    measurement = Measurement.objects.filter(pk=measurement_id).first()
    if measurement is None or not may_see(user, measurement.scope):
        raise Http404
    return measurement


def count_label(count: Shown | None) -> str:
    if count is None:
        return ""
    if count.value is not None:
        return str(count.value)
    return _("fewer than 5") if count.small else _("hidden")


def figure_label(figure: Figure | None, kind: str) -> str:
    """A figure in words: the share with its interval, the rate, the median; or why it is not shown."""
    if figure is None:
        return "–"
    if figure.value is None:
        return _("hidden: too few cases") if figure.hidden else _("nothing to count")
    if kind == "share":
        text = f"{figure.value * 100:.0f} %"
        if figure.low is not None and figure.high is not None:
            text += " " + _("(%(low)s–%(high)s %%)") % {
                "low": f"{figure.low * 100:.0f}",
                "high": f"{figure.high * 100:.0f}",
            }
        return text
    if kind == "median":
        return _("%(days)s days") % {"days": f"{figure.value:g}"}
    return f"{figure.value:.2f}"


def counts_label(figure: Figure | None) -> str:
    if figure is None or figure.numerator is None or figure.denominator is None:
        return f"n = {figure.n}" if figure is not None and figure.value is not None else ""
    return _("%(numerator)s of %(denominator)s") % {
        "numerator": count_label(figure.numerator),
        "denominator": count_label(figure.denominator),
    }


def change_label(row: Row) -> str:
    if row.change is None:
        return "–"
    if row.kind == "share":
        text = f"{row.change * 100:+.0f} " + _("points")
        if row.change_low is not None and row.change_high is not None:
            text += " " + _("(%(low)s to %(high)s)") % {
                "low": f"{row.change_low * 100:+.0f}",
                "high": f"{row.change_high * 100:+.0f}",
            }
        return text
    return f"{row.change:+g}" if row.kind == "median" else f"{row.change:+.2f}"


def direction_label(row: Row) -> str:
    words = {"better": _("better"), "worse": _("worse"), "same": _("the same")}
    if row.direction is None:
        return "–"
    text = str(words[row.direction])
    if row.beyond_uncertainty is True:
        text += " · " + _("larger than its uncertainty")
    elif row.beyond_uncertainty is False:
        text += " · " + _("within its uncertainty")
    return text


def _helpers() -> dict[str, object]:
    return {
        "figure_label": figure_label,
        "counts_label": counts_label,
        "change_label": change_label,
        "direction_label": direction_label,
        "scope_label": label,
    }


@signed_in
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A scope's measurements, its baseline, the latest compared with it, and (for the analyst) the form to take one."""
    user = request.user
    scope = _scope(user, request.GET.get("scope"))
    today = timezone.localdate()
    form = None
    if may_measure(user):
        form = TakeForm(initial={"start": today - datetime.timedelta(days=365), "end": today})
    return _index_page(request, scope, form)


def _index_page(
    request: AuthenticatedHttpRequest, scope: Scope, form: TakeForm | None, status: int = 200
) -> HttpResponse:
    base = baseline(scope)
    last = latest(scope)
    rows = comparison(base, last) if last is not None else []
    return render(
        request,
        "insight/index.html",
        {
            "scope": scope,
            "scope_text": str(scope),
            "choices": choices(scopes_for(request.user)),
            "measurements": list(measurements_of(scope).select_related("taken_by")[:LISTED]),
            "baseline": base,
            "latest": last,
            "rows": rows,
            "form": form,
            "marks": may_mark_baseline(request.user),
            **_helpers(),
        },
        status=status,
    )


@signed_in
def take(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Take a measurement of the scope on demand (the analyst); the measurement's page shows its progress."""
    user = request.user
    if not sees_figures(user) or not may_measure(user):
        raise PermissionDenied
    scope = _scope(user, request.POST.get("scope") or request.GET.get("scope"))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    form = TakeForm(request.POST)
    if not form.is_valid():
        return _index_page(request, scope, form, status=400)
    try:
        measurement = measurement_start(
            actor=user, scope=scope, period=Period(form.cleaned_data["start"], form.cleaned_data["end"])
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _index_page(request, scope, form, status=400)
    return redirect("insight:measurement", measurement_id=measurement.pk)


@signed_in
def measurement(request: AuthenticatedHttpRequest, measurement_id: int) -> HttpResponse:
    """One measurement: its progress while it runs, then every indicator against the scope's baseline."""
    user = request.user
    taken = _measurement(user, measurement_id)
    base = baseline(taken.scope)
    compared_with = base if base is not None and base.pk != taken.pk else None
    return render(
        request,
        "insight/measurement.html",
        {
            "measurement": taken,
            "scope_text": str(taken.scope),
            "scope_name": label(taken.scope),
            "baseline": base,
            "compared_with": compared_with,
            "rows": comparison(compared_with, taken) if taken.done else [],
            "progress": _progress(taken),
            "marks": may_mark_baseline(user) and taken.done and (base is None or base.pk != taken.pk),
            **_helpers(),
        },
    )


def _progress(taken: Measurement) -> dict[str, int]:
    """How far a measurement has come: its indicators, then the report's tables (``insight.registry.Table``)."""
    done = taken.values.count() + taken.tables.count()
    return {"done": done, "of": max(taken.expected + len(tables()), done)}


@signed_in
def status(request: AuthenticatedHttpRequest, measurement_id: int) -> HttpResponse:
    """The progress of a running measurement, polled by the page (htmx): each poll measures the next indicators."""
    user = request.user
    taken = _measurement(user, measurement_id)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if not taken.done:
        taken = measurement_step(taken)
    response = render(request, "insight/_progress.html", {"measurement": taken, "progress": _progress(taken)})
    if taken.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@signed_in
def mark_baseline(request: AuthenticatedHttpRequest, measurement_id: int) -> HttpResponse:
    """Make this measurement its scope's baseline (the analyst); journaled."""
    user = request.user
    if not sees_figures(user) or not may_mark_baseline(user):
        raise PermissionDenied
    taken = _measurement(user, measurement_id)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        baseline_mark(actor=user, measurement=taken)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("insight:measurement", measurement_id=taken.pk)
    messages.success(request, _("The baseline is marked."))
    return redirect(reverse("insight:index") + "?" + urlencode({"scope": str(taken.scope)}))
