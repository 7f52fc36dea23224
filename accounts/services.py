"""Writes on accounts."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

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
