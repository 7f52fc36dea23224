from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.admin import JournaledAdmin
from obstacles.models import Challenge, ChallengeVersion, Phase, Threshold
from obstacles.services import challenge_save


class ChallengeVersionInline(admin.TabularInline):
    model = ChallengeVersion
    extra = 0
    can_delete = False
    fields = ("version", "phases", "text_nb", "text_da", "text_en", "replaced_at", "replaced_by")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = [
            "code",
            "seed_code",
            "tangle",
            "knot",
            "phases",
            "text_nb",
            "text_da",
            "text_en",
            "position",
            "active",
        ]

    def clean_phases(self) -> list[str]:
        phases = self.cleaned_data.get("phases")
        if not isinstance(phases, list) or not phases or not set(phases) <= set(Phase.values):
            raise ValidationError("A list of one or more of: %(phases)s.", params={"phases": ", ".join(Phase.values)})
        return phases


@admin.register(Challenge)
class ChallengeAdmin(JournaledAdmin):
    """The map's catalogue: edit a text or placing (the old one is kept as a version), or add a code."""

    list_display = ["code", "seed_code", "tangle", "phases", "text_nb", "active", "version"]
    list_filter = ["tangle", "active"]
    form = ChallengeForm
    inlines = [ChallengeVersionInline]

    def save_model(self, request: Any, obj: Challenge, form: Any, change: bool) -> None:
        # The service versions and journals the change: JournaledAdmin writes no second entry.
        challenge_save(actor=request.user, challenge=obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Threshold)
class ThresholdAdmin(JournaledAdmin):
    list_display = ["key", "value", "source"]
