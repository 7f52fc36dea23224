"""Working days never fall on a weekend or a public holiday, in each Nordic country."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workdays import add_working_days, is_public_holiday, is_working_day, working_days_between

COUNTRIES = ["NO", "DK", "SE"]
days = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2080, 12, 31))
# Dates near Easter, Christmas and the turn of the year, where holidays cluster.
near_holidays = st.one_of(
    days,
    st.builds(
        lambda year, offset: datetime.date(year, 12, 20) + datetime.timedelta(days=offset),
        st.integers(1995, 2070),
        st.integers(0, 16),
    ),
    st.builds(
        lambda year, offset: datetime.date(year, 3, 15) + datetime.timedelta(days=offset),
        st.integers(1995, 2070),
        st.integers(0, 45),
    ),
)


@settings(max_examples=300, deadline=None)
@given(day=near_holidays, n=st.integers(-30, 30), country=st.sampled_from(COUNTRIES))
def test_a_working_day_offset_never_lands_on_a_weekend_or_public_holiday(day, n, country):
    result = add_working_days(day, n, country)
    assert result.weekday() < 5
    assert not is_public_holiday(result, country)
    assert is_working_day(result, country)


@settings(max_examples=300, deadline=None)
@given(day=near_holidays, n=st.integers(-30, 30).filter(bool), country=st.sampled_from(COUNTRIES))
def test_adding_working_days_then_counting_them_gives_the_same_number(day, n, country):
    result = add_working_days(day, n, country)
    assert working_days_between(day, result, country) == n
    assert (result > day) == (n > 0)


@settings(max_examples=100, deadline=None)
@given(day=days, country=st.sampled_from(COUNTRIES))
def test_zero_working_days_is_the_day_itself_or_the_next_working_day(day, country):
    result = add_working_days(day, 0, country)
    assert result >= day
    assert is_working_day(result, country)
    assert (result == day) == is_working_day(day, country)


@pytest.mark.parametrize(
    ("country", "start", "n", "expected"),
    [
        # Norway, Easter 2026: Maundy Thursday 2 April to Easter Monday 6 April are holidays.
        ("NO", datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 1)),
        ("NO", datetime.date(2026, 4, 1), 1, datetime.date(2026, 4, 7)),
        ("NO", datetime.date(2026, 3, 30), 5, datetime.date(2026, 4, 9)),
        # Denmark has no Maundy Thursday exception: it is a holiday there too.
        ("DK", datetime.date(2026, 4, 1), 1, datetime.date(2026, 4, 7)),
        # Christmas and the new year: 25 and 26 December and 1 January are holidays.
        ("NO", datetime.date(2026, 12, 24), 1, datetime.date(2026, 12, 28)),
        ("NO", datetime.date(2026, 12, 31), 1, datetime.date(2027, 1, 4)),
        ("SE", datetime.date(2026, 12, 31), 1, datetime.date(2027, 1, 4)),
        # Counting backwards over a weekend and the Norwegian Constitution Day (Sunday 17 May 2026).
        ("NO", datetime.date(2026, 5, 18), -1, datetime.date(2026, 5, 15)),
        # A week of five working days from a Monday without holidays.
        ("NO", datetime.date(2026, 9, 7), 5, datetime.date(2026, 9, 14)),
    ],
)
def test_worked_examples_around_easter_christmas_and_the_year_end(country, start, n, expected):
    assert add_working_days(start, n, country) == expected


def test_the_countries_differ_on_their_own_public_holidays():
    assert not is_working_day(datetime.date(2023, 5, 17), "NO")  # Constitution Day, a Wednesday
    assert is_working_day(datetime.date(2023, 5, 17), "DK")
    assert not is_working_day(datetime.date(2023, 5, 5), "DK")  # Great Prayer Day, a Friday
    assert is_working_day(datetime.date(2023, 5, 5), "NO")
    assert not is_working_day(datetime.date(2023, 6, 6), "SE")  # National Day, a Tuesday
    assert is_working_day(datetime.date(2023, 6, 6), "NO")


@pytest.mark.parametrize(
    ("day", "denmark", "norway"),
    [
        (datetime.date(2029, 6, 5), False, True),  # Constitution Day (DK), a Tuesday: Danish offices closed
        (datetime.date(2027, 12, 24), False, True),  # Christmas Eve, a Friday: a half day in Norway
        (datetime.date(2027, 12, 31), False, True),  # New Year's Eve, a Friday
        (datetime.date(2028, 5, 1), True, False),  # 1 May: a public holiday in Norway, not a Danish day off
        (datetime.date(2028, 5, 17), True, False),  # Norway's Constitution Day
    ],
)
def test_danish_offices_close_on_constitution_day_christmas_eve_and_new_years_eve(day, denmark, norway):
    assert day.weekday() < 5
    assert is_working_day(day, "DK") is denmark
    assert is_working_day(day, "NO") is norway
    # They are days off by agreement, not public holidays by law.
    assert not is_public_holiday(datetime.date(2027, 12, 24), "DK")
    assert add_working_days(datetime.date(2027, 12, 23), 1, "DK") == datetime.date(2027, 12, 27)
    assert add_working_days(datetime.date(2027, 12, 30), 1, "DK") == datetime.date(2028, 1, 3)
