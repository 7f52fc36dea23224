from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, AgencyKind, User
from cases.forms import MemberChoiceField, member_candidates
from core.forms import DateInput, DsForm, InRangeModelChoiceField
from handover.models import TransitionKind


class TransitionForm(DsForm):
    """Plan a transfer, a move to probation or a release (POP step 7)."""

    kind = forms.ChoiceField(label=_("What happens"), choices=TransitionKind.choices)
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput)
    to_agency = InRangeModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("The prison, probation office or municipality that takes over."),
    )
    to_unit = forms.CharField(label=_("Receiving unit"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("to_agency").queryset = Agency.objects.filter(
            country=case.country, kind__in=[AgencyKind.PRISON, AgencyKind.PROBATION, AgencyKind.MUNICIPALITY]
        ).order_by("kind", "name")


class InviteForm(DsForm):
    """Invite an incoming actor for the transition, or count a current member as incoming."""

    user = MemberChoiceField(label=_("Incoming actor"), queryset=User.objects.none())
    purpose = forms.CharField(label=_("What they take over"), max_length=200, required=False)

    def __init__(self, *args, case, search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = User.objects.filter(
            memberships__case=case, memberships__end_date__isnull=True, memberships__accepted_at__isnull=False
        ).exclude(memberships__pk=case.lead_id)
        candidates = list(member_candidates(case, search)) + list(current.select_related("agency"))
        self.model_choice_field("user").queryset = User.objects.filter(
            pk__in=[user.pk for user in candidates]
        ).select_related("agency")


class CompleteForm(DsForm):
    on = forms.DateField(label=_("It happened on"), widget=DateInput, initial=timezone.localdate)
    early_reason = forms.CharField(
        label=_("If it happened before the planned date: why?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service asks for it only when the date is early
    )


class CancelForm(DsForm):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
