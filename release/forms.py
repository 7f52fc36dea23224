from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Membership
from core.forms import DateInput, DsForm
from release.models import ReadinessState


class ItemForm(DsForm):
    """Change one readiness item: who owns it, its state and a note."""

    # The choices only fill the list; the service decides whether the owner may own it.
    owner = forms.IntegerField(label=_("Owner"), required=False, widget=forms.Select)
    state = forms.ChoiceField(label=_("State"), choices=ReadinessState.choices)
    # The item the form edits, set by release.views so the page can match the form to its row.
    item_id: int
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, members: list[Membership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = [("", _("No owner"))] + [
            (member.pk, f"{member.user.display_name} – {member.get_role_display()}") for member in members
        ]


def item_form(item, members: list[Membership], data=None) -> ItemForm:
    """The edit form of one item, with a prefix so that every item's fields have their own ids."""
    return ItemForm(
        data,
        members=members,
        prefix=f"item-{item.pk}",
        initial={"owner": item.owner_id, "state": item.state, "note": item.note, "version": item.version},
    )


class SuddenForm(DsForm):
    """Record a release at short notice."""

    on = forms.DateField(label=_("Released on"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Why at short notice"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: released from remand, or an early decision."),
    )
