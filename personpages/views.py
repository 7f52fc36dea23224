"""The person's own pages: the road in plain words (issue 18, point 2)."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.pdf import render_pdf
from personpages.selectors import plan_for_print, road_for_person
from release.models import ReadinessState


@case_view(Ability.VIEW_PERSON_PAGES)
def my_road(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The road written for the person. The person; the case's staff and lead, to see what the person sees."""
    context = {"access": access, "case": access.case, "road": road_for_person(access.case)}
    return render(request, "personpages/road.html", context)


#: The printed plan's stylesheet lives with the other static files (css/plan-pdf.css).
STATIC_DIR = Path(settings.BASE_DIR) / "static"
#: The languages the plan prints in (issue 18, point 4).
PRINT_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@case_view(Ability.VIEW_PERSON_PAGES)
def plan_pdf(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The person's plan as a PDF to hold in the hand, in Norwegian, Danish or English (``?language=``).

    The person; the case's staff and lead print it for the person (each part as they may see it)."""
    asked = request.GET.get("language", "")
    language = asked if asked in PRINT_LANGUAGES else translation.get_language()
    with translation.override(language):
        context = {
            "plan": plan_for_print(access),
            "access": access,
            "language": language,
            "readiness_states": dict(ReadinessState.choices),
        }
        html = render_to_string("personpages/plan_pdf.html", context, request=request)
    # The stylesheet is read from the static files on disk: no request to the server itself.
    pdf = render_pdf(html, base_url=STATIC_DIR.as_uri() + "/")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{access.case.code}.pdf"'
    return response
