"""Intervals for shares and for the change of a share (issue 22, point 2).

- ``wilson``: the Wilson score interval for a proportion (Wilson 1927), 95 % by default. It
  stays inside 0-1 and behaves at small counts, unlike the plain normal interval.
- ``newcombe``: the interval for a difference of two independent proportions from their two
  Wilson intervals, Newcombe's "method 10" (Newcombe, Statistics in Medicine 1998, 17:873-890).
  A change is larger than its uncertainty when this interval leaves out zero.
"""

from __future__ import annotations

import math

#: The normal quantile for a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (low, high) for ``successes`` of ``n``; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("A share counts between none and all of its cases.")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def newcombe(first: tuple[int, int], second: tuple[int, int], z: float = Z95) -> tuple[float, float, float] | None:
    """The difference ``second - first`` of two shares (successes, n) with Newcombe's hybrid score interval.

    Returns (difference, low, high); None when either share has no cases.
    """
    one, two = wilson(*first, z=z), wilson(*second, z=z)
    if one is None or two is None:
        return None
    p1, p2 = first[0] / first[1], second[0] / second[1]
    (l1, u1), (l2, u2) = one, two
    difference = p2 - p1
    low = difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return difference, low, high
