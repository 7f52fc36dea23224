from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DsForm
from outcomes.models import Situation

MAX_VERSION = 2**31 - 1


class FollowUpForm(DsForm):
    situation = forms.ChoiceField(
        label=_("The person's situation three months after release"),
        choices=Situation.choices,
        widget=forms.RadioSelect,
    )
    assessed_on = forms.DateField(label=_("Found out on"), widget=DateInput())
    # Empty for the first record; the version read, for a correction.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_VERSION)


class ChargeForm(DsForm):
    charged_on = forms.DateField(
        label=_("Charged on"),
        widget=DateInput(),
        help_text=_("Only the day. Write nothing about what the charge is about."),
    )


class RemoveChargeForm(DsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)
