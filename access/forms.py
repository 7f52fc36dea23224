"""The form to open a case with a reason chosen from a list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from access.policy import reasons_for
from accounts.models import User
from core.forms import DsForm


class ReasonForm(DsForm):
    reason = forms.ChoiceField(
        label=_("Why do you open the case?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the reasons in the list."),
            "invalid_choice": _("Choose one of the reasons in the list."),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("reason").choices = reasons_for(user)
