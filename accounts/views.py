"""Login and logout, with django-axes throttling in front of the login form, setting a
password from the link an administrator has the user sent (accounts.services.password_link_send),
and the staff's second factor: setting up an authenticator app, giving its code (or a recovery
code), and making new recovery codes. Who must give it is decided in access (the gate is
access.middleware).

Sign-in through an OpenID provider (ID-porten, MitID, the employer's Entra ID) starts at
``oidc_start`` and comes back to ``oidc_callback``; Authlib checks the state, the code and the
ID token (accounts.oidc), and accounts.services.oidc_user_for finds the user. The password form
can be switched off (``OVERGANG_PASSWORD_LOGIN=off``): then it is not shown and its POST is refused.
"""

import logging
import math
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import requests
import segno
from authlib.common.errors import AuthlibBaseError
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from joserfc.errors import JoseError
from markupsafe import Markup

from access.decorators import AuthenticatedHttpRequest, public, second_factor_step, signed_in
from access.policy import needs_second_factor, second_factor_passed
from accounts import oidc, services
from accounts.forms import CodeForm
from accounts.models import User
from accounts.oidc_settings import PERSON, OidcProvider
from accounts.services import AUTHENTICATOR, recovery_code_shown, recovery_codes_make, second_factor_check
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


# The second factor for staff (ASSURANCE #3, #15; the gate is access.middleware).

#: The session's key for the authenticator key offered on the enrolment page, until a code confirms it.
SETUP_KEY = "_overgang_second_factor_key"
#: The session's key for recovery codes just made, shown once on the next page and then dropped.
FRESH_CODES = "_overgang_recovery_codes"


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _authenticator_ready(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _qr_svg(device: TOTPDevice, title: str) -> Markup:
    """The authenticator's address as a QR code, an SVG element in the page (no image request, no script)."""
    code = segno.make(device.config_url, error="m")
    # segno writes path data only and escapes the title; nothing typed by a user goes in unescaped.
    svg = code.svg_inline(scale=4, border=2, title=title, svgclass="qr-code")
    return Markup(svg)  # noqa: S704  # nosec B704


@second_factor_step
def second_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the key in letters, a first code, then recovery codes.

    Staff with no authenticator yet; whoever has one is sent to give its code.
    """
    user = request.user
    if not needs_second_factor(user):
        return redirect("home")
    if _authenticator_ready(user):
        return redirect(f"{reverse('second_factor_verify')}?{urlencode({'next': _next_page(request)})}")
    key = request.session.get(SETUP_KEY) or default_key()
    request.session[SETUP_KEY] = key
    device = TOTPDevice(user=user, name=AUTHENTICATOR, key=key)
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = services.second_factor_enrol(actor=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[SETUP_KEY]
            otp_login(request, enrolled.device)
            request.session.cycle_key()
            request.session[FRESH_CODES] = enrolled.recovery_codes
            return redirect(f"{reverse('second_factor')}?{urlencode({'next': _next_page(request)})}")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device, str(_("QR code for the authenticator app"))),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_page(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=400 if form.errors else 200)


@second_factor_step
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Give the code from the authenticator app, or a recovery code. Staff signed in with a password."""
    user = request.user
    if second_factor_passed(user, request.session):
        return redirect(_next_page(request))
    if not user_has_device(user):
        return redirect(f"{reverse('second_factor_enrol')}?{urlencode({'next': _next_page(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = second_factor_check(actor=user, code=form.cleaned_data["code"])
        if checked.device is not None:
            otp_login(request, checked.device)
            request.session.cycle_key()
            return redirect(_next_page(request))
        if checked.wait_until is not None:
            seconds = max(1, math.ceil((checked.wait_until - timezone.now()).total_seconds()))
            form.add_error(
                None,
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second and try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        else:
            form.add_error("code", _("The code is wrong, or it has been used. Try the code the app shows now."))
    context = {"form": form, "next": _next_page(request)}
    return render(request, "accounts/second_factor_verify.html", context, status=400 if form.errors else 200)


@signed_in
def second_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's second factor: how many recovery codes are left; make new ones. Staff past the second factor."""
    user = request.user
    if not needs_second_factor(user):
        raise PermissionDenied
    codes = request.session.pop(FRESH_CODES, None)
    if request.method == "POST":
        try:
            codes = recovery_codes_make(actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    context = {
        "codes": [recovery_code_shown(code) for code in codes or []],
        "left": left,
        "authenticator": _authenticator_ready(user),
        "next": _next_page(request),
    }
    return render(request, "accounts/second_factor.html", context)
