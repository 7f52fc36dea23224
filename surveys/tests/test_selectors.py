"""surveys.selectors: the fixed window the figures count, and when the quarter's questions wait (issue 22, point 5)."""

import datetime

import pytest
import time_machine

from surveys.selectors import last_four_quarters, staff_survey_due

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (datetime.date(2027, 3, 27), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2027, 4, 1), datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
    ],
)
def test_the_figures_count_the_last_four_whole_quarters(today, start, end):
    period = last_four_quarters(today)
    assert (period.start, period.end) == (start, end)


def test_the_quarters_questions_wait_for_staff_and_never_for_the_person(personas):
    with time_machine.travel(datetime.datetime(2027, 5, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert staff_survey_due(personas.contact_officer)
        assert not staff_survey_due(personas.person)
