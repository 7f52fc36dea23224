"""The date sweep deals the slow tests out over its days: each runs on exactly one, or on none if it
only repeats the real date's run (core.tests.sweep)."""

from pathlib import Path

import pytest
from django.conf import settings

import conftest
from core.tests import sweep


@pytest.fixture(autouse=True)
def no_browser_variable(monkeypatch):
    """The tests below set what they read: CI's run on PostgreSQL sets OVERGANG_NO_BROWSER for the whole run."""
    monkeypatch.delenv(sweep.NO_BROWSER_VARIABLE, raising=False)


class Item:
    """What the collection hook reads of a collected test."""

    def __init__(self, nodeid: str, live: bool = False) -> None:
        self.nodeid = nodeid
        self.fixturenames = ("live_site",) if live else ()
        self.markers: list = []

    def add_marker(self, marker) -> None:
        self.markers.append(marker)


class Config:
    def __init__(self) -> None:
        self.deselected: list = []
        self.hook = self

    def pytest_deselected(self, items) -> None:
        self.deselected.extend(items)


def collected() -> list[Item]:
    return [
        Item("cases/tests/test_browser_story.py::test_desktop", live=True),
        Item("cases/tests/test_browser_story.py::test_phone", live=True),
        Item("plans/tests/test_browser_plan.py::test_plan", live=True),
        Item("plans/tests/test_browser_plan.py::test_plan_on_a_phone", live=True),
        Item("new/tests/test_browser_new.py::test_new", live=True),
        Item("access/tests/test_idor_swap.py::test_swap"),
        Item("core/tests/test_templates.py::test_escape"),
        Item("access/tests/test_url_walk.py::test_walk"),
        Item("timetable/tests/test_engine.py::test_deadline"),
        Item("timetable/tests/test_reminders.py::test_concurrent_runs", live=True),
        Item("timetable/tests/test_reminders.py::test_the_day_before"),
        Item("access/tests/test_policy_property.py::test_policy"),
    ]


def test_the_sweep_day_is_read_from_the_environment():
    assert sweep.sweep_day({}) is None
    assert sweep.sweep_day({"OVERGANG_SWEEP": "2/5"}) == (2, 5)
    for wrong in ("0/5", "6/5", "x/5", "2"):
        with pytest.raises(ValueError):
            sweep.sweep_day({"OVERGANG_SWEEP": wrong})


def test_dealing_gives_each_file_one_day_and_keeps_the_days_even():
    weights = sweep.shared_files(sweep.LIVE_WEIGHTS)
    dealt = sweep.deal(weights, 5)
    assert set(dealt) == set(weights)
    assert set(dealt.values()) == {1, 2, 3, 4, 5}
    loads = [sum(weights[path] for path, day in dealt.items() if day == d) for d in range(1, 6)]
    assert max(loads) - min(loads) <= max(weights.values()), loads
    assert sweep.deal(weights, 5) == dealt  # the same deal on every run


def test_every_file_named_exists():
    for path in (*sweep.SLOW_AND_DAY_FREE, *sweep.LIVE_WEIGHTS):
        assert (Path(settings.BASE_DIR) / path).is_file(), path


def test_the_real_date_only_files_are_slow_day_free_ones_and_not_dealt():
    assert sweep.REAL_DATE_ONLY.issubset(sweep.SLOW_AND_DAY_FREE)
    assert not sweep.REAL_DATE_ONLY & set(sweep.shared_files(sweep.LIVE_WEIGHTS))
    # The walk renders every address on the day: it stays on one swept day.
    assert "access/tests/test_url_walk.py" in sweep.shared_files(())
    for path in sweep.BROWSER_SWEPT:
        assert sweep.is_browser_file(path) and (Path(settings.BASE_DIR) / path).is_file(), path
        assert path in sweep.shared_files([path])
    assert "cases/tests/test_browser_story.py" not in sweep.shared_files(["cases/tests/test_browser_story.py"])


