"""Writes on accounts."""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import oidc
from accounts.models import ExternalIdentity, Role, User
from accounts.oidc_settings import PERSON, OidcProvider
from cases.identity import national_id_digest
from cases.models import Person
from journal.services import record_change


class PasswordLinkForm(PasswordResetForm):
    """Django's password reset e-mail, sent to one given user, with or without a password yet."""

    def __init__(self, user: User) -> None:
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email: str) -> list[User]:
        return [self.user]


@transaction.atomic
def password_link_send(*, actor: User, user: User, request: HttpRequest) -> None:
    """E-mail a user a link to set their own password, once the transaction commits; journaled.

    The link goes to the user's own address, so whoever sends it never learns or sets
    the password.
    """
    form = PasswordLinkForm(user)
    if not user.is_active or not form.is_valid():
        raise ValidationError(_("The user needs a valid e-mail address and an active account."))
    record_change(actor=actor, action="account.password_link", obj=user, case=None, old=None, new={"email": user.email})
    transaction.on_commit(lambda: form.save(request=request, use_https=request.is_secure()))


def user_language_choose(*, actor: User, language: str) -> User:
    """Keep the language a user chose for themselves; from now on it wins over their country's."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=actor.pk)
        if current.language == language:
            return current
        old = {"language": current.language}
        current.language = language
        current.save(update_fields=["language"])
        record_change(
            actor=actor, action="account.language", obj=current, case=None, old=old, new={"language": language}
        )
    actor.language = language
    return current


#: The user the journal names for what the system does itself (detected obstacles, counted
#: catchments, scheduled jobs); it cannot sign in.
SYSTEM_USERNAME = "overgang.system"


def system_user() -> User:
    """The journal's actor for the system's own work: inactive, no password, no agency."""
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Overgang", "role": Role.ADMIN, "is_active": False, "password": make_password(None)},
    )
    return user


#: How many one-time recovery codes a user gets at a time.
RECOVERY_CODES = 10
#: The names of a user's two devices: the authenticator app and the list of recovery codes.
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
#: A TOTP code: six digits. A recovery code: eight letters a-z and digits 2-7 (django-otp's).
TOTP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def code_normalised(code: str) -> str:
    """The code as django-otp keeps it: no spaces or hyphens (recovery codes are shown as abcd-efgh), lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def recovery_code_shown(code: str) -> str:
    """A recovery code as the page shows it, in two halves: abcd-efgh."""
    return f"{code[:4]}-{code[4:]}"


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_change(actor=user, action="account.recovery_codes", obj=device, case=None, old=None, new=None)
    return codes


@dataclass(frozen=True)
class Enrolled:
    """The authenticator a user set up, and the recovery codes to show them once."""

    device: TOTPDevice
    recovery_codes: list[str]


def second_factor_enrol(*, actor: User, key: str, code: str) -> Enrolled:
    """Keep the authenticator app a user set up with ``key``, once it gives a right code; make recovery codes.

    Only a user with no authenticator yet: one who has one passes it (``second_factor_check``),
    so a password alone never sets up a second one. The first code counts as used (``last_t``).
    """
    code = code_normalised(code)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one enrolment at a time
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError({"code": _("You already have an authenticator app. Give its code instead.")})
        device = TOTPDevice(user=actor, name=AUTHENTICATOR, key=key, confirmed=True)
        device.full_clean(exclude=["user"])
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = timezone.now().timestamp()
        if not TOTP_CODE.fullmatch(code) or not totp.verify(int(code), device.tolerance):
            raise ValidationError({"code": _("The code is wrong. Write the six digits the app shows now.")})
        device.last_t = totp.t()
        device.save()
        record_change(actor=actor, action="account.second_factor_enrol", obj=device, case=None, old=None, new=None)
        codes = _recovery_codes_replace(actor)
    return Enrolled(device=device, recovery_codes=codes)


