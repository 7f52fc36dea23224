"""Working days and public holidays in a case's country (Norway, Denmark, Sweden).

Dates that are legal deadlines are counted in the calendar of the case's country; the
public holidays come from the maintained ``holidays`` package, never from a list of our
own. Saturdays and Sundays are never working days.

A working day is also one on which the public offices that must act are open. In Denmark
the state's and the municipalities' offices (Kriminalforsorgen, jobcenter, kommune) are
closed on Constitution Day (5 June), Christmas Eve and New Year's Eve, which are not public
holidays by law but days off by the public sector's agreements; the ``holidays`` package
lists them in its "optional" category for Denmark, and only those three are taken from it
(1 May, also listed there, is a day off only under some agreements). In Norway Christmas
Eve and New Year's Eve are half days in the state, so they remain working days; Sweden
follows its public holidays.
"""

import datetime
from functools import lru_cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


#: Days off for the public offices besides the public holidays, as (month, day), by country.
OFFICES_CLOSED = {"DK": frozenset({(6, 5), (12, 24), (12, 31)})}


@lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays(country, years=year))


@lru_cache(maxsize=256)
def _days_off(country: str, year: int) -> frozenset[datetime.date]:
    by_agreement = OFFICES_CLOSED.get(country, frozenset())
    closed: frozenset[datetime.date] = frozenset()
    if by_agreement:
        listed = holidays.country_holidays(country, years=year, categories=("optional",))
        closed = frozenset(day for day in listed if (day.month, day.day) in by_agreement)
    return _public_holidays(country, year) | closed


def is_public_holiday(day: datetime.date, country: str) -> bool:
    """Return whether the day is a public holiday by law in the country (ISO code: NO, DK, SE)."""
    return day in _public_holidays(country, day.year)


def is_day_off(day: datetime.date, country: str) -> bool:
    """Return whether the public offices are closed all day: a public holiday, or a day off by agreement."""
    return day in _days_off(country, day.year)


def is_working_day(day: datetime.date, country: str) -> bool:
    """Return whether the day is a weekday on which the country's public offices are open."""
    return day.weekday() < 5 and not is_day_off(day, country)


def add_working_days(day: datetime.date, n: int, country: str) -> datetime.date:
    """Return the n-th working day after the day (before it, for negative n).

    The day itself is never counted. With n = 0 the day is returned if it is a working
    day, otherwise the next working day, so the result is always a working day.
    """
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    if remaining == 0:
        while not is_working_day(day, country):
            day += ONE_DAY
        return day
    while remaining:
        day += step
        if is_working_day(day, country):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, country: str) -> int:
    """Count the working-day steps from start to end, the inverse of :func:`add_working_days`.

    Forwards, the working days after start up to and including end; backwards, the
    negative count of the working days from end up to but excluding start.
    """
    step = ONE_DAY if end >= start else -ONE_DAY
    count = 0
    day = start
    while day != end:
        day += step
        if is_working_day(day, country):
            count += 1
    return count if end >= start else -count
