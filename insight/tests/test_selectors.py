"""insight.selectors: the baseline and the latest of a scope, and what a value may show (issue 22, point 2)."""

import pytest

from insight.models import MeasuredValue, Measurement
from insight.scopes import Scope
from insight.selectors import baseline, figure, latest, measurements_of

pytestmark = pytest.mark.django_db


def test_the_demo_worlds_baseline_of_norway_is_its_latest_done_measurement_until_another_is_taken():
    norway = Scope("country", "NO")
    marked = baseline(norway)
    assert marked is not None and marked.taken_at is not None
    assert latest(norway) == marked and marked in measurements_of(norway)
    assert baseline(Scope("country", "DK")) is None and latest(Scope("prison", "999999")) is None


def test_a_small_count_is_shown_as_fewer_than_five_and_its_share_not_at_all():
    measurement = Measurement.objects.filter(values__kind="share").first()
    assert measurement is not None
    value = MeasuredValue(measurement=measurement, key="x", kind="share", numerator=3, denominator=8, n=8, value=0.375)
    shown = figure(value)
    assert shown.hidden and shown.value is None and shown.low is None and shown.high is None
    assert shown.numerator is not None and str(shown.numerator) != "3"
