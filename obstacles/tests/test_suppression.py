"""Small counts in a table with totals: none from 1 to 4 shown, and none found again by adding and subtracting
shown cells and totals (issue 19 point 6). The property is checked against plain linear algebra."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from obstacles.aggregates import SMALLEST_SHOWN, Table, suppress_linked, suppress_table


def entries(counts: list[list[int]], table: Table) -> dict[tuple[int, int], tuple[int, bool, bool]]:
    """Every entry of the table with its totals: (true value, hidden, shown as fewer than 5)."""
    rows, columns = len(counts), len(counts[0])
    found = {}
    for r in range(rows):
        for c in range(columns):
            cell = table.cells[r][c]
            found[(r, c)] = (counts[r][c], cell.hidden, cell.small)
        cell = table.row_totals[r]
        found[(r, columns)] = (sum(counts[r]), cell.hidden, cell.small)
    for c in range(columns):
        cell = table.column_totals[c]
        found[(rows, c)] = (sum(row[c] for row in counts), cell.hidden, cell.small)
    found[(rows, columns)] = (sum(map(sum, counts)), table.total.hidden, table.total.small)
    return found


def rank(matrix: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in matrix]
    rank_found, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank_found, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank_found], matrix[pivot] = matrix[pivot], matrix[rank_found]
        for r in range(len(matrix)):
            if r != rank_found and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank_found][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank_found], strict=True)]
        rank_found += 1
    return rank_found


def derivable(*tables: tuple[list[list[int]], Table]) -> list[tuple[int, int, int]]:
    """The hidden entries that the equations (each row and column adds up to its total) pin down.

    Tables given together count the same things by different rows: they share the column totals
    and the grand total, which must then be shown or hidden alike, and are one unknown if hidden.
    """
    found: dict[tuple[int, int, int], tuple[int, bool, bool]] = {}
    lines = []
    for t, (counts, table) in enumerate(tables):
        rows, columns = len(counts), len(counts[0])

        def key(r: int, c: int, t: int = t, rows: int = rows) -> tuple[int, int, int]:
            return (-1, r, c) if r == rows else (t, r, c)  # the totals row is shared

        for (r, c), entry in entries(counts, table).items():
            if key(r, c) in found:
                assert found[key(r, c)] == entry, "a shared total shown in one table and hidden in the other"
            found[key(r, c)] = entry
        lines += [[key(r, c) for c in range(columns + 1)] for r in range(rows + 1)]
        lines += [[key(r, c) for r in range(rows + 1)] for c in range(columns + 1)]
    unknown = sorted(k for k, (_value, hidden, _small) in found.items() if hidden)
    if not unknown:
        return []
    position = {k: i for i, k in enumerate(unknown)}
    equations = []
    for line in lines:
        *parts, total = line
        row = [Fraction(0)] * len(unknown)
        for k in parts:
            if k in position:
                row[position[k]] += 1
        if total in position:
            row[position[total]] -= 1
        equations.append(row)
    base = rank(equations)
    pinned = []
    for k, index in position.items():
        unit = [Fraction(int(i == index)) for i in range(len(unknown))]
        if rank([*equations, unit]) == base:
            pinned.append(k)
    return pinned


counts_tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30]), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(counts_tables)
def test_no_small_count_is_shown_and_no_hidden_one_can_be_derived(counts):
    table = suppress_table(counts)
    for value, hidden, small in entries(counts, table).values():
        if 0 < value < SMALLEST_SHOWN:
            assert hidden and small
        if not hidden:
            assert not small
    assert derivable((counts, table)) == []


@settings(max_examples=100, deadline=None)
@given(counts_tables, st.data())
def test_two_tables_of_the_same_counts_give_nothing_away_together(first, data):
    """The failure zones' two tables: by pair and by quarter, over the same obstacles (same column totals)."""
    width = len(first[0])
    rows = data.draw(st.integers(1, 5))
    second = [[0] * width for _ in range(rows)]
    # Spread each column's total over the second table's rows: the same obstacles, counted by another row.
    for c in range(width):
        for _ in range(sum(row[c] for row in first)):
            second[data.draw(st.integers(0, rows - 1))][c] += 1
    one, two = suppress_linked(first, second, width)
    for counts, table in ((first, one), (second, two)):
        for value, hidden, _small in entries(counts, table).values():
            assert hidden or not 0 < value < SMALLEST_SHOWN
    assert derivable((first, one), (second, two)) == []


def test_shown_counts_are_the_true_ones_and_a_table_without_small_counts_is_whole():
    table = suppress_table([[5, 7], [9, 0]])
    assert [[cell.value for cell in row] for row in table.cells] == [[5, 7], [9, 0]]
    assert [cell.value for cell in table.row_totals] == [12, 9]
    assert [cell.value for cell in table.column_totals] == [14, 7]
    assert table.total.value == 21


def test_one_small_cell_hides_a_second_in_its_row_and_in_its_column():
    table = suppress_table([[3, 10, 12], [8, 20, 30]])
    assert table.cells[0][0].small and table.cells[0][0].hidden
    hidden = {(r, c) for r in range(2) for c in range(3) if table.cells[r][c].hidden}
    assert len({c for r, c in hidden if r == 0}) >= 2 and len({r for r, c in hidden if c == 0}) >= 2
    assert table.total.value == 83
