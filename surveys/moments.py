"""When the person is asked (issue 22, point 5): a pure rule, facts in, the moment due out.

- After the plan is made: from the day the first version of the plan was saved.
- At release: from ``RELEASE_AHEAD`` days before the expected release (still inside, where
  the paper form and the screen are at hand), or from the day of release.
- At closing: from the day the follow-up enters its closing phase, or the case is closed.

Only the latest moment reached is asked; an earlier one not answered by then lapses, so the
person never finds a pile of questions. A moment answered (or declined) is not asked again.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from surveys.questions import Moment

#: The release questions open this many days before the expected release.
RELEASE_AHEAD = datetime.timedelta(days=14)


@dataclass(frozen=True)
class Facts:
    plan_made_on: datetime.date | None
    expected_release: datetime.date | None
    released_on: datetime.date | None
    closing: bool


def reached(facts: Facts, today: datetime.date) -> list[str]:
    """The moments reached by today, in their order."""
    moments = []
    if facts.plan_made_on is not None and facts.plan_made_on <= today:
        moments.append(Moment.PLAN.value)
    released = facts.released_on is not None and facts.released_on <= today
    near = facts.expected_release is not None and facts.expected_release - RELEASE_AHEAD <= today
    if released or near:
        moments.append(Moment.RELEASE.value)
    if facts.closing:
        moments.append(Moment.CLOSING.value)
    return moments


def due(facts: Facts, done: Collection[str], today: datetime.date) -> str | None:
    """The moment the person is asked now: the latest reached, unless it is done; else none."""
    moments = reached(facts, today)
    if not moments or moments[-1] in done:
        return None
    return moments[-1]
