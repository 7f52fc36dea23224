from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Membership
from core.audience import AudienceField
from core.forms import DateInput, DsForm, InRangeModelChoiceField
from plans.forms import ProposalForm
from plans.models import Measure, MeasureStatus


class AttendanceForm(DsForm):
    membership = InRangeModelChoiceField(label=_("Member"), queryset=Membership.objects.all())
    present = forms.TypedChoiceField(
        label=_("Attendance"),
        choices=[("1", _("Present")), ("0", _("Absent"))],
        coerce=lambda value: value == "1",
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any membership id is accepted here; the service refuses one who was not a member that day.
        self.model_choice_field("membership").queryset = Membership.objects.select_related("user", "agency")
        self.members = members
        self.fields["membership"].widget.choices = [("", "---------")] + [
            (member.pk, f"{member.user.display_name}, {member.agency.name}") for member in members
        ]


class MinutesForm(DsForm):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    audience = AudienceField()
    person_attended = forms.BooleanField(label=_("The person attended"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(DsForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    audience = AudienceField()
    measure = InRangeModelChoiceField(label=_("Changes the measure"), queryset=Measure.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", "---------")] + [(s.value, s.label) for s in MeasureStatus if s not in {MeasureStatus.PROPOSED}],
    )
    due_date = forms.DateField(label=_("New due date"), required=False, widget=DateInput)

    def __init__(self, *args, measures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("measure").queryset = measures


class DecisionNewMeasureForm(ProposalForm):
    """A decision that creates a measure: the decision text and a concrete proposal."""

    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    audience = AudienceField()
    field_order = ["decision", "audience"]


class NeedReviewForm(DsForm):
    """Mark one need as gone through at a handover review."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasureReassignForm(DsForm):
    """Give a measure whose responsible member leaves to a member who stays."""

    responsible_user = forms.TypedChoiceField(label=_("New responsible person"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, takers: list[Membership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices from the members already read for the page, so each form costs no query.
        self.choice_field("responsible_user").choices = [("", "---------")] + [
            (member.user_id, f"{member.user.display_name}, {member.agency.name}") for member in takers
        ]


class MeasureCloseForm(DsForm):
    """Close a measure whose responsible member leaves, with the reason."""

    reason = forms.CharField(label=_("Why is it closed?"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
