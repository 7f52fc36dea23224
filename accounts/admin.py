"""The Django admin: users, agencies and reference data, every change in the journal.

An administrator manages accounts but cannot become anyone: no password is set in the
admin (a new user, and any user on request, gets a link to set their own), the e-mail a
link goes to cannot be changed once the user has a password, and an administrator cannot
change their own role or agency. Every add, change and delete is written to the
append-only journal in the admin's transaction; Django's own admin log stays, but it is
an ordinary table anyone with the database can edit.
"""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, ExternalIdentity, User
from accounts.services import LINKED_BY_ADMINISTRATOR, identity_link, password_link_send
from journal.services import record_change, snapshot

if TYPE_CHECKING:
    from access.decorators import AuthenticatedHttpRequest


#: Fields whose values never enter the journal from the admin: an authenticator's key, a recovery code.
SECRET_FIELDS = frozenset({("otp_totp", "key"), ("otp_static", "token")})


def journal_fields(model: type[models.Model]) -> list[str]:
    """Every field an admin form can change: the concrete columns and the many-to-many sets; no secret."""
    meta = model._meta
    return [
        field.name
        for field in (*meta.concrete_fields, *meta.many_to_many)
        if (meta.app_label, field.name) not in SECRET_FIELDS
    ]


def journal_admin_change(
    request: "AuthenticatedHttpRequest", action: str, obj: models.Model, old: dict | None, new: dict | None
) -> None:
    """Write one admin action; a change keeps only the fields that changed."""
    if old is not None and new is not None:
        changed = [name for name in new if old.get(name) != new[name]]
        old, new = {name: old.get(name) for name in changed}, {name: new[name] for name in changed}
    record_change(actor=request.user, action=action, obj=obj, case=None, old=old, new=new)


class JournaledAdmin(admin.ModelAdmin):
    """A model admin whose every add, change and delete is journaled in its transaction.

    The values before a change are read in save_model, before the row is written, and the
    entry is written in save_related, once the many-to-many sets are saved too. An admin
    whose save_model hands the write to a service (which journals it) writes no second entry.
    """

    def save_model(self, request, obj, form, change) -> None:
        fields = journal_fields(type(obj))
        form.journal_old = snapshot(type(obj)._default_manager.get(pk=obj.pk), fields) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if hasattr(form, "journal_old"):
            obj = form.instance
            new = snapshot(obj, journal_fields(type(obj)))
            journal_admin_change(request, "admin.change" if change else "admin.add", obj, form.journal_old, new)

    def save_formset(self, request, form, formset, change) -> None:
        """Journal the inline rows too: each added, changed and deleted one."""
        model, fields = formset.model, journal_fields(formset.model)
        deleted = [row.instance for row in formset.deleted_forms if row.instance.pk]
        for obj in deleted:
            journal_admin_change(request, "admin.delete", obj, snapshot(obj, fields), None)
        before = {
            row.instance.pk: snapshot(model._default_manager.get(pk=row.instance.pk), fields)
            for row in formset.initial_forms
            if row.instance.pk and row.has_changed() and row.instance not in deleted
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            journal_admin_change(request, "admin.add", obj, None, snapshot(obj, fields))
        for obj, _changed in formset.changed_objects:
            journal_admin_change(request, "admin.change", obj, before[obj.pk], snapshot(obj, fields))

    def delete_model(self, request, obj) -> None:
        journal_admin_change(request, "admin.delete", obj, snapshot(obj, journal_fields(type(obj))), None)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        fields = journal_fields(queryset.model)
        for obj in queryset:
            journal_admin_change(request, "admin.delete", obj, snapshot(obj, fields), None)
        super().delete_queryset(request, queryset)


@admin.register(Agency)
class AgencyAdmin(JournaledAdmin):
    list_display = ["name", "kind", "country", "municipality", "security_level"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "municipality"]


class UserAddForm(forms.ModelForm):
    """A new user, without a password: the user sets their own from the link they are sent."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "agency"]
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The link to set a password is sent here.")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class UserChangeForm(forms.ModelForm):
    """A user's details; no password field (a password is only ever set by its owner)."""

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "agency",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        ]
        field_classes = {"username": UsernameField}


@admin.register(User)
class UserAdmin(JournaledAdmin, BaseUserAdmin):
    """Users: an administrator may set another user's role and agency, never their password."""

    form = UserChangeForm
    add_form = UserAddForm
    add_form_template = "admin/change_form.html"
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency__kind", "is_active"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Overgang"), {"fields": ("role", "agency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "role", "agency")}),)
    actions = ["send_password_link"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            readonly += ["role", "agency"]  # no administrator gives themselves a case role
        if obj is not None and obj.has_usable_password():
            # A link to a changed address would let the administrator set the password.
            readonly.append("email")
        return readonly

    def user_change_password(self, request, id, form_url=""):
        """Refuse to set another user's password; they set it from a link (send_password_link)."""
        if str(id) != str(request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            password_link_send(actor=request.user, user=form.instance, request=request)
            self.message_user(
                request, _("A link to set the password is sent to %(email)s.") % {"email": form.instance.email}
            )

    @admin.action(description=_("Send a link to set a new password"))
    def send_password_link(self, request, queryset) -> None:
        for user in queryset:
            try:
                password_link_send(actor=request.user, user=user, request=request)
            except ValidationError as error:
                self.message_user(request, f"{user.username}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, _("A link to set the password is sent to %(email)s.") % {"email": user.email}
                )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(JournaledAdmin):
    """A user's subject at an OpenID provider: linked here for staff (persons are linked at
    their first sign-in by their identity number), never changed, deleted to unlink."""

    fields = ["user", "issuer", "subject"]
    list_display = ["user", "issuer", "subject", "created_at"]
    list_filter = ["issuer"]
    search_fields = ["user__username", "user__last_name", "subject"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            raise PermissionDenied
        identity_link(
            actor=request.user,
            user=obj.user,
            issuer=obj.issuer,
            subject=obj.subject,
            how=LINKED_BY_ADMINISTRATOR,
            identity=obj,
        )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(JournaledAdmin, BaseGroupAdmin):
    pass


def _journal_axes_admins() -> None:
    """Journal the login-throttling records too: deleting an attempt unlocks an account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        if admin.site.is_registered(model):
            base = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            admin.site.register(model, type(base.__name__, (JournaledAdmin, base), {}))


_journal_axes_admins()


class SecondFactorDeviceAdmin(JournaledAdmin):
    """An administrator sees whether a user has a second factor and may remove it, never add or change one.

    Removing it is the reset for a lost phone: the user sets up a new authenticator at their
    next sign-in. Keys and recovery codes are not shown (``OTP_ADMIN_HIDE_SENSITIVE_DATA``).
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _second_factor_admins() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            base = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            admin.site.register(model, type(base.__name__, (SecondFactorDeviceAdmin, base), {}))


_second_factor_admins()
