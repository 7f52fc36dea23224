from django import forms
from django.utils.translation import gettext_lazy as _

from core.audience import AudienceField
from core.forms import DsForm


class MessageForm(DsForm):
    body = forms.CharField(label=_("Message to the group"), widget=forms.Textarea(attrs={"rows": 3}))
    audience = AudienceField()

    def __init__(self, *args, for_person: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if for_person and isinstance(audience := self.fields["audience"], AudienceField):
            audience.speak_to_the_person()
