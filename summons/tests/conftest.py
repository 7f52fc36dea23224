"""A sentenced person who waits to serve, registered by Kari in Bergen, and the municipality's IP group."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role, User
from cases.models import LegalStatus
from cases.services import IntakeData
from summons.models import ExistingGroup, ExistingKind, Topic
from summons.services import SummonsData, summoned_case_register, summons_save

START_IN = 30


@pytest.fixture
def waiting(db, personas):
    user = User.objects.create(username="per.vik", first_name="Per", last_name="Vik", role=Role.PERSON)
    start = timezone.localdate() + datetime.timedelta(days=START_IN)
    return summoned_case_register(
        actor=personas.contact_officer,
        data=IntakeData(
            first_name="Per",
            last_name="Vik",
            birth_date=datetime.date(2001, 3, 4),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=start,
            sentence_start=start,
            sentence_months=8,
        ),
        person_user=user,
    )


def summons_data(**changes) -> SummonsData:
    start = timezone.localdate() + datetime.timedelta(days=START_IN)
    values: dict[str, Any] = {
        "meet_at": timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 0))),
        "place": "Bergen fengsel",
        "address": "Storgaten 1, 5000 Bergen",
        "contact_name": "Kari Nilsen",
        "contact_phone": "55 00 00 00",
        "language": "nb",
        "topics": tuple(Topic.values),
        "bring": "Klær for en uke",
        "contact_hours": "Hverdager 9-15",
    }
    values.update(changes)
    return SummonsData(**values)


@pytest.fixture
def summons(waiting, personas):
    return summons_save(actor=personas.contact_officer, case=waiting, data=summons_data(), version=None)


@pytest.fixture
def ip_group(waiting, personas):
    """Bergen's IP for Per: Mona (municipality) coordinates; Nils (NAV) is in it."""
    group = ExistingGroup.objects.create(
        person=waiting.person,
        municipality="Bergen",
        kind=ExistingKind.INDIVIDUAL_PLAN,
        coordinator=personas.municipal_without_consent,
        recorded_by=personas.municipal_without_consent,
    )
    group.members.set([personas.municipal_without_consent, personas.nav_with_consent])
    return group
