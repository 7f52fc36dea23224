from django import forms
from django.utils.translation import gettext_lazy as _

from core.audience import AudienceField
from core.forms import DsForm


class MessageForm(DsForm):
    body = forms.CharField(label=_("Message to the group"), widget=forms.Textarea(attrs={"rows": 3}))
    audience = AudienceField()
