"""Who a piece of free text is written for: a message in the group thread, a meeting's minutes, a decision.

Kept apart from ``access.policy`` (in core) so that models can name the choices without importing
the policy (which imports the models). The policy decides who reads which audience.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    #: The person and the prison staff responsible for the case: the rule without consent (DOMAIN §5).
    STAFF = "staff", _("Only the person and the prison staff of the case")
    #: And the members the active consent covers (volunteers only see what the person shares with them).
    COVERED = "covered", _("The person, the prison staff and the members the consent covers")
    #: Everyone in the group: practical matters only (time, place), nothing about needs.
    GROUP = "group", _("Everyone in the group (practical matters only, nothing about needs)")


#: The same choices as the person reads them (issue 18: second person, plain words); same values, same rule.
PERSON_LABELS = {
    Audience.STAFF: _("Only you and the prison staff who have your case"),
    Audience.COVERED: _("You, the prison staff and the people you said yes to"),
    Audience.GROUP: _("Everyone in your group. Only write about practical things, like time and place."),
}


def audience_labels(*, for_person: bool) -> dict[str, str]:
    """The label of each audience value: the person's own wording, or the staff's."""
    labels = PERSON_LABELS if for_person else dict(Audience.choices)
    return {str(value): str(label) for value, label in labels.items()}


class VolunteerItem(models.TextChoices):
    """What the person may show the volunteers of their group, item by item (seed 002, peer mentors).

    Needs are chosen one by one on the need itself (``Need.shared_with_volunteers``).
    """

    RELEASE_DATE = "release_date", _("My expected release date")
    NEXT_MEETINGS = "next_meetings", _("When and where my meetings are")
    GROUP_MEMBERS = "group_members", _("Who is in my group")
    GROUP_MESSAGES = "group_messages", _("Messages and minutes written for everyone in the group")


class AudienceField(forms.ChoiceField):
    """The author's choice of who reads a text; left empty, the consent's rule (``Audience.COVERED``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Who reads it"))
        kwargs.setdefault("help_text", _("The names under “Who will read what you write” are who reads it now."))
        super().__init__(
            choices=Audience.choices, initial=Audience.COVERED, required=False, widget=forms.RadioSelect, **kwargs
        )

    def speak_to_the_person(self) -> None:
        """The same choices in the person's words (issue 18), for a form the person fills in."""
        self.choices = list(audience_labels(for_person=True).items())
        self.help_text = _("The names below read it now.")

    def clean(self, value):
        return super().clean(value) or Audience.COVERED
