"""What the report shows of a count, share, median or rate, its interval and its change; and what the charts draw."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from insight.registry import Count, Median
from report.charts import bars, line
from report.data import Bars, Cohort, Cohorts, Figure, Row
from report.shown import change, median, newcombe, rate, share, wilson


def test_wilson_against_newcombes_published_figures():
    """Newcombe (1998), Statistics in Medicine 17: 857-872, table I: score method without correction."""
    for (k, n), (low, high) in {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }.items():
        found = wilson(k, n)
        assert found == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5)), (k, n)


def test_newcombes_interval_for_a_difference_against_his_example():
    """Newcombe (1998), Statistics in Medicine 17: 873-890, example (a) 56/70 − 48/80, method 10: 0.0524 to 0.3339."""
    d, low, high = newcombe(Count(48, 80), Count(56, 70))
    assert (d, low, high) == (pytest.approx(0.2), pytest.approx(0.0524, abs=5e-5), pytest.approx(0.3339, abs=5e-5))


@settings(max_examples=60)
@given(st.integers(0, 200), st.integers(0, 200))
def test_a_share_shows_no_count_from_1_to_4_and_no_share_of_fewer_than_10(yes, no):
    with translation.override("en"):
        figure, counts, interval = share(Count(yes, yes + no))
    words = counts.replace("fewer than 5", "").replace("hidden", "").split()
    numbers = [int(word) for word in words if word.isdigit()]
    assert all(number == 0 or number >= 5 for number in numbers)
    if figure.drawn:
        assert yes + no >= 10 and yes not in (1, 2, 3, 4) and no not in (1, 2, 3, 4)
        assert interval and figure.low is not None and figure.value is not None and figure.high is not None
        assert figure.low <= figure.value <= figure.high
    else:
        assert interval == "" and figure.low is None
        assert yes + no < 10 or yes in (1, 2, 3, 4) or no in (1, 2, 3, 4)


def test_a_median_of_few_values_and_a_rate_over_few_are_not_shown():
    with translation.override("en"):
        assert median(Median(12.0, 9))[0].text == "not shown"
        assert median(Median(12.0, 3)) == (Figure("not shown"), "over fewer than 5")
        assert median(Median(12.5, 10))[0] == Figure("12.5 days", 12.5)
        assert rate(Count(3, 40))[0].text == "not shown"  # 3 proposals: a count from 1 to 4
        assert rate(Count(30, 9))[0].text == "not shown"  # per fewer than 10 members
        assert rate(Count(30, 20)) == (Figure("1.5", 1.5), "30 per 20")


def test_the_change_is_called_clear_only_when_its_interval_leaves_out_zero():
    with translation.override("en"):
        assert change(Count(20, 60), Count(40, 60), "share", "higher") == ("+33 points", "better")
        assert change(Count(20, 60), Count(40, 60), "share", "lower") == ("+33 points", "worse")
        assert change(Count(20, 60), Count(24, 60), "share", "higher") == ("+7 points", "unclear")
        # A hidden share (3 of 60) has no change: it would give the count away.
        assert change(Count(3, 60), Count(40, 60), "share", "higher") == ("", "")
        assert change(Median(20.0, 30), Median(14.0, 30), "median", "lower") == ("-6 days", "")


def row(key, figure, baseline=None, unit="share"):
    return Row(key, f"Row {key}", unit, figure, baseline=baseline)


def test_bars_draw_what_is_shown_with_whisker_and_baseline_and_nothing_hidden():
    section = Bars(
        "s",
        "Shares",
        "",
        [
            row("a", Figure("50 %", 0.5, 0.4, 0.6), baseline=Figure("30 %", 0.3)),
            row("b", Figure("not shown")),
            row("c", Figure("12 days", 12.0), unit="median"),  # another unit: in the table only
        ],
    )
    svg = str(bars(section))
    assert svg.count("<rect") == 1  # one bar: the hidden row and the median are not drawn
    assert "stroke-dasharray" in svg  # the baseline's mark
    assert svg.count("<line") == 1 + 3 + 1  # the axis, the whisker with its two ends, the baseline
    assert "not shown" in svg and "12 days" not in svg
    assert 'role="img"' in svg and 'aria-labelledby="chart-s-title"' in svg
    assert bars(Bars("e", "Empty", "", [])) is None


def test_a_label_is_escaped_in_the_chart():
    svg = str(bars(Bars("x", "<b>", "", [row("a", Figure("5", 5.0), unit="count")], unit="count")))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_the_cohort_line_breaks_where_a_figure_is_not_shown_or_not_ended():
    section = Cohorts(
        "outcomes",
        "Outcomes",
        "",
        "",
        ["after 3 months"],
        [
            Cohort("H1 2023", [Figure("40 %", 0.4, 0.3, 0.5)], ["20 of 50"]),
            Cohort("H2 2023", [Figure("45 %", 0.45, 0.35, 0.55)], ["22 of 49"]),
            Cohort("H1 2024", [Figure("not shown")], ["fewer than 5 of 8"]),
            Cohort("H2 2024", [Figure("50 %", 0.5, 0.4, 0.6)], ["25 of 50"]),
            Cohort("H1 2025", [None], [""]),
        ],
    )
    svg = str(line(section))
    assert svg.count("<circle") == 3
    assert svg.count("<polyline") == 1  # the two first joined; the fourth stands alone
