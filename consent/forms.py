from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cases.models import Membership
from core.forms import DateInput, DsForm, InRangeModelChoiceField, InRangeModelMultipleChoiceField


class ConsentForm(DsForm):
    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput)
    explained_by = InRangeModelChoiceField(label=_("Explained by"), queryset=Membership.objects.none())
    scope = InRangeModelMultipleChoiceField(
        label=_("Who the consent covers"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who may see the needs map and the plan. Private needs stay private."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("explained_by").queryset = members
        self.model_choice_field("explained_by").label_from_instance = lambda m: m.user.display_name
        self.model_choice_field("scope").queryset = members.exclude(case__lead_id=F("pk"))
        self.model_choice_field("scope").label_from_instance = lambda m: (
            f"{m.user.display_name} – {m.get_role_display()}, {m.agency.name}"
        )


class WithdrawForm(DsForm):
    note = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "withdraw_%s")  # shares the consent page with ConsentForm: unique ids
        super().__init__(*args, **kwargs)
