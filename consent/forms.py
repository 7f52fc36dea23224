from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cases.models import Membership
from core.forms import DateInput, DsForm, InRangeModelChoiceField, InRangeModelMultipleChoiceField


class ExplainedByChoiceField(InRangeModelChoiceField):
    """A member of the group, by name."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.display_name


class ScopeChoiceField(InRangeModelMultipleChoiceField):
    """Members of the group, each with their role and agency."""

    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.display_name} – {obj.get_role_display()}, {obj.agency.name}"


class ConsentForm(DsForm):
    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput)
    explained_by = ExplainedByChoiceField(label=_("Explained by"), queryset=Membership.objects.none())
    scope = ScopeChoiceField(
        label=_("Who the consent covers"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who may see the needs map and the plan. Private needs stay private."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("explained_by").queryset = members
        self.model_choice_field("scope").queryset = members.exclude(case__lead_id=F("pk"))


class WithdrawForm(DsForm):
    note = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "withdraw_%s")  # shares the consent page with ConsentForm: unique ids
        super().__init__(*args, **kwargs)
