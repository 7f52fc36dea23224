"""The analyst's forms: the assumptions of a new version, and the figures a gain is worked out for."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm, InRangeModelChoiceField
from costbenefit.models import MAX_AMOUNT, Currency
from costbenefit.selectors import programmes_to_start
from programmes.models import Programme

#: The most participants or people followed up the page works a gain out for.
MAX_PEOPLE = 10_000_000


def _amount(label: Any, help_text: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, help_text=help_text, min_value=0, max_value=MAX_AMOUNT, max_digits=14, decimal_places=0
    )


def _source(label: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AssumptionsForm(DsForm):
    value_per_success = _amount(
        _("Value per success"), _("What society gains when one participant succeeds, in whole units of the currency.")
    )
    value_source = _source(_("Source of the value per success"))
    cost_per_participant = _amount(_("Cost per participant"), _("What the work costs for one participant."))
    cost_source = _source(_("Source of the cost per participant"))
    comparison_percent = forms.DecimalField(
        label=_("Success rate of the comparison (%)"),
        help_text=_("The share who would have succeeded without the work, from 0 to 100."),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    comparison_source = _source(_("Source of the comparison's success rate"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    note = forms.CharField(
        label=_("Why you change it"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FiguresForm(DsForm):
    """The figures of the gain: how many took part, and how many of those followed up succeeded."""

    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=MAX_PEOPLE, initial=100)
    followed = forms.IntegerField(label=_("Followed up after 3 months"), min_value=0, max_value=MAX_PEOPLE, initial=100)
    successes = forms.IntegerField(
        label=_("Of them in work or education"), min_value=0, max_value=MAX_PEOPLE, initial=40
    )
    #: Which version of the assumptions to work it out with; empty: the current one.
    version = forms.IntegerField(label=_("Version of the assumptions"), min_value=1, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        successes, followed = data.get("successes"), data.get("followed")
        if successes is not None and followed is not None and successes > followed:
            self.add_error("successes", _("There cannot be more in work or education than were followed up."))
        return data


#: The figures the page starts from: 40 of 100, the success rate the Exit memo's gain was computed at.
EXAMPLE = {"participants": 100, "followed": 100, "successes": 40}


class StartForm(DsForm):
    """A programme to give assumptions of its own (those without a line, in a country with one)."""

    programme = InRangeModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("programme").queryset = programmes_to_start()
