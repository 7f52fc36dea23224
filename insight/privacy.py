"""What of a measured figure may be shown (issue 22, point 7), on top of ``obstacles.aggregates``.

- A count from 1 to 4 shows as "fewer than 5" (``suppress``); a share splits its cases in two,
  those counted and the rest, and both are suppressed together, so that neither can be found by
  subtracting the other from the total (complementary suppression).
- A share of fewer than 10 cases is not shown at all, nor its interval.
- A rate (obstacles per case, proposals per member) is shown when neither of its two counts is
  from 1 to 4; a median when it is taken over 10 values or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from obstacles.aggregates import Shown, suppress

#: Shares and medians of fewer than this many cases are not shown.
SMALLEST_SHARE_BASE = 10


@dataclass(frozen=True)
class ShownShare:
    """A share as it may be shown: its counts (each a ``Shown``) and the share, or None when hidden."""

    numerator: Shown
    denominator: Shown
    value: float | None

    @property
    def hidden(self) -> bool:
        return self.value is None


def shown_share(numerator: int, denominator: int) -> ShownShare:
    """The share ``numerator`` of ``denominator`` as it may be shown."""
    cells, total = suppress({"counted": numerator, "rest": max(0, denominator - numerator)})
    counted = cells["counted"]
    if denominator < SMALLEST_SHARE_BASE or counted.hidden or cells["rest"].hidden:
        return ShownShare(counted, total, None)
    return ShownShare(counted, total, numerator / denominator)


def shown_rate(numerator: int, denominator: int) -> float | None:
    """A rate (numerator per denominator) as it may be shown: None when either count is from 1 to 4 or none is."""
    if denominator == 0 or any(0 < count < 5 for count in (numerator, denominator)):
        return None
    return numerator / denominator


def shown_median(value: float | None, n: int) -> float | None:
    """A median as it may be shown: None when taken over fewer than 10 values."""
    return value if n >= SMALLEST_SHARE_BASE else None
