from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DsForm
from programmes.models import Answer


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class FactsForm(DsForm):
    expulsion_order = forms.ChoiceField(
        label=_("Expulsion order after the sentence"), choices=Answer.choices, required=False
    )
    gang_ties = forms.ChoiceField(label=_("Ties to a gang or criminal group"), choices=Answer.choices, required=False)
    wants_to_leave_crime = forms.ChoiceField(label=_("Wants to leave crime"), choices=Answer.choices, required=False)
    earlier_sentences = forms.IntegerField(
        label=_("Earlier prison sentences"),
        help_text=_("Leave empty if not known."),
        min_value=0,
        max_value=200,
        required=False,
    )
    version = version_field()


class ApplyForm(DsForm):
    programme = forms.SlugField(widget=forms.HiddenInput)
    person_agrees = forms.BooleanField(label=_("The person has agreed that I apply on their behalf"), required=False)


class InterviewForm(DsForm):
    held_on = forms.DateField(label=_("Intake conversation held on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note from the conversation"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    version = version_field()


DECISIONS = [("accept", _("Accept")), ("refuse", _("Refuse"))]


class DecisionForm(DsForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Decision date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required for a refusal. The person reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    version = version_field()


class PhaseForm(DsForm):
    phase = forms.ChoiceField(label=_("Next phase"), choices=())
    on = forms.DateField(label=_("From"), widget=DateInput())
    version = version_field()

    def __init__(self, *args, phases: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("phase").choices = phases


ENDINGS = [("completed", _("Completed")), ("left_early", _("Left early"))]


class CloseForm(DsForm):
    ending = forms.ChoiceField(label=_("How the programme ended"), choices=ENDINGS, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Ended on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required when the person left early."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    version = version_field()
