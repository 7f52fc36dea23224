from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import LegalStatus
from core.forms import DateInput, DateTimeInput, DsForm
from summons.models import ExistingKind, Language, Topic


class SummonedForm(DsForm):
    """Register a sentenced person who waits to serve (POP step 0)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput)
    national_id = forms.CharField(
        label=_("National identity number (optional)"),
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    home_municipality = forms.CharField(label=_("Home municipality"), max_length=100)
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=[
            (LegalStatus.SENTENCED, LegalStatus.SENTENCED.label),
            (LegalStatus.COMMUNITY, LegalStatus.COMMUNITY.label),
        ],
    )
    intake_date = forms.DateField(label=_("Expected start of the sentence"), widget=DateInput)
    # As the judgment states it (issue 17, point 4).
    sentence_years = forms.IntegerField(label=_("Sentence: years"), min_value=0, max_value=30, required=False)
    sentence_months = forms.IntegerField(label=_("Sentence: months"), min_value=0, max_value=120, required=False)
    sentence_days = forms.IntegerField(label=_("Sentence: days"), min_value=0, max_value=10000, required=False)


class SummonsForm(DsForm):
    """The summons: when and where, what to bring, whom to ask, what to prepare."""

    meet_at = forms.DateTimeField(label=_("Meet at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Prison or office"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    bring = forms.CharField(
        label=_("What to bring"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    contact_hours = forms.CharField(label=_("When to call"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language of the letter"), choices=Language.choices)
    topics = forms.MultipleChoiceField(
        label=_("What the person should prepare"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose what fits the person's situation."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TickForm(DsForm):
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ExistingGroupForm(DsForm):
    """The group the home municipality already has around the person: its kind, members and IP coordinator.

    The members are offered from the users the group form offers for the case (its home
    municipality's and prison's agencies first, ``cases.forms.member_candidates``).
    """

    kind = forms.ChoiceField(label=_("Kind of group"), choices=ExistingKind.choices)
    members = forms.MultipleChoiceField(label=_("Members"), choices=[], widget=forms.CheckboxSelectMultiple)
    coordinator = forms.ChoiceField(label=_("IP coordinator (if any)"), choices=[], required=False)

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(user.pk): user for user in candidates}
        choices = [(pk, f"{user.display_name} – {user.agency}") for pk, user in self.users.items()]
        self.fields["members"].choices = choices  # type: ignore[attr-defined]
        self.fields["coordinator"].choices = [("", "---------"), *choices]  # type: ignore[attr-defined]

    def clean_members(self):
        return [self.users[pk] for pk in self.cleaned_data["members"]]

    def clean_coordinator(self):
        pk = self.cleaned_data["coordinator"]
        return self.users[pk] if pk else None
