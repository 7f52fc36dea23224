"""The gain of the work for a scope, with a low and a high estimate (issue 22, point 4).

For ``n`` participants, of whom a share ``p`` succeeded (in work or education three months after
release, the Exit programme's measure: seed 003), with the assumptions' value per success ``V``,
cost per participant ``C`` and success rate of the comparison ``p0``:

    gain = n × ((p − p0) × V − C)

The success beyond the comparison is what the work is credited with; what it costs is taken off.
The central estimate takes ``p`` as measured (successes / followed up); the low and the high take
the ends of the 95 % Wilson score interval of ``p`` (Wilson, 1927), so they say how far the gain
may be off by chance alone, not whether the assumptions hold. The gain grows with ``p`` (V ≥ 0),
so the interval's ends give the gain's ends.

The success count is taken as an argument (``outcomes.cohorts.success(scope, period)`` gives it)
and the participants as a number, so this module reads no case. What may be shown follows the
privacy rules of issue 22 point 7: no share of fewer than 10 followed up, and no share whose
successes or failures are 1 to 4 (the share would give the small count back); a total is not
shown for 1 to 4 participants (it would give their number back).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from costbenefit.models import AssumptionVersion
from costbenefit.selectors import current_version, line_for
from insight.registry import Count
from insight.scopes import Scope
from obstacles.aggregates import SMALLEST_SHOWN, Shown

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Shares of fewer followed up than this are not shown (issue 22, point 7).
SMALLEST_SHARE_BASE = 10

#: The formula as the page says it.
FORMULA = _(
    "Gain = participants × ((success rate − success rate of the comparison) × value per success − cost per "
    "participant). The central estimate uses the measured success rate. The low and high estimates use the ends "
    "of its 95 % Wilson interval: they show how far chance alone may move the gain, not whether the assumptions hold."
)
TOO_FEW = _("Too few followed up to show a gain: a share is shown from 10 people, with at least 5 on each side.")
NONE_FOLLOWED = _("No one followed up yet: no success rate, so no gain.")


def wilson(count: Count, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the share ``numerator / denominator`` (95 % by default)."""
    n, k = count.denominator, count.numerator
    if n <= 0:
        raise ValueError("A share of nobody has no interval.")
    p = k / n
    spread = z * z / n
    centre = (p + spread / 2) / (1 + spread)
    half = z / (1 + spread) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Estimate:
    """The gain at one success rate."""

    share: Decimal  # the success rate it is worked out from, 0 to 1
    per_participant: Decimal
    total: Decimal | None  # None when the number of participants is not shown (1-4)


@dataclass(frozen=True)
class Gain:
    """The gain for a number of participants and a success count, with the assumptions' version used."""

    assumptions: AssumptionVersion
    participants: Shown
    success: Count
    low: Estimate | None
    central: Estimate | None
    high: Estimate | None
    #: Why no estimate is shown (empty when they are).
    why_hidden: str | Promise = ""

    @property
    def shown(self) -> bool:
        return self.central is not None


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _estimate(assumptions: AssumptionVersion, participants: int, share: float, total_shown: bool) -> Estimate:
    rate = Decimal(repr(round(share, 6)))
    per_participant = (rate - assumptions.comparison_share) * assumptions.value_per_success
    per_participant -= assumptions.cost_per_participant
    return Estimate(
        share=rate,
        per_participant=_whole(per_participant),
        total=_whole(per_participant * participants) if total_shown else None,
    )


def _small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def gain_with(assumptions: AssumptionVersion, *, participants: int, success: Count) -> Gain:
    """The gain for ``participants`` and the ``success`` count under one version of the assumptions."""
    if participants < 0 or success.denominator < 0 or not 0 <= success.numerator <= success.denominator:
        raise ValueError("Participants are 0 or more; successes lie between 0 and the number followed up.")
    shown_participants = Shown(None, small=True) if _small(participants) else Shown(participants)
    failures = success.denominator - success.numerator
    why: str | Promise = ""
    if success.denominator == 0:
        why = NONE_FOLLOWED
    elif success.denominator < SMALLEST_SHARE_BASE or _small(success.numerator) or _small(failures):
        why = TOO_FEW
    if why:
        return Gain(assumptions, shown_participants, success, None, None, None, why)
    low, high = wilson(success)
    total_shown = not shown_participants.hidden
    return Gain(
        assumptions=assumptions,
        participants=shown_participants,
        success=success,
        low=_estimate(assumptions, participants, low, total_shown),
        central=_estimate(assumptions, participants, success.numerator / success.denominator, total_shown),
        high=_estimate(assumptions, participants, high, total_shown),
    )


def gain(scope: Scope, *, participants: int, success: Count) -> Gain | None:
    """The gain for a scope under its current assumptions (a programme's own, else its country's).

    None when no assumptions cover the scope (a country without a line, or a scope naming nothing).
    """
    line = line_for(scope)
    if line is None:
        return None
    return gain_with(current_version(line), participants=participants, success=success)
