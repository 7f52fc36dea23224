"""Login and logout, with django-axes throttling in front of the login form, and setting a
password from the link an administrator has the user sent (accounts.services.password_link_send).

Sign-in through an OpenID provider (ID-porten, MitID, the employer's Entra ID) starts at
``oidc_start`` and comes back to ``oidc_callback``; Authlib checks the state, the code and the
ID token (accounts.oidc), and accounts.services.oidc_user_for finds the user. The password form
can be switched off (``OVERGANG_PASSWORD_LOGIN=off``): then it is not shown and its POST is refused.
"""

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError

from access.decorators import public
from accounts import oidc, services
from accounts.oidc_settings import PERSON, OidcProvider
from cases import identity

logger = logging.getLogger(__name__)

#: Where to go after a provider's sign-in (a checked local address), kept while the user is away.
SESSION_NEXT = "oidc_next"
#: What can go wrong between us and a provider: a refused or replayed code, a wrong state, a
#: bad or expired ID token, the provider not answering or answering nonsense.
PROVIDER_ERRORS = (AuthlibBaseError, JoseError, requests.RequestException, ValueError)
#: The buttons' words for providers known by name; other providers are named by whom they serve.
PROVIDER_LABELS = {"idporten": _("Log in with ID-porten"), "mitid": _("Log in with MitID")}


def provider_label(provider: OidcProvider) -> str:
    if provider.name in PROVIDER_LABELS:
        return str(PROVIDER_LABELS[provider.name])
    if provider.audience_kind == PERSON:
        return str(_("Log in with your electronic ID"))
    return str(_("Sign in with your employer's account"))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_login"] = settings.PASSWORD_LOGIN
        context["oidc_buttons"] = [
            (
                reverse("oidc_start", kwargs={"provider": provider.name}),
                provider_label(provider),
                provider.audience_kind,
            )
            for provider in oidc.providers().values()
        ]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Local logout, then, after a provider's sign-in, logout at the provider too (RP-initiated)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.session.get(oidc.SESSION_PROVIDER)
        try:
            id_token = identity.decrypt(request.session.get(oidc.SESSION_ID_TOKEN) or "")
        except InvalidToken:  # kept under a key since replaced: log out without the hint
            id_token = ""
        response = super().post(request, *args, **kwargs)
        provider = oidc.provider_named(name) if name else None
        if provider is None:
            return response
        app = oidc.client(provider)
        try:
            end_session = app.load_server_metadata().get("end_session_endpoint")
        except PROVIDER_ERRORS:
            logger.warning("Provider %s did not answer at logout; signed out here only.", provider.name)
            return response
        if not end_session:
            return response
        return app.logout_redirect(
            request,
            post_logout_redirect_uri=request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
            id_token_hint=id_token or None,
            client_id=provider.client_id,
        )


def _provider_or_404(name: str) -> OidcProvider:
    provider = oidc.provider_named(name)
    if provider is None:
        raise Http404
    return provider


def _failed(request: HttpRequest, status: int) -> HttpResponse:
    return render(
        request, "registration/oidc_failed.html", {"contact_email": settings.SERVICE_CONTACT_EMAIL}, status=status
    )


@public
def oidc_start(request: HttpRequest, provider: str) -> HttpResponseBase:
    """Send the user to the provider to sign in, with a fresh state, nonce and PKCE challenge."""
    found = _provider_or_404(provider)
    next_url = request.GET.get("next", "")
    request.session.pop(SESSION_NEXT, None)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = next_url
    callback = request.build_absolute_uri(reverse("oidc_callback", kwargs={"provider": found.name}))
    try:
        return oidc.client(found).authorize_redirect(request, callback)
    except PROVIDER_ERRORS:
        logger.warning("Provider %s did not answer; sign-in not started.", found.name)
        return _failed(request, 503)


@public
def oidc_callback(request: HttpRequest, provider: str) -> HttpResponseBase:
    """The provider sends the user back here; sign them in if the token is good and names a user."""
    found = _provider_or_404(provider)
    try:
        token = oidc.client(found).authorize_access_token(request, leeway=settings.OIDC_LEEWAY_SECONDS)
    except PROVIDER_ERRORS as error:
        logger.info("Sign-in through %s refused: %s", found.name, type(error).__name__)
        return _failed(request, 400)
    claims = token.get("userinfo")
    if not claims:
        return _failed(request, 400)
    signed_in = services.oidc_user_for(provider=found, claims=claims)
    if signed_in is None:
        logger.info("Sign-in through %s: no user for this subject.", found.name)
        return render(
            request,
            "registration/oidc_unknown.html",
            {"contact_email": settings.SERVICE_CONTACT_EMAIL, "for_person": found.audience_kind == PERSON},
            status=403,
        )
    user, level = signed_in
    next_url = request.session.pop(SESSION_NEXT, None) or settings.LOGIN_REDIRECT_URL
    auth.login(request, user, backend="accounts.backends.ModelBackend")
    request.session[oidc.SESSION_AUTH_LEVEL] = level
    request.session[oidc.SESSION_PROVIDER] = found.name
    # Kept for the logout at the provider (id_token_hint), encrypted: a person's token carries
    # their identity number, and the session table is no place for it in clear.
    request.session[oidc.SESSION_ID_TOKEN] = identity.encrypt(token.get("id_token", ""))
    return redirect(next_url)


login = public(LoginView.as_view())
logout = public(LogoutView.as_view())
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(template_name="registration/password_reset_confirm.html")
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html")
)
