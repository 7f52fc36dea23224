"""The timetable engine: worked examples per rule set, and properties of the road and offsets.

The worked examples are computed by hand from the rules in DOMAIN.md §7 and the seeds;
each row says what it shows.
"""

import dataclasses
import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workdays import is_working_day
from timetable import engine
from timetable.models import DeadlineState, Rule, RuleSet

D = datetime.date
MONDAY = D(2026, 1, 5)


def facts(country="NO", start=MONDAY, days=None, remand=0, isolation=0, **extra) -> engine.CaseFacts:
    return engine.CaseFacts(
        case_id=1,
        country=country,
        legal_status=extra.pop("legal_status", "sentenced"),
        intake_date=extra.pop("intake", start),
        sentence_start=start,
        sentence_days=days,
        remand_days=remand,
        isolation_days=isolation,
        **extra,
    )


def dates(road: engine.Road) -> dict[str, datetime.date | None]:
    return {m.key: m.date for m in road.milestones}


# ---------------------------------------------------------------------------------------
# Remand credit (straffeloven § 83)


@pytest.mark.parametrize(
    ("remand", "isolation", "country", "credit"),
    [
        (0, 0, "NO", 0),
        (30, 0, "NO", 30),
        (30, 1, "NO", 31),  # one started two-day period in isolation: one extra day
        (30, 2, "NO", 31),
        (30, 3, "NO", 32),  # two started periods
        (10, 5, "NO", 13),
        (30, 7, "NO", 34),
        (30, 7, "DK", 30),  # no isolation bonus in the Danish rule kept here
        (30, 7, "SE", 30),
    ],
)
def test_remand_credit_counts_started_days_and_the_isolation_bonus(remand, isolation, country, credit):
    assert engine.remand_credit(remand, isolation, country) == credit


# ---------------------------------------------------------------------------------------
# Norway: the road, worked examples

NORWAY_ROADS = [
    # (what it shows, start, sentence days, remand, isolation, expected milestones)
    (
        "30 days: served in full (under 74 days), electronic control from the start",
        MONDAY,
        30,
        0,
        0,
        {
            "parole": None,
            "full_time": D(2026, 2, 4),
            "leave": None,
            "home_with_conditions": D(2026, 1, 20),
            "electronic_control": MONDAY,
        },
    ),
    ("73 days: 13 days would remain, so no parole", MONDAY, 73, 0, 0, {"parole": None, "full_time": D(2026, 3, 19)}),
    (
        "74 days: the 60-day floor, exactly 14 days remain",
        MONDAY,
        74,
        0,
        0,
        {"parole": D(2026, 3, 6), "full_time": D(2026, 3, 20)},
    ),
    ("91 days: two thirds (61) is above the floor", MONDAY, 91, 0, 0, {"parole": D(2026, 3, 7)}),
    (
        "90 days with 10 days remand, 5 in isolation: credit 13",
        MONDAY,
        90,
        10,
        5,
        {"parole": D(2026, 2, 21), "full_time": D(2026, 3, 23)},
    ),
    (
        "74 days, 70 on remand: eligible for parole from the first day",
        MONDAY,
        74,
        70,
        0,
        {"parole": MONDAY, "full_time": D(2026, 1, 9)},
    ),
    (
        "1 year from a leap day",
        D(2024, 2, 29),
        365,
        0,
        0,
        {
            "leave": D(2024, 6, 30),
            "home_with_conditions": D(2024, 8, 30),
            "electronic_control": D(2024, 4, 30),
            "institution": D(2024, 2, 29),
            "parole": D(2024, 10, 30),
            "full_time": D(2025, 2, 28),
        },
    ),
    (
        "240 days, 30 on remand, 7 in isolation: credit 34; leave after 4 months in custody",
        MONDAY,
        240,
        30,
        7,
        {
            "leave": D(2026, 4, 1),
            "home_with_conditions": D(2026, 4, 1),
            "parole": D(2026, 5, 11),
            "full_time": D(2026, 7, 30),
            "electronic_control": MONDAY,
        },
    ),
    (
        "15 years: leave after 4 years, not one third",
        MONDAY,
        5479,
        0,
        0,
        {
            "leave": D(2030, 1, 5),
            "home_with_conditions": D(2033, 7, 7),
            "electronic_control": D(2035, 7, 6),
            "institution": D(2035, 1, 6),
            "parole": D(2036, 1, 6),
            "full_time": D(2041, 1, 5),
        },
    ),
    (
        "Start on Christmas Eve: the road counts calendar days",
        D(2025, 12, 24),
        120,
        0,
        0,
        {"parole": D(2026, 3, 14), "full_time": D(2026, 4, 23)},
    ),
]


