"""Fixtures for release readiness: a fresh case with a full group, and the real SMTP sink."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import Case, LegalStatus, Membership
from cases.services import IntakeData, case_open, membership_add
from handover.services import membership_accept
from timetable.tests.conftest import smtp_settings, smtp_sink  # noqa: F401  (a real aiosmtpd server)


@pytest.fixture
def users(personas) -> dict[str, User]:
    return {user.username: user for user in User.objects.select_related("agency")}


def join(case: Case, by: User, user: User) -> Membership:
    membership = membership_add(actor=by, case=case, user=user)
    if membership.accepted_at is None:
        membership = membership_accept(actor=user, membership=membership)
    return membership


def open_case(officer: User, legal_status: str = LegalStatus.REMAND, **facts) -> Case:
    today = timezone.localdate()
    data = {
        "first_name": "Ali",
        "last_name": "Varetekt",
        "birth_date": datetime.date(2002, 2, 2),
        "home_municipality": "Bergen",
        "legal_status": legal_status,
        "intake_date": today - datetime.timedelta(days=10),
    }
    return case_open(actor=officer, data=IntakeData(**{**data, **facts}))


@pytest.fixture
def remand_case(users) -> Case:
    """A remand case in Kari's prison: Kari leads; Sara, Nils (NAV), Mona (municipality), Petra (probation)."""
    kari = users["kari.kontakt"]
    case = open_case(kari)
    for username in ["sara.sosial", "nils.nav", "mona.kommune", "petra.friomsorg"]:
        join(case, kari, users[username])
    return Case.objects.select_related("person", "institution").get(pk=case.pk)


@pytest.fixture(autouse=True)
def english(settings):
    """The pages and e-mails are asserted in English (the msgids), whatever the catalogues hold."""
    settings.LANGUAGE_CODE = "en"
