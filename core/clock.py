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
import sys
import time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

# time-machine is a development and test dependency (requirements-dev.txt): production refuses
# OVERGANG_TODAY, so it is imported only when a process is asked to travel, and a production
# install, which does not have it, never imports it.
if TYPE_CHECKING:
    import time_machine

ENVIRONMENT_VARIABLE = "OVERGANG_TODAY"
#: The machine's own time (UNIX seconds) at which ``OVERGANG_TODAY`` was the moment: set for a
#: process another one starts (``child_environment``), so every process of a run keeps the same
#: distance from the machine's clock, however long each took to start.
SINCE_VARIABLE = "OVERGANG_TODAY_SINCE"
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


def machine_time() -> float:
    """The machine's own clock in UNIX seconds, also while this process travels.

    The one read of it outside ``django.utils.timezone``: only to carry a moved clock from one
    process to the next.
    """
    # Nothing can travel in a process that has not imported time-machine (a production one).
    loaded = sys.modules.get("time_machine")
    if loaded is not None and loaded.escape_hatch.is_travelling():
        return float(loaded.escape_hatch.time.time())
    return time.time()


def requested_today() -> datetime.datetime | None:
    """Return the moment ``OVERGANG_TODAY`` asks for now, or None when it is not set.

    With ``OVERGANG_TODAY_SINCE`` the moment has run on since then, as the machine's clock has.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    moment = parse_today(value)
    since = os.environ.get(SINCE_VARIABLE, "").strip()
    if since:
        moment += datetime.timedelta(seconds=machine_time() - float(since))
    return moment


def child_environment() -> dict[str, str]:
    """The variables a process started now needs to live on this process's clock from this moment on.

    Empty when this process lives on the real day. Otherwise the moment this process is at and
    the machine's time now: the child adds the time it took to start, so a server started
    before a command and the command agree on what happened before what.
    """
    if _traveller is None:
        return {}
    return {ENVIRONMENT_VARIABLE: timezone.now().isoformat(), SINCE_VARIABLE: repr(machine_time())}


def travel_from_environment() -> datetime.datetime | None:
    """Move this process's clocks to ``OVERGANG_TODAY`` once; return the moment, or None."""
    global _traveller
    if requested_today() is None or _traveller is not None:
        return requested_today()
    import time_machine  # here, not at the top: see the comment there

    # The moment is worked out after the import, right before travelling: an import that takes
    # long on a loaded machine would otherwise leave this process that much behind the others.
    moment = requested_today()
    if moment is None:
        return None
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    # time-machine's clock starts ticking at its first read, not at start(): read it now, so a
    # process that reads the time only later (a gunicorn worker before its first request) does
    # not live that much behind the others.
    timezone.now()
    return moment
