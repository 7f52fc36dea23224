"""Start page, language choice, health check, error pages and the public pages of the footer (help, privacy,
accessibility)."""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.i18n import set_language

from access.decorators import AuthenticatedHttpRequest, public, signed_in
from access.policy import sees_no_case
from accounts.models import Role
from accounts.services import user_language_choose

logger = logging.getLogger(__name__)


@signed_in
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each user to their start page. Any signed-in user."""
    if request.user.role == Role.PERSON:
        case = (
            request.user.person.cases.order_by("-intake_date", "-id").first()
            if hasattr(request.user, "person")
            else None
        )
        if case is not None:
            return redirect("cases:overview", code=case.code)
    if sees_no_case(request.user):
        return render(request, "core/no_cases.html")
    return redirect("timetable:due")


@public
def language_choose(request: HttpRequest) -> HttpResponse:
    """Choose the language (Django's set_language); a signed-in user keeps the choice. Anyone.

    The choice is kept on the user (accounts.language), so it wins over the agency's country on
    every device from now on.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_choose(actor=request.user, language=language)
    return response


@public
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers. Public; reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


#: The day the accessibility statement was last checked against the pages (uustatus.no asks for it).
ACCESSIBILITY_REVIEWED = datetime.date(2026, 12, 4)


def _service_page(request: HttpRequest, template: str, **context: object) -> HttpResponse:
    return render(
        request,
        template,
        {
            "contact_email": settings.SERVICE_CONTACT_EMAIL,
            "anonymise_after_days": settings.ANONYMISE_AFTER_DAYS,
            **context,
        },
    )


@public
def help_page(request: HttpRequest) -> HttpResponse:
    """Help and contact. Public: the footer links to it from every page, the login page too."""
    return _service_page(request, "core/help.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: what is kept, who sees it, the person's rights. Public."""
    return _service_page(request, "core/privacy.html")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement a public web service must publish. Public."""
    return _service_page(request, "core/accessibility.html", reviewed=ACCESSIBILITY_REVIEWED)


def server_error(request: HttpRequest) -> HttpResponse:
    """A generic error page with a reference id; never a stack trace."""
    reference = uuid.uuid4().hex[:12]
    logger.error("Server error, reference %s, path %s", reference, request.path)
    return render(request, "500.html", {"reference": reference}, status=500)
