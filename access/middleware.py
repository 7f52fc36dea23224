"""The second factor's gate: staff past the password step alone reach only the pages that finish it.

Every staff role must pass a second factor (``access.policy.needs_second_factor``). Until the
session has (``access.policy.second_factor_passed``), every view answers with a redirect to
the page that takes a code, or, for a user with no authenticator yet, to the one that sets it
up; an htmx request gets the same address in ``HX-Redirect``. Open meanwhile: the public views
(log in, log out, the health check, help, privacy, accessibility, the language menu, setting a
password) and the second factor's own pages (``access.decorators.second_factor_step``). Static
files are served before any of this (whitenoise). The Django admin declares no rule of ours,
so it is closed too.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from access.decorators import ACCESS_RULE, SECOND_FACTOR_STEP
from access.policy import AUTH_LEVEL_SESSION_KEY, second_factor_passed

#: The access rules (``access.decorators``) of the views a session may reach before the second factor.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"public", SECOND_FACTOR_STEP})


class SecondFactorMiddleware:
    """Send staff who have given only their password to the second factor, whatever they ask for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if getattr(view_func, ACCESS_RULE, None) in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if second_factor_passed(request.user, request.session):
            return None
        page = "second_factor_verify" if user_has_device(request.user) else "second_factor_enrol"
        target = reverse(page)
        htmx = bool(getattr(request, "htmx", False))
        if request.method == "GET" and not htmx:
            target += "?" + urlencode({"next": request.get_full_path()})
        if htmx:
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


#: The backends that sign in with a password: such a sign-in reports no level of assurance.
PASSWORD_BACKENDS = frozenset({"accounts.backends.ModelBackend", "django.contrib.auth.backends.ModelBackend"})


def forget_auth_level_at_password_sign_in(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    """Drop any level of assurance left in the session when a user signs in with a password.

    Only an identity provider's sign-in sets ``auth_level`` (``access.policy.AUTH_LEVEL_SESSION_KEY``);
    one that stopped half-way must not lend its level to the password typed next.
    """
    if request is not None and getattr(user, "backend", None) in PASSWORD_BACKENDS:
        request.session.pop(AUTH_LEVEL_SESSION_KEY, None)
