import datetime

import pytest
from django.utils import timezone, translation

from needs.models import Need
from plans.services import measure_propose


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def housing(case):
    return Need.objects.get(case=case, life_area__slug="housing")


@pytest.fixture
def private_need(case):
    return Need.objects.get(case=case, private=True)


@pytest.fixture
def proposal(case, personas, housing, today):
    """A fresh proposal by Nils (NAV, covered by consent) for Jonas's housing need."""
    return measure_propose(
        actor=personas.nav_with_consent,
        case=case,
        title="Søknad om kommunal bolig",
        needs=[housing],
        responsible_user=personas.nav_with_consent,
        start_date=today,
        due_date=today + datetime.timedelta(days=30),
        requires_of_person="Møte på boligkontoret.",
    )


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English msgids, whatever the Norwegian translations say."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
