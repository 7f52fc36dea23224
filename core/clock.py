"""The one clock: every "today" and "now" comes from Django's timezone module.

Application code, the demo world, the population generator, the management commands and
the tests read the time only through ``django.utils.timezone.now()`` and
``timezone.localdate()`` (``core/tests/test_clock.py`` scans the code for anything else).

Outside production the whole process can be moved to another day: ``OVERGANG_TODAY=2027-03-27``
(or a moment, ``2027-03-28T01:30``, read in Europe/Oslo) makes every clock in the process
start there and run on. It is read when Django starts (``core.apps``), so the test runner,
the gunicorn server the browser tests start, ``manage.py seed_demo`` and ``runserver`` all
live on the same day. The travelling is done by the time-machine library, which replaces
the C-level clock functions; nothing here patches Python by hand. Production settings refuse
to start with the variable set (``overgang/settings.py``).
"""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import time_machine

ENVIRONMENT_VARIABLE = "OVERGANG_TODAY"
#: A day given without a time starts at ten in the morning, local time: a working hour,
#: away from the night summer time starts or ends.
DEFAULT_TIME = datetime.time(10, 0)
LOCAL_ZONE = ZoneInfo("Europe/Oslo")

_traveller: time_machine.travel | None = None


def parse_today(value: str) -> datetime.datetime:
    """Return the aware moment an ``OVERGANG_TODAY`` value names; ValueError if it names none."""
    text = value.strip()
    try:
        if "T" in text or " " in text:
            moment = datetime.datetime.fromisoformat(text)
        else:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), DEFAULT_TIME)
    except ValueError as error:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must be a date (2027-03-27) or a moment, not {value!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment


def requested_today() -> datetime.datetime | None:
    """Return the moment ``OVERGANG_TODAY`` asks for, or None when it is not set."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return parse_today(value) if value else None


def travel_from_environment() -> datetime.datetime | None:
    """Move this process's clocks to ``OVERGANG_TODAY`` once; return the moment, or None."""
    global _traveller
    moment = requested_today()
    if moment is None or _traveller is not None:
        return moment
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    return moment