def recovery_codes_make(*, actor: User) -> list[str]:
    """Replace a user's recovery codes with new ones (the old stop working); the new are shown once."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError(_("Set up an authenticator app first."))
        return _recovery_codes_replace(actor)


@dataclass(frozen=True)
class Checked:
    """What a code given for the second factor came to: the device that took it, or a wait."""

    device: Device | None
    wait_until: datetime.datetime | None = None


def second_factor_check(*, actor: User, code: str) -> Checked:
    """Check a code from the user's authenticator app, or one of their recovery codes.

    django-otp refuses a TOTP code already used (``last_t``) and a used recovery code (it is
    deleted), and after each wrong code makes the next try wait 1, 2, 4 ... seconds, per device.
    A used recovery code and every refusal are journaled, never the code.
    """
    code = code_normalised(code)
    with transaction.atomic():
        model: type[TOTPDevice] | type[StaticDevice] = StaticDevice if RECOVERY_CODE.fullmatch(code) else TOTPDevice
        devices = list(model.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk"))
        for device in devices:
            allowed, why = device.verify_is_allowed()
            if not allowed:
                record_change(
                    actor=actor, action="account.second_factor_failed", obj=actor, case=None, old=None, new=None
                )
                return Checked(device=None, wait_until=(why or {}).get("locked_until"))
            if TOTP_CODE.fullmatch(code) or RECOVERY_CODE.fullmatch(code):
                if device.verify_token(code):
                    if isinstance(device, StaticDevice):
                        record_change(
                            actor=actor, action="account.recovery_code_used", obj=device, case=None, old=None, new=None
                        )
                    return Checked(device=device)
            else:
                device.throttle_increment()
        record_change(actor=actor, action="account.second_factor_failed", obj=actor, case=None, old=None, new=None)
        return Checked(device=None)


#: How an external identity came to be linked (the journal entry says which).
LINKED_BY_ADMINISTRATOR = "administrator"
LINKED_BY_IDENTITY_NUMBER = "identity_number"


@transaction.atomic
def identity_link(
    *, actor: User, user: User, issuer: str, subject: str, how: str, identity: ExternalIdentity | None = None
) -> ExternalIdentity:
    """Link a user to their subject at a provider; journaled. Refused if the pair is linked already.

    ``identity`` is the admin form's unsaved row, saved here so the admin shows the one it made.
    """
    issuer, subject = issuer.strip(), subject.strip()
    if not issuer or not subject:
        raise ValidationError(_("Give both the provider's issuer and the subject."))
    if how not in {LINKED_BY_ADMINISTRATOR, LINKED_BY_IDENTITY_NUMBER}:
        raise ValidationError(_("Unknown way of linking."))
    if ExternalIdentity.objects.filter(issuer=issuer, subject=subject).exists():
        raise ValidationError(_("This identity at the provider is linked to a user already."))
    identity = identity if identity is not None and identity.pk is None else ExternalIdentity()
    identity.issuer, identity.subject, identity.user = issuer, subject, user
    identity.save(force_insert=True)
    record_change(
        actor=actor,
        action="account.identity_link",
        obj=identity,
        case=None,
        old=None,
        new={"user": user.pk, "issuer": issuer, "how": how},
    )
    return identity


@transaction.atomic
def oidc_user_for(*, provider: OidcProvider, claims: Mapping[str, Any]) -> tuple[User, str] | None:
    """The user a provider's checked ID token names, and the level it reports; None if no one.

    The user is found by the token's (issuer, subject). A person not yet linked is found once
    by the identity number their provider returns, through its keyed hash, and linked for the
    next time; no number is typed and none is stored here. Nobody is created: an unknown
    subject, an inactive user, or a staff user at a person's provider (or the other way round)
    gives None. A sign-in is journaled with the provider and the level.
    """
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject:
        return None
    identity = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is None and provider.audience_kind == PERSON:
        number = oidc.identity_number(provider, claims)
        person = (
            Person.objects.select_related("user")
            .filter(national_id_hash=national_id_digest(number), user__isnull=False)
            .first()
            if number
            else None
        )
        if person is not None and person.user is not None and person.user.role == Role.PERSON:
            identity = identity_link(
                actor=person.user, user=person.user, issuer=issuer, subject=subject, how=LINKED_BY_IDENTITY_NUMBER
            )
    if identity is None:
        return None
    user = identity.user
    if not user.is_active or (user.role == Role.PERSON) != (provider.audience_kind == PERSON):
        return None
    level = oidc.auth_level(claims)
    record_change(
        actor=user,
        action="account.sign_in",
        obj=identity,
        case=None,
        old=None,
        new={"provider": provider.name, "auth_level": level},
    )
    return user, level
