"""The analyst's form to take a measurement: the period (issue 22, point 2)."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DsForm

#: The longest period one measurement counts.
LONGEST = datetime.timedelta(days=366 * 10)


class TakeForm(DsForm):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends on or after its start."))
            elif end > timezone.localdate():
                self.add_error("end", _("A period cannot end after today."))
            elif end - start > LONGEST:
                self.add_error("start", _("A measurement counts at most ten years."))
        return data