@pytest.mark.parametrize(
    ("start", "days", "remand", "isolation", "expected"),
    [row[1:] for row in NORWAY_ROADS],
    ids=[row[0] for row in NORWAY_ROADS],
)
def test_norwegian_road_worked_examples(start, days, remand, isolation, expected):
    road = engine.road(facts("NO", start, days, remand, isolation))
    got = dates(road)
    assert {key: got[key] for key in expected} == expected
    assert all(m.estimate and m.citation for m in road.milestones)


def test_the_road_waits_for_the_sentence():
    assert engine.road(facts("NO", None, None, legal_status="remand", intake=MONDAY)) is None


# ---------------------------------------------------------------------------------------
# Denmark and Sweden: the road


@pytest.mark.parametrize(
    ("country", "start", "days", "remand", "expected"),
    [
        # § 38: two thirds, at least 2 months served; 2 years: 487 days.
        ("DK", MONDAY, 730, 0, {"parole": D(2027, 5, 7), "full_time": D(2028, 1, 5), "electronic_tag": None}),
        # 4 months: two thirds (81 days) beats 2 months (59 days); tag possible from the start.
        ("DK", MONDAY, 120, 0, {"parole": D(2026, 3, 26), "electronic_tag": MONDAY}),
        # Remand is deducted day for day.
        ("DK", MONDAY, 120, 20, {"parole": D(2026, 3, 6), "full_time": D(2026, 4, 15)}),
        # Sweden: two thirds, at least one month.
        ("SE", MONDAY, 45, 0, {"parole": D(2026, 2, 5), "full_time": D(2026, 2, 19)}),
        ("SE", MONDAY, 360, 0, {"parole": D(2026, 9, 2)}),
    ],
)
def test_danish_and_swedish_road_worked_examples(country, start, days, remand, expected):
    got = dates(engine.road(facts(country, start, days, remand)))
    assert {key: got[key] for key in expected} == expected


# ---------------------------------------------------------------------------------------
# Deadlines per rule set, worked examples against the seeded rules


def rules_of(code: str) -> list[engine.RuleData]:
    rule_set = RuleSet.objects.get(code=code, version=1)
    return [engine.RuleData.of(rule) for rule in Rule.objects.filter(rule_set=rule_set)]


def due(results, code):
    return next(r for r in results if r.rule.code == code)


@pytest.mark.django_db
def test_the_seeded_rule_sets_and_their_rule_counts():
    counts = {rs.code: rs.rules.count() for rs in RuleSet.objects.all()}
    # Each with the three-month follow-up after release (issue 22; timetable.migrations.0006).
    assert counts == {"no-pop": 7, "dk-god-loesladelse": 10, "se-execution-plan": 2}
    assert all(rule.citation and "Seed" not in rule.citation for rule in Rule.objects.all())


