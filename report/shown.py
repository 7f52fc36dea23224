"""Counts, shares and medians as the report may show them (issue 22, point 7).

- Every count from 1 to 4 shows as "fewer than 5" (``obstacles.aggregates.suppress``).
- A share is its two counts, those who have it and those who do not, suppressed together with
  their total: a hidden one hides the other too (complementary suppression), so "fewer than 5 of
  50" cannot be worked out as 50 minus the other. A share is shown only when both counts are
  shown and it is of 10 cases or more; otherwise neither it nor its interval is shown, since
  a share times its total gives the count back.
- A median is shown only over 10 values or more (a median of few is nearly one person's value).
- A rate (proposals per group member) only when both its counts are shown and the denominator is
  10 or more.

The 95 % interval of a share is Wilson's score interval; the change of a share against the baseline
has Newcombe's hybrid score interval for the difference of two proportions (Newcombe 1998, method
10), and is called clear when that interval does not hold 0. When insight's comparison (issue 22,
h22-insight) is wired, its rows give the same; these are the report's own for values it is given.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from insight.registry import Better, Count, Median, Value
from obstacles.aggregates import Shown, suppress
from report.data import Figure, Verdict

#: A share or rate over fewer cases than this is not shown; nor a median over fewer values.
SMALLEST_BASE = 10
Z95 = 1.959963984540054


def count_text(cell: Shown) -> str:
    """A count as shown: the number, «fewer than 5», or «hidden» (hidden to protect another)."""
    if cell.value is not None:
        return str(cell.value)
    return _("fewer than 5") if cell.small else _("hidden")


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a share of ``successes`` in ``n`` (n > 0)."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # At 0 or n the interval ends exactly at 0 or 1 (the sum above leaves a rounding error there).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def newcombe(first: Count, second: Count, z: float = Z95) -> tuple[float, float, float]:
    """The difference second − first of two shares with Newcombe's hybrid score interval (method 10)."""
    p1, p2 = first.numerator / first.denominator, second.numerator / second.denominator
    l1, u1 = wilson(first.numerator, first.denominator, z)
    l2, u2 = wilson(second.numerator, second.denominator, z)
    d = p2 - p1
    return d, d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def share_counts(count: Count) -> tuple[Shown, Shown, Shown]:
    """Those who have it, those who do not, and the total, suppressed together."""
    cells, total = suppress({"yes": count.numerator, "no": count.denominator - count.numerator})
    return cells["yes"], cells["no"], total


def share(count: Count) -> tuple[Figure, str, str]:
    """A share as shown, its counts («21 of 50») and its interval as text."""
    yes, no, total = share_counts(count)
    counts = _("%(part)s of %(whole)s") % {"part": count_text(yes), "whole": count_text(total)}
    if count.denominator < SMALLEST_BASE or yes.hidden or no.hidden:
        return Figure(_("not shown")), counts, ""
    value = count.numerator / count.denominator
    low, high = wilson(count.numerator, count.denominator)
    return Figure(percent(value), value, low, high), counts, f"{percent(low)} – {percent(high)}"


def rate(count: Count) -> tuple[Figure, str]:
    """A rate (per group member) as shown, and its counts."""
    cells, _total = suppress({"numerator": count.numerator})
    base, _base_total = suppress({"denominator": count.denominator})
    counts = _("%(part)s per %(whole)s") % {
        "part": count_text(cells["numerator"]),
        "whole": count_text(base["denominator"]),
    }
    if count.denominator < SMALLEST_BASE or cells["numerator"].hidden:
        return Figure(_("not shown")), counts
    value = count.numerator / count.denominator
    return Figure(f"{value:.1f}", value), counts


def median(value: Median) -> tuple[Figure, str]:
    """A median in days as shown, and the number of values behind it."""
    cells, _total = suppress({"n": value.n})
    counts = _("over %(n)s") % {"n": count_text(cells["n"])}
    if value.n < SMALLEST_BASE or value.value is None:
        return Figure(_("not shown")), counts
    return Figure(_("%(days)s days") % {"days": f"{value.value:g}"}, value.value), counts


def figure(value: Value, kind: str) -> tuple[Figure, str, str]:
    """Any indicator's value as shown: the figure, its counts, its interval (shares only)."""
    if isinstance(value, Median):
        shown, counts = median(value)
        return shown, counts, ""
    if kind == "rate":
        shown, counts = rate(value)
        return shown, counts, ""
    return share(value)


def change(baseline: Value, later: Value, kind: str, better: Better) -> tuple[str, Verdict]:
    """The change from the baseline as text, and whether it is clearly better or worse.

    Only between two values that are both shown: a change of hidden shares would give them away.
    """
    if isinstance(baseline, Count) and isinstance(later, Count) and kind == "share":
        if not (share(baseline)[0].drawn and share(later)[0].drawn):
            return "", ""
        d, low, high = newcombe(baseline, later)
        text = _("%(change)+d points") % {"change": round(d * 100)}
        if low <= 0 <= high:
            return text, "unclear"
        return text, "better" if (d > 0) == (better == "higher") else "worse"
    if isinstance(baseline, Median) and isinstance(later, Median):
        if not (median(baseline)[0].drawn and median(later)[0].drawn):
            return "", ""
        assert baseline.value is not None and later.value is not None
        return _("%(change)+g days") % {"change": later.value - baseline.value}, ""
    if isinstance(baseline, Count) and isinstance(later, Count):
        first, second = rate(baseline)[0], rate(later)[0]
        if first.value is None or second.value is None:
            return "", ""
        return f"{second.value - first.value:+.1f}", ""
    return "", ""


#: Each verdict in words (an English msgid), translated only when asked for (``group_title`` in ``report.fill``).
VERDICTS = {
    "better": gettext_noop("better"),
    "worse": gettext_noop("worse"),
    "unclear": gettext_noop("no clear change"),
}


def verdict_text(verdict: Verdict) -> str:
    return _(VERDICTS[verdict]) if verdict in VERDICTS else ""
