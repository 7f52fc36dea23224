"""Every indicator of insight/indicators.py against a world where its value is known (issue 22, "Measured")."""

import pytest

from insight.registry import Count, Median, indicators
from insight.scopes import Scope, cases_in
from insight.tests.world import EXPECTED, PERIOD, build_world

pytestmark = pytest.mark.django_db


def insight_indicators():
    return [indicator for indicator in indicators() if indicator.compute.__module__ == "insight.indicators"]


def test_every_indicator_of_the_app_has_a_known_value_in_the_world():
    assert sorted(indicator.key for indicator in insight_indicators()) == sorted(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_indicator_counts_the_hand_built_world(key):
    world = build_world()
    found = {indicator.key: indicator for indicator in indicators()}[key].compute(world.scope, PERIOD)
    assert found == EXPECTED[key]


def test_the_region_counts_the_same_cases_as_its_only_prison():
    world = build_world()
    region = Scope("region", world.prison.region)
    assert world.prison.region == "no-sorvest"
    assert set(cases_in(region)) == set(world.cases.values())
    for indicator in insight_indicators():
        assert indicator.compute(region, PERIOD) == EXPECTED[indicator.key], indicator.key


def test_the_programme_scope_counts_its_participants_and_its_places():
    world = build_world()
    scope = Scope("programme", world.programme.slug)
    assert {case.person.first_name for case in cases_in(scope)} == {"A", "B", "C"}
    by_key = {indicator.key: indicator for indicator in indicators()}
    assert by_key["programme_places_used"].compute(scope, PERIOD) == Count(2, 10)
    assert by_key["cases_with_consent"].compute(scope, PERIOD) == Count(1, 3)
    assert by_key["days_to_conversation"].compute(scope, PERIOD) == Median(12.5, 2)


def test_a_scope_with_no_cases_counts_nothing():
    empty = Scope("region", "no-nord")
    for indicator in insight_indicators():
        value = indicator.compute(empty, PERIOD)
        assert value in (Count(0, 0), Median(None, 0)), indicator.key
