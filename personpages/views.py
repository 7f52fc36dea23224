"""The person's own pages: the road in plain words (issue 18, point 2), the plan to print (point 5), and
any person page read aloud (point 6)."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.policy import Ability, CaseAccess
from core.pdf import render_pdf
from core.readability import visible_text
from core.speech import SpeechFailed, speak
from personpages.listen import LISTEN_PAGES
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


@signed_in
def listen(request: AuthenticatedHttpRequest, page: str) -> HttpResponse:
    """The page at ``/<page>`` read aloud: a WAV made now and never stored. Whoever the page itself lets in.

    The page is one of ``LISTEN_PAGES`` (any other address gives 404), asked of its own view for this
    user, so its access rule decides and its read is logged as the page's own; a refusal is passed on
    as it is. What is read is the visible text of the page's <main>, in the page's language: never a
    text the client sends.
    """
    try:
        match = resolve(f"/{page}")
    except Resolver404:
        raise Http404 from None
    if match.view_name not in LISTEN_PAGES:
        raise Http404
    request.method = "GET"  # listening only reads, whatever the method it was asked with
    request.resolver_match = match  # the read is logged as the page's (journal.selectors: what was read)
    response = match.func(request, *match.args, **match.kwargs)
    if isinstance(response, SimpleTemplateResponse):  # Django's own views (the password pages) render late
        response.render()
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return response
    try:
        audio = speak(visible_text(response.content.decode(), within="main"), translation.get_language())
    except SpeechFailed:
        text = _("The page cannot be read aloud just now. Try again later.")
        return HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    answer = HttpResponse(audio, content_type="audio/wav")
    answer["Cache-Control"] = "no-store"
    return answer
