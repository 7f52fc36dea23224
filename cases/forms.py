from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import GROUP_ROLES, SecurityLevel, User
from cases.models import FollowUpPhase, LegalStatus
from cases.validation import case_fact_errors
from core.forms import DateInput, DateTimeInput, DsForm, InRangeModelChoiceField, id_out_of_range
from meetings.models import MeetingKind
from reference.models import LifeArea

#: The national identity number's length where the prison is: the Norwegian fødselsnummer has
#: 11 digits, the Danish CPR number 10, the Swedish personnummer 10 or 12.
NATIONAL_ID_HELP = {
    "NO": _("11 digits. Checked, stored safely, never shown in addresses or logs."),
    "DK": _("10 digits (CPR number). Checked, stored safely, never shown in addresses or logs."),
    "SE": _("10 or 12 digits. Checked, stored safely, never shown in addresses or logs."),
}


class IntakeForm(DsForm):
    """Register a person and a case at intake (POP step 1)."""

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
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    security_level = forms.ChoiceField(label=_("Security level"), choices=SecurityLevel.choices)
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices)
    intake_date = forms.DateField(label=_("Intake date"), widget=DateInput)
    sentence_start = forms.DateField(label=_("Sentence start"), required=False, widget=DateInput)
    # As the judgment states it (issue 17, point 4): "1 year", "8 months", "1 year and 14 days".
    sentence_years = forms.IntegerField(label=_("Sentence: years"), min_value=0, max_value=30, required=False)
    sentence_months = forms.IntegerField(label=_("Sentence: months"), min_value=0, max_value=120, required=False)
    sentence_days = forms.IntegerField(
        label=_("Sentence: days"),
        min_value=0,
        max_value=10000,
        required=False,
        help_text=_("As the judgment states it, for example 1 year, or 8 months. Counted by the calendar."),
    )
    remand_days = forms.IntegerField(label=_("Days on remand"), min_value=0, initial=0)
    isolation_days = forms.IntegerField(
        label=_("Days in full isolation on remand"), min_value=0, initial=0, required=False
    )
    expected_release = forms.DateField(
        label=_("Expected release date"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if the date is not known, as often on remand."),
    )
    acute_life_area = InRangeModelChoiceField(
        label=_("Acute need: life area"), queryset=LifeArea.objects.none(), required=False
    )
    acute_need = forms.CharField(
        label=_("Acute need: what is needed now"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_meeting_at = forms.DateTimeField(
        label=_("Next meeting (needs conversation)"), required=False, widget=DateTimeInput
    )
    next_meeting_place = forms.CharField(label=_("Place of the next meeting"), max_length=200, required=False)

    def __init__(self, *args, country: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["national_id"].help_text = NATIONAL_ID_HELP.get(country, NATIONAL_ID_HELP["NO"])
        self.model_choice_field("acute_life_area").queryset = LifeArea.objects.filter(active=True).select_related(
            "tangle"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["isolation_days"] = data.get("isolation_days") or 0
        for field, messages in case_fact_errors(data, self.country).items():
            for message in messages:
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        if data.get("acute_need") and not data.get("acute_life_area"):
            self.add_error("acute_life_area", _("Choose the life area of the acute need."))
        if data.get("next_meeting_at") and not data.get("next_meeting_place"):
            self.add_error("next_meeting_place", _("Give a place for the next meeting."))
        return data


MEMBER_CHOICES_LIMIT = 25


def eligible_members() -> QuerySet[User]:
    """Users who may be added to a group: active, in a group role, belonging to an agency."""
    return User.objects.filter(is_active=True, role__in=GROUP_ROLES, agency__isnull=False)


class MemberChoiceField(InRangeModelChoiceField):
    """Offer a short list of candidates, but accept any eligible user on submit.

    At national scale there are thousands of eligible users; the page lists at most
    MEMBER_CHOICES_LIMIT of them (local agencies first, or the search's matches).
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if id_out_of_range(eligible_members(), value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return eligible_members().select_related("agency").get(pk=value)
        except (ValueError, TypeError, User.DoesNotExist) as error:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error

    def validate(self, value) -> None:
        forms.Field.validate(self, value)

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} – {obj.get_role_display()}, {obj.agency}"


class MemberAddForm(DsForm):
    """Add a user of an agency to the responsibility group."""

    user = MemberChoiceField(label=_("Member"), queryset=User.objects.none())
    purpose = forms.CharField(label=_("What they help with"), max_length=200, required=False)
    start_date = forms.DateField(label=_("From"), required=False, widget=DateInput, help_text=_("Empty: today."))
    end_date = forms.DateField(
        label=_("Until"), required=False, widget=DateInput, help_text=_("Empty: until they leave the group.")
    )

    def __init__(self, *args, case=None, search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("user").queryset = member_candidates(case, search)


def member_candidates(case, search: str = ""):
    """Return at most MEMBER_CHOICES_LIMIT users to offer: the search's matches, or local agencies."""
    from django.db.models import Q

    candidates = eligible_members().select_related("agency")
    terms = search.split()[:4]
    if terms:
        for term in terms:
            candidates = candidates.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(username__icontains=term)
                | Q(agency__name__icontains=term)
            )
    elif case is not None:
        candidates = candidates.filter(
            Q(agency__municipality__iexact=case.home_municipality)
            | Q(agency__municipality__iexact=case.institution.municipality)
        )
    if case is not None:
        candidates = candidates.exclude(memberships__case=case, memberships__end_date__isnull=True)
    # One query: no filter above joins a multi-valued relation, so no row repeats.
    return candidates.order_by("agency__name", "last_name", "first_name")[:MEMBER_CHOICES_LIMIT]


class MeetingForm(DsForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Time"), widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=480, initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    person_attends = forms.BooleanField(label=_("The person attends"), required=False)
    repeat_every_days = forms.IntegerField(
        label=_("Repeat every (days)"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_(
            "Leave empty for a single meeting. Meetings with the person and the group are held at fixed intervals."
        ),
    )
    occurrences = forms.IntegerField(
        label=_("Number of meetings"), min_value=1, max_value=26, initial=1, required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("place") and not data.get("video_link") and not self.errors:
            self.add_error("place", _("Give a place or a video link."))
        data["occurrences"] = data.get("occurrences") or 1
        if data["occurrences"] > 1 and not data.get("repeat_every_days"):
            self.add_error("repeat_every_days", _("Give the interval between the meetings of the series."))
        return data


class FollowUpPhaseForm(DsForm):
    """Move the follow-up after release to its next phase."""

    phase = forms.ChoiceField(label=_("Phase of the follow-up"), choices=FollowUpPhase.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "phase_%s")  # unique ids beside the closing form on the overview
        super().__init__(*args, **kwargs)


class CloseCaseForm(DsForm):
    """Close the case; the reason is required and kept."""

    reason = forms.CharField(
        label=_("Why is the case closed?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service gives the message, so the form and the service agree
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)


class CarryOverAskForm(DsForm):
    """Ask to carry over the person's earlier case: what, for the person (and its staff) to agree to."""

    needs_and_plan = forms.BooleanField(
        label=_("The open needs and the unfinished plan (never a private need)"), required=False, initial=True
    )
    group = forms.BooleanField(label=_("The group: its members are invited again and accept anew"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "carry_over_%s")
        super().__init__(*args, **kwargs)


class CarryOverAnswerForm(DsForm):
    """Agree or not to a carry-over; a refusal by the earlier case's staff says why."""

    agree = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Why not?"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
