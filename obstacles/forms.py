from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AgencyKind
from core.forms import DateInput, DsForm, InRangeModelChoiceField
from obstacles.models import Challenge, ObstacleStage

AGENCY_CHOICES = [("", _("Not known")), *AgencyKind.choices]


class ChallengeChoiceField(InRangeModelChoiceField):
    """A code on the reentry map, shown with its text in the reader's language."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Challenge.objects.filter(active=True), **kwargs)

    def label_from_instance(self, obj: Challenge) -> str:
        return f"{obj.code} {obj.text}"


class ObstacleForm(DsForm):
    what_happened = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    happened_on = forms.DateField(label=_("When it happened"), widget=DateInput)
    stage = forms.ChoiceField(label=_("Stage"), choices=ObstacleStage.choices)
    failed_agency = forms.ChoiceField(label=_("The agency that failed"), choices=AGENCY_CHOICES, required=False)
    bore_agency = forms.ChoiceField(label=_("The agency that bore it"), choices=AGENCY_CHOICES, required=False)
    challenge = ChallengeChoiceField(
        label=_("Code on the reentry map (if you know it)"),
        required=False,
        help_text=_("A coordinator can code it later."),
    )


class CodeForm(DsForm):
    challenge = ChallengeChoiceField(label=_("Code on the reentry map"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DoneForm(DsForm):
    what_was_done = forms.CharField(label=_("What was done about it"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
