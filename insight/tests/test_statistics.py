"""The intervals against published figures, and the privacy rules for shares (issue 22, points 2 and 7)."""

import pytest

from insight.privacy import shown_median, shown_rate, shown_share
from insight.statistics import newcombe, wilson


def test_wilson_interval_matches_newcombe_1998_table_i():
    # Newcombe (1998, Statistics in Medicine 17:857-872), example 81/263: 0.2553 to 0.3662.
    interval = wilson(81, 263)
    assert interval is not None
    low, high = interval
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    # 15/148: 0.0624 to 0.1605; 0/20: 0 to 0.1611.
    assert tuple(round(x, 4) for x in wilson(15, 148) or ()) == (0.0624, 0.1605)
    assert tuple(round(x, 4) for x in wilson(0, 20) or ()) == (0.0, 0.1611)


def test_newcombe_method_10_matches_the_published_difference():
    # Newcombe (1998, Statistics in Medicine 17:873-890), example (a): 56/70 against 48/80,
    # difference 0.2000 with the hybrid score interval 0.0524 to 0.3339.
    difference, low, high = newcombe((48, 80), (56, 70)) or (0.0, 0.0, 0.0)
    assert round(difference, 4) == 0.2
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    # Example (h): 10/10 against 0/10: 1.0 with 0.6075 to 1.0.
    difference, low, high = newcombe((0, 10), (10, 10)) or (0.0, 0.0, 0.0)
    assert (round(difference, 4), round(low, 4), round(high, 4)) == (1.0, 0.6075, 1.0)


def test_no_interval_without_cases():
    assert wilson(0, 0) is None
    assert newcombe((0, 0), (3, 10)) is None
    with pytest.raises(ValueError):
        wilson(11, 10)


def test_a_share_of_fewer_than_ten_cases_is_not_shown():
    assert shown_share(5, 9).value is None
    assert shown_share(5, 10).value == 0.5


def test_a_share_whose_count_or_rest_is_one_to_four_hides_both_and_shows_no_share():
    share = shown_share(3, 40)
    assert share.value is None and share.numerator.hidden and share.numerator.small
    assert share.denominator.value == 40
    rest_small = shown_share(38, 40)  # 2 without: 38 would give them away
    assert rest_small.value is None and rest_small.numerator.hidden and not rest_small.numerator.small
    assert shown_share(0, 40).value == 0.0 and shown_share(40, 40).value == 1.0


def test_rates_and_medians_follow_the_same_rules():
    assert shown_rate(3, 40) is None and shown_rate(30, 4) is None and shown_rate(0, 0) is None
    assert shown_rate(30, 40) == 0.75 and shown_rate(0, 40) == 0.0
    assert shown_median(12.0, 9) is None and shown_median(12.0, 10) == 12.0
