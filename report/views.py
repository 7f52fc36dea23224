"""The report of benefits realisation for a scope and a period (issue 22, point 6): page, PDF and CSV.

Who reads it: ``access.insight`` (a prison's reentry coordinator, their prison and country; the
analyst, any scope). A scope one may not ask for is refused as one that does not exist (404).
Aggregates only, small counts hidden (``report.shown``); no case is read one by one, so no
access event is logged.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, signed_in
from access.insight import may_see, scopes_for, sees_figures
from core.pdf import render_pdf
from insight.registry import Period
from insight.selectors import latest
from report import charts
from report.data import Bars, Cohorts, Report
from report.fill import build, default_period
from report.forms import MAX_SCOPE, ReportForm
from report.selectors import parse_scope, scope_choices, scope_label
from report.shown import verdict_text

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _asked(request: AuthenticatedHttpRequest) -> tuple[ReportForm, Report | None]:
    """The form of the request and, when it is valid and the scope the user's, the report."""
    user = request.user
    if not sees_figures(user):
        raise PermissionDenied
    scopes = scopes_for(user)
    today = timezone.localdate()
    asked = request.GET.get("scope") or (str(scopes[0]) if scopes else "")
    scope = parse_scope(asked) if len(asked) <= MAX_SCOPE else None
    if scope is None or not may_see(user, scope):
        raise Http404  # a scope one may not ask for is as one that does not exist
    # The scope's latest measurement, read once: it gives the default period, and the report serves from it.
    later = latest(scope)
    start, end = default_period(later, today)
    data = {
        "scope": str(scope),
        "start": request.GET.get("start") or start.isoformat(),
        "end": request.GET.get("end") or end.isoformat(),
    }
    form = ReportForm(data)
    form.fields["scope"].widget.choices = scope_choices(scopes)
    if not form.is_valid():
        return form, None
    period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, build(scope, scope_label(scope), period, today, later)


def _context(report: Report | None) -> dict[str, object]:
    return {
        "report": report,
        "bars": charts.bars,
        "line": charts.line,
        "is_bars": lambda section: isinstance(section, Bars),
        "is_cohorts": lambda section: isinstance(section, Cohorts),
        "verdict_text": verdict_text,
    }


@signed_in
def page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The report as a page, with the choice of scope and period and the links to its PDF and CSV."""
    form, report = _asked(request)
    context = {**_context(report), "form": form, "query": request.GET.urlencode()}
    return render(request, "report/page.html", context, status=200 if report is not None else 400)


def sections_html(report: Report) -> str:
    """The report's sections as the page and the PDF show them (charts and tables)."""
    return render_to_string("report/_sections.html", _context(report))


def pdf_of(report: Report) -> bytes:
    """The report as a PDF; the stylesheet is read from the static files on disk."""
    html = render_to_string("report/pdf.html", _context(report))
    return render_pdf(html, base_url=STATIC_DIR.as_uri() + "/")


@signed_in
def pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same report as a PDF to print or send on (WeasyPrint, ``core.pdf``)."""
    _form, report = _asked(request)
    if report is None:
        return HttpResponse(_("Choose a scope and a period."), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf_of(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{report.start}-{report.end}.pdf"'
    return response


def rows_of(report: Report) -> list[list[str]]:
    """The report as the CSV's rows: every figure as shown on the page, hidden ones in words."""
    rows = [
        [_("Section"), _("Row"), _("Value"), _("Counts"), _("Interval"), _("Baseline"), _("Change"), _("Verdict")],
        [_("Scope"), report.scope, f"{report.start.isoformat()} – {report.end.isoformat()}", "", "", "", "", ""],
    ]
    for section in report.sections:
        if isinstance(section, Bars):
            for row in section.rows:
                baseline = row.baseline.text if row.baseline is not None else ""
                value = row.figure.text
                rows.append(
                    [
                        section.title,
                        row.label,
                        value,
                        row.counts,
                        row.interval,
                        baseline,
                        row.change,
                        verdict_text(row.verdict),
                    ]
                )
            if section.total is not None:
                rows.append([section.title, _("All"), section.total.text, "", "", "", "", ""])
            if not section.rows and section.empty:
                rows.append([section.title, section.empty, "", "", "", "", "", ""])
        else:
            for cohort in section.cohorts:
                for period, figure, counts in zip(section.periods, cohort.figures, cohort.counts, strict=True):
                    text = figure.text if figure is not None else _("not ended yet")
                    interval = ""
                    rows.append([section.title, f"{cohort.label}: {period}", text, counts, interval, "", "", ""])
    return rows


@signed_in
def csv_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The report's figures as CSV, hidden as on the page; never by case."""
    _form, report = _asked(request)
    if report is None:
        return HttpResponse(_("Choose a scope and a period."), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{report.start}-{report.end}.csv"'
    csv.writer(response).writerows(rows_of(report))
    return response
