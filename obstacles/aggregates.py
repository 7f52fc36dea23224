"""Small counts hidden so that no person can be picked out (issue 19 point 6).

Every count from 1 to 4 shows as "fewer than 5". Complementary suppression: where a total is
shown, a single hidden cell could be found by subtracting the others from it, so then the
smallest other non-zero cell is hidden too; where there is no other, the total is hidden.
Zero is shown: it names no one.

Tables with row and column totals (the failure zones, ``suppress_table``): every count from 1
to 4, a total too, shows as "fewer than 5". A hidden count can be worked out by adding and
subtracting shown cells and totals exactly when it lies on no cycle of hidden entries (rows and
columns as the two sides of a graph, the totals as one more row and column); while one does,
one more entry in its row or column is hidden: the smallest count of 5 or more, else a total,
else whatever is smallest elsewhere. Such a second hidden count shows as "hidden". Two tables
over the same obstacles (``suppress_linked``) share their column totals and total: hidden in
one, hidden in both. ``obstacles/tests/test_suppression.py`` checks with hypothesis that no
hidden entry is pinned down by the equations.

Limits, said plainly: the rule protects each table and a page's tables together, against exact
sums. It does not stop bounds (a hidden count known to lie between two numbers), nor figures
from different pages, periods or days being set against each other; the failure zones
therefore count a fixed window of quarters and offer no choice of days.
"""

from dataclasses import dataclass

#: Counts below this (and above zero) are hidden.
SMALLEST_SHOWN = 5


@dataclass(frozen=True)
class Shown:
    """A count as the page may show it: the number, or hidden (``None``); ``small`` if it is 1-4 itself."""

    value: int | None
    small: bool = False

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
    small = {key for key, count in cells.items() if 0 < count < SMALLEST_SHOWN}
    shown = {key: Shown(None, small=key in small) if key in hidden else Shown(count) for key, count in cells.items()}
    return shown, Shown(None, small=0 < total < SMALLEST_SHOWN) if total_hidden else Shown(total)


@dataclass(frozen=True)
class Cell:
    """A count in a table as the page may show it: the number, fewer than 5 (1-4), or hidden to protect one."""

    value: int | None
    small: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Table:
    """A table of counts with its row totals, column totals and grand total, as it may be shown."""

    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell


def _bridge(hidden: set[tuple[int, int]], rows: int, columns: int) -> tuple[int, int] | None:
    """A hidden entry that the shown ones and the sums give away, if any.

    With the totals taken as entries of the table (row ``rows`` holds the column totals, column
    ``columns`` the row totals, with the sign turned), every row and every column sums to zero.
    Hidden entries are then the edges of a graph between rows and columns; an entry can be found
    by adding and subtracting sums exactly when it lies on no cycle of hidden entries: a bridge.
    """
    for edge in sorted(hidden):
        row, column = edge
        # Is there another way from the row to the column through hidden entries?
        seen = {("r", row)}
        todo = [("r", row)]
        while todo:
            side, index = todo.pop()
            if side == "r":
                nexts = [("c", c) for c in range(columns + 1) if (index, c) in hidden and (index, c) != edge]
            else:
                nexts = [("r", r) for r in range(rows + 1) if (r, index) in hidden and (r, index) != edge]
            for node in nexts:
                if node not in seen:
                    seen.add(node)
                    todo.append(node)
        if ("c", column) not in seen:
            return edge
    return None


def suppress_table(
    counts: list[list[int]],
    hidden_column_totals: frozenset[int] = frozenset(),
    hidden_total: bool = False,
    width: int = 0,
) -> Table:
    """The table and its totals as they may be shown: no count from 1 to 4, and none that sums give away.

    Primary suppression: every count from 1 to 4, totals too, shows as "fewer than 5". Complementary
    suppression: while a hidden entry could be found from the shown entries and totals (``_bridge``),
    one more is hidden in its row or column: the smallest count of 5 or more there, else a total
    there, else the smallest count anywhere. Zero is shown: it names no one. Column totals (and the
    total) that another table shares and hides are hidden here too (``hidden_column_totals``).
    """
    rows = len(counts)
    columns = len(counts[0]) if counts else width
    full = [[*row, sum(row)] for row in counts]
    full.append([*(sum(row[c] for row in counts) for c in range(columns)), sum(sum(row) for row in counts)])
    small = {(r, c) for r in range(rows + 1) for c in range(columns + 1) if 0 < full[r][c] < SMALLEST_SHOWN}
    hidden = set(small) | {(rows, c) for c in hidden_column_totals if c < columns}
    if hidden_total:
        hidden.add((rows, columns))
    while (edge := _bridge(hidden, rows, columns)) is not None:
        row, column = edge
        line = [(row, c) for c in range(columns + 1)] + [(r, column) for r in range(rows + 1)]
        candidates = [entry for entry in line if entry not in hidden]

        def weight(entry: tuple[int, int]) -> tuple[int, int, int]:
            r, c = entry
            is_total = r == rows or c == columns
            return (full[r][c] == 0, is_total, full[r][c])

        if not any(full[r][c] > 0 for r, c in candidates):
            candidates = [
                (r, c) for r in range(rows + 1) for c in range(columns + 1) if (r, c) not in hidden and r != row
            ] or candidates
        if not candidates:  # every entry is hidden: nothing is left to give away
            break
        hidden.add(min(candidates, key=weight))

    def cell(r: int, c: int) -> Cell:
        return Cell(None, small=(r, c) in small) if (r, c) in hidden else Cell(full[r][c])

    return Table(
        cells=[[cell(r, c) for c in range(columns)] for r in range(rows)],
        row_totals=[cell(r, columns) for r in range(rows)],
        column_totals=[cell(rows, c) for c in range(columns)],
        total=cell(rows, columns),
    )


def suppress_linked(first: list[list[int]], second: list[list[int]], width: int) -> tuple[Table, Table]:
    """Two tables over the same counts, by different rows: they share the column totals and the total.

    A shared total hidden in either is hidden in both, and both are suppressed again until they agree,
    so that neither gives away what the other hides.
    """
    shared: frozenset[int] = frozenset()
    total_hidden = False
    while True:
        one = suppress_table(first, shared, total_hidden, width=width)
        two = suppress_table(second, shared, total_hidden, width=width)
        hidden = frozenset(c for c in range(width) if one.column_totals[c].hidden or two.column_totals[c].hidden)
        either = one.total.hidden or two.total.hidden
        if hidden == shared and either == total_hidden:
            return one, two
        shared, total_hidden = hidden, either
