"""The report's choice of scope and period (GET): validated here; who may ask for which scope is ``access.insight``."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DsForm

#: The longest period a report counts over (ten years): a bound on the work one request asks for.
LONGEST = datetime.timedelta(days=3660)
#: The longest scope's name («unit:<prison>:<unit>», a unit's name being at most 100 characters).
MAX_SCOPE = 120


class ReportForm(DsForm):
    scope = forms.CharField(label=_("Scope"), max_length=MAX_SCOPE, widget=forms.Select)
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                self.add_error("end", _("The period ends on or after its start."))
            elif end - start > LONGEST:
                self.add_error("end", _("Choose a period of ten years or less."))
        return data
