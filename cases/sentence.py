"""A sentence's length as the judgment states it: years, months and days, counted by the calendar.

Issue 17, point 4. A judgment says "8 months" or "1 year", not a number of days, and a
year is not always 365 days. The term is counted from the start of the sentence to the
same date so many years and months later (the last day of the month where that date
does not exist, so 1 month from 31 January ends on the last day of February), then the
days are added; the length in days is the days between the two dates. This is how a
term in months or years runs by the calendar in Norwegian and Danish law; the sources
the road cites for the milestones (straffeloven § 83 and straffegjennomføringsloven
§ 42 in Norway, straffeloven §§ 38 and 40 a in Denmark; DOMAIN.md §7) reckon from that
length. Neither DOMAIN.md nor the seeds state the counting rule itself. For Denmark it is
written down: straffeloven § 33, stk. 4 (a sentence under three months is given in days,
otherwise in months and years) and the strafberegningsbekendtgørelse (BEK nr. 411 af
9. april 2015) § 2 (a sentence in days counts each day as a calendar date, one in months
counts calendar months) and § 1, stk. 3 (the term runs out at the start of the day). For
Norway the same calendar reckoning is assumed and not verified against the regulations
to straffegjennomføringsloven: check it on Lovdata before relying on a single day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import ngettext

NOMINAL_START = datetime.date(2001, 1, 1)


@dataclass(frozen=True)
class Term:
    """The sentence as the judgment states it."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def given(self) -> bool:
        return bool(self.years or self.months or self.days)

    def end(self, start: datetime.date) -> datetime.date:
        """The day the term has run from the start: the same date so many years and months on, plus the days."""
        return start + relativedelta(years=self.years, months=self.months) + datetime.timedelta(days=self.days)

    def length_days(self, start: datetime.date) -> int:
        """The term in days, counted by the calendar from the start."""
        return (self.end(start) - start).days

    @property
    def nominal_days(self) -> int:
        """The term in days of common years, for rules that name a length in days.

        A rule "for sentences of up to a year" is kept as "up to 365 days" (seed 002, God
        Løsladelse: «dommer på et år eller kortere»); a year that holds a 29 February is
        still one year. Counted from 1 January 2001, which has no 29 February for three years.
        """
        return self.length_days(NOMINAL_START)

    @property
    def text(self) -> str:
        """The term in words, in the reader's language: "1 year, 6 months", "8 months", "540 days"."""
        parts = []
        if self.years:
            parts.append(ngettext("%(n)s year", "%(n)s years", self.years) % {"n": self.years})
        if self.months:
            parts.append(ngettext("%(n)s month", "%(n)s months", self.months) % {"n": self.months})
        if self.days or not parts:
            parts.append(ngettext("%(n)s day", "%(n)s days", self.days) % {"n": self.days})
        return ", ".join(parts)
