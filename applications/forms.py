from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from applications.models import ApplicationKind, Outcome
from applications.services import NEEDS_REASON, REASON_REQUIRED
from core.forms import DateInput, DsForm, InRangeModelChoiceField

WHO_APPLIED = [("person", _("The person")), ("staff", _("Staff, on the person's behalf"))]


class ApplicationForm(DsForm):
    kind = forms.ChoiceField(label=_("What is applied for"), choices=ApplicationKind.choices)
    who = forms.ChoiceField(label=_("Who applied"), choices=WHO_APPLIED, widget=forms.RadioSelect, initial="person")
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput())
    decides = InRangeModelChoiceField(label=_("Who decides"), queryset=Agency.objects.none(), required=False)
    expected_answer = forms.DateField(label=_("Answer expected by"), widget=DateInput(), required=False)
    next_step = forms.CharField(
        label=_("What happens next"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )

    def __init__(self, *args, agencies: QuerySet[Agency], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("decides").queryset = agencies


class DecisionForm(DsForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[choice for choice in Outcome.choices if choice[0] != Outcome.PENDING]
    )
    decided_on = forms.DateField(label=_("Decision date"), widget=DateInput())
    reached_on = forms.DateField(label=_("The decision reached the person on"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required for a refusal or a partial yes."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    next_step = forms.CharField(
        label=_("What happens next"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def clean(self):
        data = super().clean() or {}
        if data.get("outcome") in NEEDS_REASON and not (data.get("reason") or "").strip():
            self.add_error("reason", ValidationError(REASON_REQUIRED))
        return data
