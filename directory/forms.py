from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DsForm
from directory.selectors import SearchFilters
from reference.models import LifeArea


class SearchForm(DsForm):
    """Search the directory by words, life area, municipality, inside or outside, and open now."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    life_area = forms.ChoiceField(label=_("Life area"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    setting = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("", _("Inside or outside")),
            ("inside", _("Inside the prison")),
            ("outside", _("Outside the prison")),
        ],
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, *args: Any, life_areas: list[LifeArea], municipalities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("life_area").choices = [("", _("Every life area")), *((a.slug, a.name) for a in life_areas)]
        self.choice_field("municipality").choices = [("", _("Every municipality")), *((m, m) for m in municipalities)]

    def filters(self) -> SearchFilters:
        """The filters asked for; none for a form that does not validate."""
        if not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(
            words=data["q"],
            life_area=data["life_area"],
            municipality=data["municipality"],
            setting=data["setting"],
            open_now=data["open_now"],
        )


class ReferralForm(DsForm):
    shared = forms.CharField(
        label=_("What the person agreed to share with the service"), widget=forms.Textarea(attrs={"rows": 3})
    )
    person_agreed = forms.BooleanField(label=_("The person has agreed to this referral"), required=False)


class AnswerForm(DsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeclineForm(AnswerForm):
    reason = forms.CharField(label=_("Why not"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(DsForm):
    """A button: the entry was checked today."""