NORWAY_DEADLINES = [
    # (what it shows, facts, today, rule code, due, state)
    (
        "needs conversation: 7 days after an intake in a leap February",
        {"intake": D(2024, 2, 26)},
        D(2024, 3, 1),
        "needs-conversation",
        D(2024, 3, 4),
        DeadlineState.UPCOMING,
    ),
    (
        "needs conversation overdue without a completed session",
        {"intake": D(2026, 3, 2)},
        D(2026, 3, 12),
        "needs-conversation",
        D(2026, 3, 9),
        DeadlineState.OVERDUE,
    ),
    (
        "needs conversation met on the day it was held",
        {"intake": D(2026, 3, 2), "conversation_done": D(2026, 3, 6)},
        D(2026, 3, 12),
        "needs-conversation",
        D(2026, 3, 9),
        DeadlineState.MET,
    ),
    (
        "proposals: 5 working days, across Easter 2026 (2-6 April are holidays)",
        {"intake": D(2026, 3, 20), "conversation_done": D(2026, 3, 31)},
        D(2026, 4, 1),
        "proposals",
        D(2026, 4, 10),
        DeadlineState.UPCOMING,
    ),
    (
        "proposals: 5 working days across Christmas",
        {"intake": D(2026, 12, 14), "conversation_done": D(2026, 12, 22)},
        D(2026, 12, 30),
        "proposals",
        D(2026, 12, 30),
        DeadlineState.DUE_TODAY,
    ),
    (
        "proposals wait for the needs conversation",
        {"intake": D(2026, 3, 2)},
        D(2026, 3, 3),
        "proposals",
        None,
        DeadlineState.NOT_APPLICABLE,
    ),
    (
        "incoming actors 8 weeks before the recorded release",
        {"intake": MONDAY, "expected_release": D(2026, 6, 5)},
        D(2026, 4, 1),
        "incoming-actors-join",
        D(2026, 4, 10),
        DeadlineState.UPCOMING,
    ),
    (
        "incoming actors met when probation joins",
        {
            "intake": MONDAY,
            "expected_release": D(2026, 6, 5),
            "members": (engine.Member(9, "probation", False, D(2026, 3, 1)),),
        },
        D(2026, 4, 20),
        "incoming-actors-join",
        D(2026, 4, 10),
        DeadlineState.MET,
    ),
    (
        "NAV told of another release date does not count",
        {
            "intake": MONDAY,
            "expected_release": D(2026, 6, 5),
            "notices": (engine.Notice("nav", D(2026, 7, 1), D(2026, 3, 1)),),
        },
        D(2026, 4, 20),
        "nav-told",
        D(2026, 4, 10),
        DeadlineState.OVERDUE,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case_facts", "today", "code", "expected_due", "state"),
    [row[1:] for row in NORWAY_DEADLINES],
    ids=[row[0] for row in NORWAY_DEADLINES],
)
def test_norwegian_pop_deadlines_worked_examples(case_facts, today, code, expected_due, state):
    case_facts = dict(case_facts)  # the rows are shared with test_overdue_count_agrees_with_evaluate
    intake = case_facts.pop("intake")
    results = engine.evaluate(rules_of("no-pop"), facts("NO", None, None, intake=intake, **case_facts), today)
    result = due(results, code)
    assert (result.due, result.state) == (expected_due, state)
    assert result.rule.citation


def test_release_from_the_road_when_no_date_is_recorded():
    road = engine.road(facts("NO", MONDAY, 74))
    assert engine.release_date(facts("NO", MONDAY, 74), road) == D(2026, 3, 6)


DANISH_DEADLINES = [
    ("action plan 4 weeks after intake", {"days": 200}, D(2026, 1, 10), "action-plan", D(2026, 2, 2)),
    (
        "plan revised every 3 months (up to 1 year), clamped to the month's end",
        {"days": 300, "latest_plan_review": D(2025, 11, 30)},
        D(2026, 1, 10),
        "plan-revision-short",
        D(2026, 2, 28),
    ),
    (
        "plan revised every 6 months (over 1 year), into a leap February",
        {"days": 900, "latest_plan_review": D(2023, 8, 31)},
        D(2023, 9, 1),
        "plan-revision-long",
        D(2024, 2, 29),
    ),
    ("no 6-month rule for a short sentence", {"days": 300}, D(2026, 1, 10), "plan-revision-long", None),
    (
        "municipality within 4 weeks (up to 1 year)",
        {"days": 365},
        D(2026, 1, 10),
        "municipality-contact-short",
        D(2026, 2, 2),
    ),
    (
        "municipality a year before parole (2 years: parole 7 May 2027)",
        {"days": 730},
        D(2026, 1, 10),
        "municipality-contact-long",
        D(2026, 5, 7),
    ),
    ("probation 8 weeks before parole", {"days": 730}, D(2026, 1, 10), "probation-involved", D(2027, 3, 12)),
    (
        "probation's parole plan 7 days after parole",
        {"days": 730},
        D(2026, 1, 10),
        "parole-action-plan",
        D(2027, 5, 14),
    ),
    (
        "probation contacts the municipality 4 weeks after joining",
        {"days": 730, "members": (engine.Member(5, "probation", False, D(2027, 3, 1)),)},
        D(2026, 1, 10),
        "probation-contacts-municipality",
        D(2027, 3, 29),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case_facts", "today", "code", "expected_due"),
    [row[1:] for row in DANISH_DEADLINES],
    ids=[row[0] for row in DANISH_DEADLINES],
)
def test_danish_god_loesladelse_deadlines_worked_examples(case_facts, today, code, expected_due):
    days = case_facts.pop("days")
    results = engine.evaluate(rules_of("dk-god-loesladelse"), facts("DK", MONDAY, days, **case_facts), today)
    assert due(results, code).due == expected_due


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2026, 1, 31), D(2026, 2, 28)), (D(2024, 1, 31), D(2024, 2, 29)), (D(2026, 12, 24), D(2027, 1, 24))],
)
def test_swedish_execution_plan_within_a_month_of_the_start(start, expected):
    results = engine.evaluate(rules_of("se-execution-plan"), facts("SE", start, 200), start)
    assert due(results, "execution-plan").due == expected


