from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import JournaledAdmin
from notices.models import Delivery, Notice, Subscription
from notices.services import subscription_save


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("endpoint address"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Subscription
        fields = ["agency", "channel", "url", "signing_secret", "email", "active"]
        widgets = {"signing_secret": forms.PasswordInput(render_value=True)}


@admin.register(Subscription)
class SubscriptionAdmin(JournaledAdmin):
    """Where an agency gets its release notices: an HTTPS endpoint with a signing secret, or an e-mail address."""

    form = SubscriptionForm
    list_display = ["agency", "channel", "url", "email", "active"]
    list_filter = ["channel", "active", "agency__kind"]
    search_fields = ["agency__name", "agency__municipality"]

    def save_model(self, request: Any, obj: Subscription, form: Any, change: bool) -> None:
        # The service journals the change without the secret: JournaledAdmin writes no second entry.
        subscription_save(actor=request.user, subscription=obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # switch it off instead (active): its notices keep their history


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("attempt", "at", "channel", "ok", "status_code", "error")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(JournaledAdmin):
    """The outbox, read only: what was written for whom, and each attempt's answer."""

    list_display = ["id", "case", "agency", "kind", "release_date", "attempts", "delivered_at", "failed_at"]
    list_filter = ["kind", "agency__kind"]
    search_fields = ["case__code", "agency__name"]
    inlines = [DeliveryInline]
    readonly_fields = [
        "case",
        "agency",
        "kind",
        "release_date",
        "previous_date",
        "created_at",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "delivered_at",
        "failed_at",
        "acknowledged_at",
    ]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
