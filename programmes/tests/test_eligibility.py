"""Eligibility with reasons, rule by rule at the edges (issue 20, "Held to"): property tests.

Age 18 and 25 on the day, exactly three months before two-thirds time, and a two-thirds
date moved by new remand credit. The dates come from the road (``timetable.engine``).
"""

import datetime

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.eligibility import Facts, Rule, Status, check, evaluate
from timetable import engine

D = datetime.date
birth_dates = st.dates(min_value=D(1960, 1, 1), max_value=D(2015, 12, 31))
starts = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
lengths = st.integers(min_value=60, max_value=6000)
remands = st.integers(min_value=0, max_value=400)
offsets = st.integers(min_value=-3, max_value=3)

EXIN = (Rule("min_age", 18), Rule("max_age", 25))
TOG_WINDOW = (Rule("months_before_parole", 3),)


def case_facts(start: D, length: int, remand: int) -> engine.CaseFacts:
    return engine.CaseFacts(
        case_id=1,
        country="NO",
        legal_status="sentenced",
        intake_date=start,
        sentence_start=start,
        sentence_days=length,
        remand_days=remand,
    )


ADULT = D(1990, 1, 1)


def facts_on(today: D, birth: D = ADULT, road: engine.Road | None = None, **extra) -> Facts:
    return Facts(
        today=today,
        birth_date=birth,
        parole=road.parole if road is not None else None,
        road_known=road is not None,
        **extra,
    )


@settings(max_examples=300)
@given(birth=birth_dates, offset=offsets)
def test_age_18_holds_from_the_18th_birthday_and_not_the_day_before(birth, offset):
    birthday = engine.age_reached_on(birth, 18)
    today = birthday + datetime.timedelta(days=offset)
    result = check(Rule("min_age", 18), facts_on(today, birth))
    assert result.holds_today == (today >= birthday)
    # Turning 18 is the day the 18th year is complete: the same date, or 1 March for a leap-day birth.
    assert birthday.year - birth.year == 18
    assert (birthday.month, birthday.day) == (birth.month, birth.day) or (birth.month, birth.day) == (2, 29)


@settings(max_examples=300)
@given(birth=birth_dates, offset=offsets)
def test_age_25_holds_through_the_last_day_before_the_26th_birthday(birth, offset):
    turns_26 = engine.age_reached_on(birth, 26)
    today = turns_26 + datetime.timedelta(days=offset)
    eligibility = evaluate(EXIN, facts_on(today, birth))
    if today < turns_26:  # 25 on the day (and 18 long since): eligible, until the day before the 26th birthday
        assert eligibility.status is Status.ELIGIBLE
        assert eligibility.end == turns_26 - datetime.timedelta(days=1)
    else:
        assert eligibility.status is Status.NOT_ELIGIBLE
    assert evaluate(EXIN, facts_on(engine.age_reached_on(birth, 25), birth)).status is Status.ELIGIBLE


@settings(max_examples=300)
@given(start=starts, length=lengths, remand=remands, offset=offsets)
def test_three_months_before_two_thirds_holds_exactly_until_the_last_such_day(start, length, remand, offset):
    road = engine.road(case_facts(start, length, remand))
    if road is None or road.parole is None:
        return
    last = engine.months_before(road.parole, 3)
    today = last + datetime.timedelta(days=offset)
    result = check(Rule("months_before_parole", 3), facts_on(today, road=road))
    # "At least three months left": three months on from today is still on or before two-thirds time.
    assert result.holds_today == (engine.add_months(today, 3) <= road.parole)
    assert result.holds_today == (offset <= 0)
    assert result.end == last


@settings(max_examples=300)
@given(start=starts, length=lengths, remand=remands, extra=st.integers(min_value=1, max_value=200))
def test_new_remand_credit_moves_two_thirds_and_the_window_with_it(start, length, remand, extra):
    before = engine.road(case_facts(start, length, remand))
    after = engine.road(case_facts(start, length, remand + extra))
    if before is None or before.parole is None or after is None or after.parole is None:
        return
    last_before = engine.months_before(before.parole, 3)
    window_before = evaluate(TOG_WINDOW, facts_on(last_before, road=before))
    window_after = evaluate(TOG_WINDOW, facts_on(last_before, road=after))
    assert window_before.status is Status.ELIGIBLE and window_before.end == last_before
    assert after.parole <= before.parole
    assert window_after.checks[0].end == engine.months_before(after.parole, 3) <= last_before
    # On the old last day, the moved window says no as soon as two-thirds time moved at all.
    expected = Status.ELIGIBLE if engine.add_months(last_before, 3) <= after.parole else Status.NOT_ELIGIBLE
    assert window_after.status is expected


def test_reasons_read_criterion_by_criterion():
    road = engine.road(case_facts(D(2026, 1, 5), 900, 0))
    assert road is not None and road.parole is not None
    today = D(2026, 6, 1)
    rules = (
        Rule("months_before_parole", 3),
        Rule("home_municipality", values=("Oslo",)),
        Rule("no_expulsion_order"),
    )
    with translation.override("en"):
        result = evaluate(rules, facts_on(today, road=road, home_municipality="Bergen"))
        window, registered, expulsion = result.checks
        assert window.end is not None
        assert window.answer == f"yes, until {window.end.day}. {window.end:%B} {window.end.year}"
        assert registered.label == "Registered in Oslo"
        assert window.state == "yes" and window.end == engine.months_before(road.parole, 3)
        assert registered.state == "no" and registered.answer == "no"
        assert expulsion.state == "unknown" and expulsion.answer == "not known"
    assert result.status is Status.NOT_ELIGIBLE


def test_an_unknown_fact_or_a_later_birthday_is_almost_eligible_and_a_broader_place_is_not_known():
    today = D(2026, 6, 1)
    rules = (Rule("min_age", 18), Rule("home_municipality", values=("Søndre Nordstrand",), broader=("Oslo",)))
    young = evaluate(rules, facts_on(today, D(2008, 9, 1), home_municipality="Oslo, Søndre Nordstrand"))
    assert young.status is Status.ALMOST and young.start == D(2026, 9, 1)
    in_oslo = evaluate(rules, facts_on(today, D(2000, 1, 1), home_municipality="Oslo"))
    assert in_oslo.status is Status.ALMOST and in_oslo.checks[1].met is None
    elsewhere = evaluate(rules, facts_on(today, D(2000, 1, 1), home_municipality="Bergen"))
    assert elsewhere.status is Status.NOT_ELIGIBLE


def test_a_sentence_served_in_full_has_no_window_and_an_unknown_road_is_not_known():
    today = D(2026, 6, 1)
    short = engine.road(case_facts(D(2026, 5, 1), 70, 0))
    assert short is not None and short.parole is None
    assert check(Rule("months_before_parole", 3), facts_on(today, road=short)).state == "no"
    assert check(Rule("months_before_parole", 3), facts_on(today, road=None)).state == "unknown"


def test_earlier_sentences_count_the_earlier_cases_and_what_is_recorded():
    today = D(2026, 6, 1)
    rule = Rule("earlier_sentences", 2)
    assert check(rule, facts_on(today, earlier_cases=2)).state == "yes"
    assert check(rule, facts_on(today, earlier_cases=1)).state == "unknown"
    assert check(rule, facts_on(today, earlier_cases=1, earlier_sentences=0)).state == "no"
    assert check(rule, facts_on(today, earlier_cases=0, earlier_sentences=3)).state == "yes"
