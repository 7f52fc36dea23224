"""Appeal deadlines for decisions on the person's applications (issue 18, point 1).

Norway: forvaltningsloven § 29 first paragraph: the time to appeal an administrative decision
is three weeks from the day the notice of the decision reached the party. A last day on a
Saturday, Sunday or public holiday moves to the next working day, as Norwegian time limits
are counted (domstolloven § 149), with the holidays of ``core.workdays``.

Only the Norwegian rule is recorded here; for a case in another country no deadline is
computed and the page says to ask the contact officer, rather than show a wrong date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.workdays import add_working_days

#: Forvaltningsloven § 29: three weeks from the decision reaching the person.
APPEAL_WEEKS = 3
#: The outcomes a person may appeal: a refusal, or a partial yes.
APPEALABLE_OUTCOMES = frozenset({"refused", "partly"})
#: Kinds decided by a single administrative decision (enkeltvedtak) that forvaltningsloven covers.
#: A place in a programme is offered, not decided by a decision one can appeal.
APPEALABLE_KINDS = frozenset(
    {
        "leave",
        "day_release",
        "lower_security",
        "outside_prison",
        "electronic_control",
        "housing",
        "social_assistance",
        "school_place",
    }
)
APPEAL_RULE = _("Forvaltningsloven § 29: three weeks from the day the decision reached you")


@dataclass(frozen=True)
class AppealDeadline:
    #: The last day to appeal.
    last_day: datetime.date
    #: The rule it follows, as the page shows it.
    rule: StrOrPromise
    #: True when the day the decision reached the person is not recorded and the decision date stands in.
    estimate: bool


def appeal_deadline(
    *,
    kind: str,
    outcome: str,
    decided_on: datetime.date | None,
    reached_on: datetime.date | None,
    country: str,
) -> AppealDeadline | None:
    """The last day to appeal this decision, or None where no appeal applies or no rule is recorded."""
    if country != "NO" or outcome not in APPEALABLE_OUTCOMES or kind not in APPEALABLE_KINDS:
        return None
    start = reached_on or decided_on
    if start is None:
        return None
    last = start + datetime.timedelta(weeks=APPEAL_WEEKS)
    # A deadline never ends on a day the offices are closed: it moves to the next working day.
    last = add_working_days(last, 0, country)
    return AppealDeadline(last_day=last, rule=APPEAL_RULE, estimate=reached_on is None)
