"""The replay benchmark of issue 23 runs: every event accepted once, the second pass changes 0 rows."""

import pytest

from bench.api_replay import replay
from cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("batch", [0, 2])  # one request per event; batches, the last one short
def test_a_replay_of_intakes_and_releases_changes_nothing_the_second_time(batch):
    cases = Case.objects.count()
    first, second = replay(3, batch)
    assert first.statuses == {200: 6} and first.replayed == 0 and first.rows_changed > 0
    assert second.statuses == {200: 6} and second.replayed == 6
    assert second.rows_changed == 0
    assert Case.objects.count() == cases  # the benchmark keeps nothing
