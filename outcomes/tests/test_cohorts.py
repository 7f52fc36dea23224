"""Outcomes by release cohort and follow-up period, on a world where every value is known.

Today is 1 March 2027 (given, never the machine's day). The prison's releases:

- second half of 2024, 12 releases (all three periods have ended: two years after 31 December
  2024 is 31 December 2026):
  - three months: 5 in work, 1 in education, 3 neither, 1 not known, 2 not written down:
    6 in work or education, 3 neither, 3 not known (both hidden: fewer than 5); share 6/12;
  - a year: charged within the year: 4 (one of them twice); one more charged 13 months after
    (does not count), one with a charge removed as a mistake (does not count): 4 charged
    (hidden), so 8 without (hidden too, or 12 - 8 gives it away); no share;
  - two years: 5 started a new sentence within two years; one more came back on remand only,
    one more started a sentence two years and a day after: 5 new sentences, 7 not; share 5/12;
- first half of 2025, 3 releases, none followed up: 3 months and a year ended, 2 years not;
- 15 January 2027, 1 release: its cohort (first half of 2027) has ended nothing;
- a release in another prison and a case not released: not in the prison's figures.
"""

import datetime

import pytest
import time_machine
from django.utils import translation

from cases.models import LegalStatus
from insight.registry import Count, Period, indicator
from outcomes.cohorts import cohort_table, success
from outcomes.tests.world import SITUATIONS, World, day

pytestmark = pytest.mark.django_db

TODAY = day("2027-03-01")
H2_2024 = Period(day("2024-07-01"), day("2024-12-31"))


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    world = World()

    def after(case, days: int) -> str:
        assert case.released_on is not None
        return (case.released_on + datetime.timedelta(days=days)).isoformat()

    releases = [world.case(f"2024-{month:02d}-15") for month in (7, 8, 9, 10, 11, 12)] + [
        world.case(f"2024-{month:02d}-28") for month in (7, 8, 9, 10, 11, 12)
    ]
    for case, situation in zip(releases, SITUATIONS, strict=True):
        if situation is not None:
            world.follow_up(case, situation)
    # Charged within a year: releases 0-3 (release 0 twice); release 4 after the year; release 5 removed.
    for case in releases[:4]:
        world.charge(case, after(case, 30))
    world.charge(releases[0], after(releases[0], 60))
    world.charge(releases[4], after(releases[4], 395))
    world.charge(releases[5], after(releases[5], 40), removed=True)
    # A new sentence within two years: releases 6-10; release 11 on remand only; release 5 two years and a day after.
    for case in releases[6:11]:
        world.next_case(case, after(case, 200))
    world.next_case(releases[11], after(releases[11], 100), LegalStatus.REMAND)
    world.next_case(releases[5], after(releases[5], 2 * 365 + 1))  # 15 Dec 2024 + 731 days: 16 Dec 2026
    for month in (2, 3, 4):
        world.case(f"2025-{month:02d}-10")
    world.case("2027-01-15")
    world.case(None)
    other = World("Et annet testfengsel")
    world.case("2024-09-01", prison=other.prison)
    return world


def rows_by_label(world):
    return {row.label: row for row in cohort_table(world.scope, TODAY)}


def test_the_half_years_run_from_the_first_release_to_today(world):
    labels = [row.label for row in cohort_table(world.scope, TODAY)]
    assert labels == [
        "Second half of 2024",
        "First half of 2025",
        "Second half of 2025",
        "First half of 2026",
        "Second half of 2026",
        "First half of 2027",
    ]


def test_a_cohort_whose_periods_have_ended_shows_its_known_values(world):
    row = rows_by_label(world)["Second half of 2024"]
    assert row.released.value == 12
    three, year, two = row.outcomes
    assert [o.ended for o in row.outcomes] == [True, True, True]
    assert three.cells["work_or_education"].value == 6
    assert three.cells["neither"].hidden and three.cells["neither"].small
    assert three.cells["not_known"].hidden and three.cells["not_known"].small
    assert three.share == 0.5 and three.count == Count(6, 12)
    # 4 charged is fewer than 5: hidden, and the 8 without too, or 12 - 8 would give it away.
    assert year.cells["charged"].hidden and year.cells["charged"].small
    assert year.cells["no_charge"].hidden and not year.cells["no_charge"].small
    assert year.share is None and year.count is None
    assert two.cells["new_sentence"].value == 5 and two.cells["no_new_sentence"].value == 7
    assert two.share == pytest.approx(5 / 12) and two.count == Count(5, 12)


def test_a_cohort_whose_period_has_not_ended_is_not_reported(world):
    row = rows_by_label(world)["First half of 2025"]
    three, year, two = row.outcomes
    assert three.ended and year.ended
    assert not two.ended and two.cells == {} and two.share is None and two.count is None
    assert two.ends_on == day("2027-06-30")
    # Three releases, none followed up: 3 not known is hidden, zero names no one and is shown; no share.
    assert row.released.hidden and row.released.small
    assert three.cells["not_known"].hidden and three.cells["not_known"].small
    assert three.cells["work_or_education"].value == 0 and three.cells["neither"].value == 0
    assert three.share is None and three.count is None
    young = rows_by_label(world)["First half of 2027"]
    assert [o.ended for o in young.outcomes] == [False, False, False]
    assert young.released.hidden  # one release


def test_a_cohort_ends_the_day_after_its_last_follow_up_day():
    world = World()
    for _ in range(10):
        world.case("2026-06-30")
    on_the_day = cohort_table(world.scope, day("2026-09-30"))[0].outcomes[0]
    after = cohort_table(world.scope, day("2026-10-01"))[0].outcomes[0]
    assert not on_the_day.ended and after.ended
    assert after.cells["not_known"].value == 10 and after.share == 0.0


def test_success_is_the_share_in_work_or_education_after_three_months(world):
    assert success(world.scope, H2_2024, TODAY) == Count(6, 12)
    # The January 2027 release is still inside its three months: not counted either way.
    assert success(world.scope, Period(day("2027-01-01"), day("2027-06-30")), TODAY) == Count(0, 0)


def test_yearly_cohorts(world):
    rows = {row.label: row for row in cohort_table(world.scope, TODAY, grain="year")}
    assert list(rows) == ["2024", "2025", "2026", "2027"]
    assert rows["2024"].released.value == 12 and rows["2024"].outcomes[2].ended


def test_the_indicators_count_the_same_as_the_table(world):
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        assert indicator("outcomes.work_or_education_3m").compute(world.scope, H2_2024) == Count(6, 12)
        assert indicator("outcomes.no_new_charge_1y").compute(world.scope, H2_2024) == Count(8, 12)
        assert indicator("outcomes.new_sentence_2y").compute(world.scope, H2_2024) == Count(5, 12)
        # The first half of 2025: a year has passed for all three, two years only for the release of 10
        # February 2025 (the indicator counts each release whose own period has passed; the table waits
        # for the whole cohort).
        first_2025 = Period(day("2025-01-01"), day("2025-06-30"))
        assert indicator("outcomes.no_new_charge_1y").compute(world.scope, first_2025) == Count(3, 3)
        assert indicator("outcomes.new_sentence_2y").compute(world.scope, first_2025) == Count(0, 1)


def test_an_empty_scope_has_no_cohorts():
    assert cohort_table(World().scope, TODAY) == []
