"""The surveys' pages (issue 22, point 5): the person's few questions, staff's quarter, paper forms, the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.insight import may_see, scopes_for, sees_figures
from access.policy import Ability, CaseAccess
from access.surveys import answers_staff_survey, enters_paper
from core.pdf import render_pdf
from core.posting import post_form
from insight.scope_names import choices
from insight.scopes import Scope
from surveys import selectors
from surveys.forms import AnswersForm, PaperForm
from surveys.models import StaffParticipation
from surveys.questions import Kind, Moment, questions_for
from surveys.services import paper_answer_enter, quarter_of, staff_survey_answer, survey_answer, survey_decline

#: The stylesheets the printed form links to (static/css/survey-pdf.css), read from disk by WeasyPrint.
STATIC_DIR = Path(settings.BASE_DIR) / "static"


@case_view(Ability.ANSWER_SURVEY)
def answer(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """A few questions for the person, when a moment has come. The person only, on their own case."""
    case = access.case
    moment = selectors.due_moment(case)
    form = AnswersForm(request.POST or None, kind=Kind.PERSON) if moment else None

    def show(status: int = 200) -> HttpResponse:
        context = {"access": access, "case": case, "moment": moment, "form": form}
        return render(request, "surveys/answer.html", context, status=status)

    if request.method != "POST" or form is None or moment is None:
        return show()
    here = reverse("surveys:answer", kwargs={"code": case.code})
    if "no_thanks" in request.POST:
        return post_form(
            request,
            None,
            lambda _data: survey_decline(actor=request.user, case=case, moment=moment),
            message=_("That is fine. We will not ask these questions again."),
            done=lambda _p: redirect(here),
            refused=lambda refusal: show(refusal.status),
        )
    return post_form(
        request,
        form,
        lambda _data: survey_answer(actor=request.user, case=case, moment=moment, answers=form.answers()),
        message=_("Thank you for your answers."),
        done=lambda _p: redirect(here),
        refused=lambda refusal: show(refusal.status),
    )


@signed_in
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The quarter's questions for staff, once a quarter. Staff of an agency who work with persons."""
    if not answers_staff_survey(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    answered = StaffParticipation.objects.filter(user_id=request.user.pk, quarter=quarter_of(today)).exists()
    form = None if answered else AnswersForm(request.POST or None, kind=Kind.STAFF)

    def show(status: int = 200) -> HttpResponse:
        context = {"form": form, "answered": answered, "quarter": quarter_of(today)}
        return render(request, "surveys/staff.html", context, status=status)

    if request.method != "POST" or form is None:
        return show()
    return post_form(
        request,
        form,
        lambda _data: staff_survey_answer(actor=request.user, answers=form.answers()),
        message=_("Thank you for your answers."),
        done=lambda _p: redirect("surveys:staff"),
        refused=lambda refusal: show(refusal.status),
    )


@signed_in
def paper(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Type in a person's paper form: it counts in your prison and names no one. Prison staff of a prison."""
    if not enters_paper(request.user):
        raise PermissionDenied
    agency = request.user.agency
    if agency is None:  # enters_paper said the user has a prison: never here
        raise PermissionDenied
    form = PaperForm(request.POST or None, units=selectors.units_of(agency.pk))

    def show(status: int = 200) -> HttpResponse:
        return render(request, "surveys/paper.html", {"form": form, "agency": agency}, status=status)

    if request.method != "POST":
        return show()
    return post_form(
        request,
        form,
        lambda data: paper_answer_enter(
            actor=request.user, moment=data["moment"], unit=data["unit"], answers=form.answers()
        ),
        message=_("The paper answers are saved. Throw the paper away safely."),
        done=lambda _r: redirect("surveys:paper"),
        refused=lambda refusal: show(refusal.status),
    )


PRINT_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@signed_in
def paper_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The blank paper form for the person, to print (``?language=``). Prison staff of a prison."""
    if not enters_paper(request.user):
        raise PermissionDenied
    asked = request.GET.get("language", "")
    language = asked if asked in PRINT_LANGUAGES else translation.get_language()
    with translation.override(language):
        context = {"questions": questions_for(Kind.PERSON), "moments": Moment.choices, "language": language}
        html = render_to_string("surveys/paper_pdf.html", context, request=request)
    response = HttpResponse(render_pdf(html, base_url=STATIC_DIR.as_uri() + "/"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="questions-{language}.pdf"'
    return response


def _scope(request: AuthenticatedHttpRequest) -> tuple[Scope, list[Scope]]:
    """The scope asked for (``?scope=kind:key``), if the user may see it; else 404, as for one that does not exist."""
    allowed = scopes_for(request.user)
    asked = request.GET.get("scope", "")
    if not asked:
        return allowed[0], allowed
    kind, _sep, key = asked.partition(":")
    scope = Scope(kind, key)  # type: ignore[arg-type]  # an unknown kind is in no one's list: 404 below
    if not may_see(request.user, scope):
        raise Http404
    return scope, allowed


@signed_in
def figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How satisfied persons and staff are, counted only. A prison's coordinator (prison, country), the analyst."""
    if not sees_figures(request.user):
        raise PermissionDenied
    scope, allowed = _scope(request)
    period = selectors.last_four_quarters(timezone.localdate())
    context: dict[str, Any] = {
        "scope": scope,
        "choices": choices(allowed),
        "period": period,
        "person": selectors.survey_figures(scope, Kind.PERSON, period),
        "staff": selectors.survey_figures(scope, Kind.STAFF, period),
        "moments": Moment,
    }
    return render(request, "surveys/figures.html", context)
