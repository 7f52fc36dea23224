from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.forms import DsForm
from ownwords.models import MAX_SUITS, MAX_TEXT

#: Said by the form (and, again, by the service) when nothing is written or too much.
EMPTY = _("Write something first. Nothing was saved.")
TOO_LONG = _("You wrote too much. Use at most %(limit_value)d characters. Nothing was saved.")


def text_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": EMPTY, "max_length": TOO_LONG},
    )


class WordsForm(DsForm):
    text = text_field(_("Your words"))


class MeetingRequestForm(DsForm):
    text = text_field(_("What do you want to talk about?"))
    suits = forms.CharField(
        label=_("When suits you?"),
        help_text=_("For example: Tuesday morning. You can leave this empty."),
        max_length=MAX_SUITS,
        required=False,
        error_messages={"max_length": _("Use at most %(limit_value)d characters. Nothing was saved.")},
    )
