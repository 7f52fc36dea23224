import datetime

import pytest
import time_machine
from django.utils import translation

#: A fixed day for the tests that count (no test depends on the day it runs): a Wednesday in the
#: middle of a quarter, so "the last four whole quarters" are 1 April 2026 to 31 March 2027.
TODAY = datetime.datetime(2027, 5, 12, 10, tzinfo=datetime.UTC)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def on_a_fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()