# ---------------------------------------------------------------------------------------
# Release risks


@pytest.mark.parametrize(
    ("release", "codes"),
    [
        (D(2026, 12, 4), {"friday_release"}),
        (D(2026, 12, 5), {"weekend_release"}),
        (D(2026, 12, 24), {"holiday_eve_release"}),  # the eve of Christmas Day
        (D(2026, 5, 13), {"holiday_eve_release"}),  # the eve of Ascension Day
        (D(2026, 12, 2), set()),
    ],
)
def test_release_day_risks(release, codes):
    found = {r.code for r in engine.risks(facts("NO", MONDAY, 800, expected_release=release), D(2026, 1, 10))}
    assert found == codes


def test_a_release_within_eight_weeks_needs_an_incoming_actor_and_the_notices():
    today = D(2026, 11, 2)
    release = D(2026, 12, 2)
    bare = {r.code for r in engine.risks(facts("NO", MONDAY, 800, expected_release=release), today)}
    assert bare == {"no_incoming_actor", "nav_not_told", "municipality_not_told"}
    ready = facts(
        "NO",
        MONDAY,
        800,
        expected_release=release,
        members=(engine.Member(3, "municipality", False, D(2026, 10, 1)),),
        notices=(
            engine.Notice("nav", release, D(2026, 9, 1)),
            engine.Notice("municipality", release, D(2026, 9, 1)),
        ),
    )
    assert engine.risks(ready, today) == []


def test_housing_not_in_place_four_weeks_before_release_and_remand_without_date():
    release = D(2026, 12, 2)
    found = engine.risks(facts("NO", MONDAY, 800, expected_release=release, housing_open=True), D(2026, 11, 10))
    assert "housing_not_in_place" in {r.code for r in found}
    remand = engine.CaseFacts(case_id=1, country="NO", legal_status="remand", intake_date=MONDAY)
    assert [r.code for r in engine.risks(remand, MONDAY)] == ["remand_unknown_release"]


# ---------------------------------------------------------------------------------------
# Properties

starts = st.dates(min_value=D(1990, 1, 1), max_value=D(2080, 12, 31))
lengths = st.integers(min_value=1, max_value=20 * 366)
countries = st.sampled_from(["NO", "DK", "SE"])


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    short=lengths,
    extra=st.integers(min_value=1, max_value=3000),
    remand=st.integers(0, 400),
    isolation=st.integers(0, 100),
    country=countries,
)
def test_every_estimate_is_monotone_in_the_sentence_length(start, short, extra, remand, isolation, country):
    shorter = engine.road(facts(country, start, short, remand, isolation))
    longer = engine.road(facts(country, start, short + extra, remand, isolation))
    assert shorter.full_time <= longer.full_time
    assert shorter.release_estimate <= longer.release_estimate or shorter.parole is None
    for before, after in zip(shorter.milestones, longer.milestones, strict=True):
        if before.date is not None and after.date is not None:
            assert before.date <= after.date, before.key