def test_outside_the_sweep_every_test_runs(monkeypatch):
    monkeypatch.delenv("OVERGANG_SWEEP", raising=False)
    items, config = collected(), Config()
    conftest.pytest_collection_modifyitems(config, items)
    assert len(items) == len(collected()) and config.deselected == []
    assert sweep.policy_worlds() == 200
    # In four tests of 50 worlds each, which the two workers share.
    assert sweep.policy_shares() == 4 and sweep.policy_worlds() // sweep.policy_shares() == 50


def test_over_the_sweep_each_shared_test_runs_on_exactly_one_day_and_the_others_every_day(monkeypatch):
    runs: dict[str, int] = {}
    days_of: dict[str, int] = {}
    for day in range(1, 6):
        monkeypatch.setenv("OVERGANG_SWEEP", f"{day}/5")
        items, config = collected(), Config()
        conftest.pytest_collection_modifyitems(config, items)
        assert len(items) + len(config.deselected) == len(collected())
        for item in items:
            runs[item.nodeid] = runs.get(item.nodeid, 0) + 1
            days_of[item.nodeid] = day
        assert "timetable/tests/test_engine.py::test_deadline" in {item.nodeid for item in items}
        assert sweep.policy_worlds() == sweep.SWEEP_POLICY_WORLDS
        assert sweep.policy_shares() == 1
    shared = ("test_browser_plan", "test_url_walk", "test_concurrent_runs")
    assert {nodeid: count for nodeid, count in runs.items() if any(part in nodeid for part in shared)} == {
        item.nodeid: 1 for item in collected() if any(part in item.nodeid for part in shared)
    }
    # What only repeats the real date's run runs on no swept day.
    assert "access/tests/test_idor_swap.py::test_swap" not in runs
    assert "core/tests/test_templates.py::test_escape" not in runs
    # Nor do the browser tests but those of pages that turn on deadlines and days.
    assert "cases/tests/test_browser_story.py::test_desktop" not in runs
    assert "new/tests/test_browser_new.py::test_new" not in runs
    assert runs["timetable/tests/test_engine.py::test_deadline"] == 5
    # In a file with a live-server test, its other tests run every day.
    assert runs["timetable/tests/test_reminders.py::test_the_day_before"] == 5
    assert runs["timetable/tests/test_reminders.py::test_concurrent_runs"] == 1
    assert runs["access/tests/test_policy_property.py::test_policy"] == 5
    # Both tests of one browser file run on the same day, with one gunicorn and one Chromium.
    assert (
        days_of["plans/tests/test_browser_plan.py::test_plan"]
        == days_of["plans/tests/test_browser_plan.py::test_plan_on_a_phone"]
    )


def test_the_run_on_postgresql_leaves_the_browser_tests_out_and_keeps_the_other_live_ones(monkeypatch):
    monkeypatch.delenv("OVERGANG_SWEEP", raising=False)
    monkeypatch.setenv(sweep.NO_BROWSER_VARIABLE, "1")
    items, config = collected(), Config()
    conftest.pytest_collection_modifyitems(config, items)
    kept = {item.nodeid for item in items}
    assert {item.nodeid for item in config.deselected} == {
        "cases/tests/test_browser_story.py::test_desktop",
        "cases/tests/test_browser_story.py::test_phone",
        "plans/tests/test_browser_plan.py::test_plan",
        "plans/tests/test_browser_plan.py::test_plan_on_a_phone",
        "new/tests/test_browser_new.py::test_new",
    }
    # Concurrent runs over a live server turn on the database: they stay.
    assert "timetable/tests/test_reminders.py::test_concurrent_runs" in kept
    assert len(kept) + len(config.deselected) == len(collected())
    monkeypatch.setenv(sweep.NO_BROWSER_VARIABLE, "")
    items, config = collected(), Config()
    conftest.pytest_collection_modifyitems(config, items)
    assert config.deselected == []


def test_a_property_test_draws_fewer_examples_on_a_swept_day(monkeypatch):
    monkeypatch.delenv("OVERGANG_SWEEP", raising=False)
    assert sweep.examples(150, swept=40) == 150
    monkeypatch.setenv("OVERGANG_SWEEP", "3/5")
    assert sweep.examples(150, swept=40) == 40
