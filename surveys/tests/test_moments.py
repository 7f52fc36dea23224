"""When the person is asked: the rule at its edges (``surveys.moments``)."""

import datetime

from surveys.moments import RELEASE_AHEAD, Facts, due, reached

DAY = datetime.date(2027, 3, 10)


def facts(**given) -> Facts:
    values = {"plan_made_on": None, "expected_release": None, "released_on": None, "closing": False}
    return Facts(**{**values, **given})


def test_nothing_is_asked_before_the_plan_is_made():
    assert reached(facts(), DAY) == []
    assert due(facts(), set(), DAY) is None


def test_the_plan_questions_open_on_the_day_the_plan_is_made_not_before():
    assert due(facts(plan_made_on=DAY), set(), DAY) == "plan"
    assert due(facts(plan_made_on=DAY + datetime.timedelta(days=1)), set(), DAY) is None


def test_the_release_questions_open_two_weeks_before_the_expected_release():
    release = DAY + RELEASE_AHEAD
    assert due(facts(plan_made_on=DAY, expected_release=release), set(), DAY) == "release"
    later = release + datetime.timedelta(days=1)
    assert due(facts(plan_made_on=DAY, expected_release=later), set(), DAY) == "plan"


def test_a_release_on_record_opens_them_too_and_closing_comes_last():
    assert due(facts(released_on=DAY), set(), DAY) == "release"
    assert due(facts(plan_made_on=DAY, released_on=DAY, closing=True), set(), DAY) == "closing"


def test_an_answered_moment_is_not_asked_again_and_an_earlier_one_lapses():
    released = facts(plan_made_on=DAY, released_on=DAY)
    assert due(released, {"release"}, DAY) is None
    assert due(released, set(), DAY) == "release"  # the plan's questions, never answered, are not asked now
