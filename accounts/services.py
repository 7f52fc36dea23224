"""Writes on accounts."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Role, User
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
