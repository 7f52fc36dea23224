"""Small counts hidden so that no person can be picked out (issue 19 point 6).

Every count from 1 to 4 shows as "fewer than 5". Complementary suppression: where a total is
shown, a single hidden cell could be found by subtracting the others from it, so then the
smallest other non-zero cell is hidden too; where there is no other, the total is hidden.
Zero is shown: it names no one.
"""

from dataclasses import dataclass

#: Counts below this (and above zero) are hidden.
SMALLEST_SHOWN = 5


@dataclass(frozen=True)
class Shown:
    """A count as the page may show it: the number, or hidden (``None``)."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None


def suppress(cells: dict[str, int]) -> tuple[dict[str, Shown], Shown]:
    """The cells and their total as they may be shown, with primary and complementary suppression."""
    hidden = {key for key, count in cells.items() if 0 < count < SMALLEST_SHOWN}
    total = sum(cells.values())
    total_hidden = 0 < total < SMALLEST_SHOWN
    if len(hidden) == 1 and not total_hidden:
        others = sorted((count, key) for key, count in cells.items() if key not in hidden and count > 0)
        if others:
            hidden.add(others[0][1])
        else:
            total_hidden = True
    shown = {key: Shown(None if key in hidden else count) for key, count in cells.items()}
    return shown, Shown(None if total_hidden else total)
