from django import forms
from django.utils.translation import gettext_lazy as _

from achievements.models import MAX_DESCRIPTION, MAX_HOURS, MAX_TITLE, AchievementKind
from achievements.services import MAX_REASON
from core.forms import DateInput, DsForm


class AchievementForm(DsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AchievementKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        help_text=_("For example: Forklift certificate T1-T4, or Mathematics 1P."),
    )
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=MAX_TITLE,
        help_text=_("For example: the school in the prison, the prison's workshop, or the county."),
    )
    achieved_on = forms.DateField(label=_("Achieved on"), widget=DateInput())
    hours = forms.IntegerField(label=_("Hours"), required=False, min_value=1, max_value=MAX_HOURS)
    level = forms.CharField(label=_("Level or grade"), required=False, max_length=100)
    description = forms.CharField(
        label=_("Short description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(AchievementForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class WithdrawForm(DsForm):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