@settings(max_examples=300, deadline=None)
@given(start=starts, length=lengths, remand=st.integers(0, 400), isolation=st.integers(0, 100))
def test_norwegian_parole_respects_two_thirds_60_days_and_14_days(start, length, remand, isolation):
    road = engine.road(facts("NO", start, length, remand, isolation))
    credit = engine.remand_credit(remand, isolation, "NO")
    assert all(m.date is None or m.date >= start for m in road.milestones)
    if length < 74:
        assert road.parole is None
    else:
        assert road.parole is not None
        served = (road.parole - start).days + credit
        assert (served >= 60 and served * 3 >= 2 * length) or road.parole == start
        assert length - max(served, 60) >= 14 or road.parole == start


@settings(max_examples=200, deadline=None)
@given(
    day=starts,
    offset=st.integers(-40, 40),
    unit=st.sampled_from(["days", "weeks", "months", "working_days"]),
    country=countries,
)
def test_a_working_day_offset_lands_on_a_working_day(day, offset, unit, country):
    result = engine.shift(day, offset, unit, country)
    if unit == "working_days":
        assert is_working_day(result, country)
    assert (result > day) == (offset > 0) or offset == 0 or (unit == "months" and result == day)


@pytest.mark.django_db
@pytest.mark.parametrize("rule_set", ["no-pop", "dk-god-loesladelse"])
def test_overdue_count_agrees_with_evaluate(rule_set):
    """The unit overview's count (issue 15, speed) is evaluate's count of overdue deadlines."""
    rules = rules_of(rule_set)
    seen = set()
    for _name, case_facts, today, *_ in NORWAY_DEADLINES:
        extra = dict(case_facts)
        intake = extra.pop("intake")
        for day, start, days in itertools.product(
            (today, today + datetime.timedelta(days=60), today + datetime.timedelta(days=400)),
            (None, intake),
            (None, 120, 900),
        ):
            f = facts("NO", start, days, intake=intake, **extra)
            expected = sum(1 for r in engine.evaluate(rules, f, day) if r.state == DeadlineState.OVERDUE)
            assert engine.overdue_count(rules, f, day) == expected
            seen.add(expected)
    assert len(seen) > 1  # the rows reach different counts, so the agreement says something


# ---------------------------------------------------------------------------------------
# What the unit's counts read (issue 15, speed): the facts of a kind not read change nothing

some_days = st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31))
maybe_days = st.none() | some_days


@st.composite
def case_facts(draw) -> tuple[engine.CaseFacts, datetime.date]:
    """Facts of a case and a day, mostly weeks before its release, with notices of that release (or another)."""
    release = draw(maybe_days)
    on = st.sampled_from([release, D(2026, 7, 1)]) if release else some_days
    members = st.builds(
        engine.Member,
        user_id=st.integers(1, 4),
        role=st.sampled_from(["probation", "municipality", "contact_officer", "nav"]),
        is_lead=st.booleans(),
        start_date=some_days,
    )
    notices = st.builds(
        engine.Notice, recipient=st.sampled_from(["nav", "municipality"]), release_date=on, told_on=some_days
    )
    near = st.integers(-10, 70).map(lambda days: release - datetime.timedelta(days=days)) if release else some_days
    today = draw(near | some_days)
    return engine.CaseFacts(
        case_id=1,
        country=draw(countries),
        legal_status=draw(st.sampled_from(["sentenced", "remand"])),
        intake_date=draw(some_days),
        sentence_start=draw(maybe_days),
        sentence_days=draw(st.none() | st.integers(1, 900)),
        sentence_years=draw(st.integers(0, 1)),
        sentence_months=draw(st.integers(0, 8)),
        sentence_term_days=draw(st.integers(0, 20)),
        remand_days=draw(st.integers(0, 40)),
        isolation_days=draw(st.integers(0, 5)),
        expected_release=release,
        conversation_done=draw(maybe_days),
        latest_plan_review=draw(maybe_days),
        proposals_tracked=True,
        first_proposal=draw(maybe_days),
        members=tuple(draw(st.lists(members, max_size=3))),
        notices=tuple(draw(st.lists(notices, max_size=4))),
        housing_open=draw(st.booleans()),
        income_settled_on=draw(maybe_days),
        released_on=draw(maybe_days),
        outcome_follow_up_on=draw(maybe_days),
    ), today


