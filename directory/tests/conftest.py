import datetime

import pytest
from django.utils import timezone

from directory.models import Service
from needs.models import Need
from plans.services import measure_propose


@pytest.fixture
def fri(db) -> Service:
    return Service.objects.get(name="FRI – fra fengsel til varig bolig")


@pytest.fixture
def drammen_housing(db) -> Service:
    return Service.objects.get(name="Boligtjenesten i Drammen kommune")


@pytest.fixture
def housing_measure(case, personas):
    """A proposal by Kari (the case's contact officer) for Jonas's housing need."""
    today = timezone.localdate()
    return measure_propose(
        actor=personas.contact_officer,
        case=case,
        title="Bolig etter løslatelsen",
        needs=[Need.objects.get(case=case, life_area__slug="housing")],
        responsible_user=personas.contact_officer,
        start_date=today,
        due_date=today + datetime.timedelta(days=30),
        requires_of_person="Møte på boligkontoret.",
    )


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English msgids, whatever the Norwegian translations say (as plans/tests does)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
