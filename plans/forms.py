from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateInput, DsForm, InRangeModelChoiceField
from needs.forms import NeedsChoiceField
from needs.models import Need
from plans.models import MeasureStatus


class ResponsibleChoiceField(InRangeModelChoiceField):
    """A member's user, by name and agency."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}, {obj.agency}"


class ProposalForm(DsForm):
    """A concrete proposal: what, for which needs, who, when, and what it asks of the person."""

    title = forms.CharField(label=_("What"), max_length=200)
    needs = NeedsChoiceField(
        label=_("Needs it answers"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one need the measure answers.")},
    )
    responsible_user = ResponsibleChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    due_date = forms.DateField(label=_("Due"), widget=DateInput)
    requires_of_person = forms.CharField(
        label=_("What it requires of the person"), widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, needs, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("needs").queryset = needs
        self.model_choice_field("responsible_user").queryset = User.objects.filter(
            pk__in=members.values("user_id")
        ).select_related("agency")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start date."))
        return data


class MeasureEditForm(ProposalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(DsForm):
    status = forms.ChoiceField(choices=MeasureStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    with_person = forms.BooleanField(label=_("Decided together with the person"), required=False)


class NoteForm(DsForm):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
