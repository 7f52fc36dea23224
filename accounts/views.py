"""Login and logout, with django-axes throttling in front of the login form, setting a
password from the link an administrator has the user sent (accounts.services.password_link_send),
and the staff's second factor: setting up an authenticator app, giving its code (or a recovery
code), and making new recovery codes. Who must give it is decided in access (the gate is
access.middleware)."""

import math
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from markupsafe import Markup

from access.decorators import AuthenticatedHttpRequest, public, second_factor_step, signed_in
from access.policy import needs_second_factor, second_factor_passed
from accounts import services
from accounts.forms import CodeForm
from accounts.models import User
from accounts.services import AUTHENTICATOR, recovery_code_shown, recovery_codes_make, second_factor_check

login = public(auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True))
logout = public(auth_views.LogoutView.as_view())
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
        "qr": _qr_svg(device, _("QR code for the authenticator app")),
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
