from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DsForm, InRangeModelChoiceField
from timetable.engine import notice_receiver
from timetable.models import NoticeRecipient, RuleSet


class ReleaseNoticeForm(DsForm):
    recipient = forms.ChoiceField(label=_("Who was told"), choices=NoticeRecipient.choices)
    release_date = forms.DateField(label=_("Release date they were told"), widget=DateInput())
    told_on = forms.DateField(label=_("Told on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, country: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A Danish case tells the jobcenter, not NAV (engine.notice_receiver).
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = [(value, capfirst(notice_receiver(value, country))) for value in NoticeRecipient.values]


class CaseRuleSetForm(DsForm):
    rule_set = InRangeModelChoiceField(label=_("Rule set"), queryset=RuleSet.objects.none())
    reason = forms.CharField(label=_("Why this case follows another rule set"), max_length=300)

    def __init__(self, *args, country: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("rule_set").queryset = RuleSet.objects.filter(country=country)
