"""Security headers, session limits and the user's language for every response."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from accounts.language import language_for

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Add the CSP to every response and forbid caching of anything but static files.

    Case pages must never be served from a cache once consent is withdrawn, so every
    dynamic response is ``no-store``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLimitsMiddleware:
    """End a session that has lasted longer than the absolute limit, however active.

    The idle limit is a sliding expiry (SESSION_COOKIE_AGE from the last save). Saving the
    session on every request would cost an UPDATE and a second commit per request, so the
    session is saved again only when its last save is SESSION_REFRESH_SECONDS old: the idle
    limit then ends between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE
    after the last request, never later.
    """

    KEY = "_overgang_login_at"
    REFRESHED = "_overgang_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = timezone.now().timestamp()
            started = session.get(self.KEY)
            if started is None:
                session[self.KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if now - session.get(self.REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.REFRESHED] = now  # modified: saved with a new expiry and cookie
        return self.get_response(request)


def stamp_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """Record when the session began (and was last saved) as the user signs in."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SessionLimitsMiddleware.KEY] = now
        request.session[SessionLimitsMiddleware.REFRESHED] = now


class UserLanguageMiddleware:
    """Speak to a signed-in user in their language: their own choice, else their agency's country's.

    Runs after Django's LocaleMiddleware, which serves the language cookie or the browser's
    wish to those not signed in. For a signed-in user the choice kept on the user wins, then
    a choice made in this browser before signing in (the cookie), then the country
    (accounts.language): a Danish prison's staff start in Danish whatever the browser says.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in dict(settings.LANGUAGES) and not user.language else language_for(user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