#: What each kind of fact read in bulk sets in the facts (``timetable.selectors.facts_for_cases``).
UNREAD = {
    engine.MEMBERS: {"members": ()},
    engine.NOTICES: {"notices": ()},
    engine.NEEDS: {"housing_open": False, "income_settled_on": None},
    engine.PLAN_VERSIONS: {"latest_plan_review": None},
    engine.FOLLOW_UPS: {"outcome_follow_up_on": None},
}


def without(f: engine.CaseFacts, kinds) -> engine.CaseFacts:
    """The facts with the kinds of fact not read left out, as ``facts_for_cases`` leaves them."""
    return dataclasses.replace(f, **{name: value for kind in kinds for name, value in UNREAD[kind].items()})


def columns_of(f: engine.CaseFacts) -> engine.CaseFacts:
    """The case's own columns only: what the counts know before reading the facts."""
    return dataclasses.replace(without(f, UNREAD), conversation_done=None, first_proposal=None)


@settings(max_examples=400, deadline=None)
@given(case=case_facts())
def test_at_risk_is_whether_there_are_risks(case):
    f, today = case
    assert engine.at_risk(f, today) == bool(engine.risks(f, today))


@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(case=case_facts())
def test_the_counts_read_what_they_need_and_nothing_else_changes_them(case):
    f, today = case
    for code in ("no-pop", "dk-god-loesladelse"):
        rules = rules_of(code)
        read = engine.counts_read(rules, columns_of(f), today)
        partial = without(f, set(UNREAD) - read)
        assert engine.overdue_count(rules, partial, today) == engine.overdue_count(rules, f, today)
        assert engine.at_risk(partial, today) == engine.at_risk(f, today)


@pytest.mark.django_db
def test_what_the_counts_read_around_the_release_changes_no_count():
    """Every day from ten weeks before to a few days after releases on each weekday, with and without facts."""
    sets = [rules_of("no-pop"), rules_of("dk-god-loesladelse")]
    checked = 0
    for release, country, days, back in itertools.product(
        [D(2026, 6, 1) + datetime.timedelta(days=n) for n in range(7)], ["NO", "DK"], [None, 200, 500], range(-3, 72)
    ):
        today = release - datetime.timedelta(days=back)
        for told, joined in itertools.product(["", "nav", "municipality", "both"], [(), ("probation",)]):
            f = facts(
                country,
                release - datetime.timedelta(days=days or 100),
                days,
                intake=release - datetime.timedelta(days=120),
                expected_release=release,
                notices=tuple(
                    engine.Notice(to, release, release - datetime.timedelta(days=60))
                    for to in ("nav", "municipality")
                    if told in (to, "both")
                ),
                members=tuple(engine.Member(2, role, False, release - datetime.timedelta(days=90)) for role in joined),
                housing_open=True,
                income_settled_on=release - datetime.timedelta(days=3),
                released_on=release if back < 0 else None,
                outcome_follow_up_on=release,
            )
            assert engine.at_risk(f, today) == bool(engine.risks(f, today))
            for rules in sets:
                partial = without(f, set(UNREAD) - engine.counts_read(rules, columns_of(f), today))
                assert engine.overdue_count(rules, partial, today) == engine.overdue_count(rules, f, today)
                assert engine.at_risk(partial, today) == engine.at_risk(f, today)
                checked += 1
    assert checked > 50_000
