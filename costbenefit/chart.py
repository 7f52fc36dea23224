"""The gain drawn on the server as SVG: the low, central and high estimate per participant as bars.

The page puts the same numbers in a table beside the drawing, for screen readers and for
anyone who wants the figures; the drawing is only their picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from costbenefit.gain import Gain

WIDTH = 360
ROW = 44
BAR = 16
TOP = 4


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in whole units with the reader's language's grouping, and its currency's code."""
    if amount is None:
        return ""
    return f"{formats.number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)} {currency}"


def percent(share: Decimal) -> str:
    """A share as a percentage with one decimal, in the reader's language."""
    return f"{formats.number_format(share * 100, decimal_pos=1, use_l10n=True)} %"


def rate(percent_value: Decimal) -> str:
    """A rate given in per cent (the comparison's), with decimals only where it has them."""
    places = 0 if percent_value == percent_value.to_integral_value() else 2
    return f"{formats.number_format(percent_value, decimal_pos=places, use_l10n=True)} %"


@dataclass(frozen=True)
class Bar:
    label: str | Promise
    text: str
    x: float
    width: float
    y: float
    negative: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    zero_x: float
    bars: list[Bar]
    bar_height: int = BAR


def gain_chart(gain: Gain) -> Chart | None:
    """Bars from zero for the low, central and high gain per participant; None when no gain is shown."""
    if gain.low is None or gain.central is None or gain.high is None:
        return None
    estimates = [(_("Low"), gain.low), (_("Central"), gain.central), (_("High"), gain.high)]
    values = [float(estimate.per_participant) for _label, estimate in estimates]
    lowest, highest = min(0.0, *values), max(0.0, *values)
    span = (highest - lowest) or 1.0
    scale = (WIDTH - 2) / span
    zero_x = 1 + (0.0 - lowest) * scale
    bars = []
    for row, ((label, estimate), value) in enumerate(zip(estimates, values, strict=True)):
        x = zero_x + min(0.0, value) * scale
        bars.append(
            Bar(
                label=label,
                text=money(estimate.per_participant, gain.assumptions.currency),
                x=round(x, 2),
                width=round(max(abs(value) * scale, 1.0), 2),
                y=TOP + row * ROW + 18,
                negative=value < 0,
            )
        )
    return Chart(width=WIDTH, height=TOP + 3 * ROW, zero_x=round(zero_x, 2), bars=bars)
