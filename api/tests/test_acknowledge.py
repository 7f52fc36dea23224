"""NAV or the municipality acknowledges a release notice through the API (issue 23, points 3 and 4)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Agency, AgencyKind
from api.models import ApiClient, ReceivedEvent, Scope
from cases.models import LegalStatus
from cases.services import IntakeData, case_open
from journal.models import JournalEntry
from notices.models import Notice
from notices.tests.conftest import subscribe

pytestmark = pytest.mark.django_db

ACK = "/api/events/notice-acknowledged"


@pytest.fixture
def nav(db) -> Agency:
    return Agency.objects.get(kind=AgencyKind.NAV, municipality="Bergen")


@pytest.fixture
def notice(personas, nav) -> Notice:
    """A notice to NAV Bergenhus of a new case's expected release."""
    subscribe(nav, personas.admin, url="http://127.0.0.1:9/notices")
    today = timezone.localdate()
    case = case_open(
        actor=personas.contact_officer,
        data=IntakeData(
            first_name="Per",
            last_name="Hansen",
            birth_date=datetime.date(1990, 1, 1),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=today - datetime.timedelta(days=2),
            sentence_start=today - datetime.timedelta(days=2),
            sentence_months=8,
            expected_release=today + datetime.timedelta(days=120),
        ),
    )
    return Notice.objects.get(case=case, agency=nav)


def client_of(agency: Agency, client_id: str, scopes: list[str]) -> ApiClient:
    return ApiClient.objects.create(client_id=client_id, name=client_id, agency=agency, scopes=scopes)


def test_the_recipient_acknowledges_its_notice_once_and_again_changes_nothing(call, issuer, nav, notice):
    client_of(nav, "nav-system", [Scope.NOTICES_ACKNOWLEDGE])
    token = issuer.token(client_id="nav-system", scope=Scope.NOTICES_ACKNOWLEDGE)
    first = call("post", ACK, {"notice_id": notice.pk}, token=token, Idempotency_Key="ack-1")
    assert first.status_code == 200, first.content
    assert first.json()["replayed"] is False and first.json()["result"]["notice_id"] == notice.pk
    acknowledged = Notice.objects.get(pk=notice.pk).acknowledged_at
    assert acknowledged is not None
    again = call("post", ACK, {"notice_id": notice.pk}, token=token, Idempotency_Key="ack-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert Notice.objects.get(pk=notice.pk).acknowledged_at == acknowledged
    assert JournalEntry.objects.filter(action="notice.acknowledge", object_id=str(notice.pk)).count() == 1


def test_another_agency_and_a_missing_number_get_the_same_404_and_change_nothing(call, issuer, notice, personas):
    municipality = Agency.objects.get(kind=AgencyKind.MUNICIPALITY, municipality="Bergen")
    client_of(municipality, "municipal-system", [Scope.NOTICES_ACKNOWLEDGE])
    token = issuer.token(client_id="municipal-system", scope=Scope.NOTICES_ACKNOWLEDGE)
    other = call("post", ACK, {"notice_id": notice.pk}, token=token, Idempotency_Key="ack-2")
    missing = call("post", ACK, {"notice_id": notice.pk + 10_000}, token=token, Idempotency_Key="ack-3")
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"]
    assert Notice.objects.get(pk=notice.pk).acknowledged_at is None
    # A refused event keeps no key: the agency may send it again, corrected.
    assert not ReceivedEvent.objects.filter(key__in=["ack-2", "ack-3"]).exists()


def test_the_prison_systems_scope_does_not_let_it_acknowledge(call, issuer, notice):
    """The prison system (events.write, cases.read) may not acknowledge NAV's notice for it."""
    response = call("post", ACK, {"notice_id": notice.pk}, Idempotency_Key="ack-4")
    assert response.status_code == 403
    assert Notice.objects.get(pk=notice.pk).acknowledged_at is None


def test_a_token_with_the_scope_its_client_may_not_use_is_refused(call, issuer, nav, notice):
    client_of(nav, "nav-system", [Scope.CASES_READ])
    token = issuer.token(client_id="nav-system", scope=Scope.NOTICES_ACKNOWLEDGE)
    response = call("post", ACK, {"notice_id": notice.pk}, token=token, Idempotency_Key="ack-5")
    assert response.status_code == 403
    assert Notice.objects.get(pk=notice.pk).acknowledged_at is None


def test_a_time_in_the_future_or_without_its_offset_is_refused(call, issuer, nav, notice):
    client_of(nav, "nav-system", [Scope.NOTICES_ACKNOWLEDGE])
    token = issuer.token(client_id="nav-system", scope=Scope.NOTICES_ACKNOWLEDGE)
    later = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    assert (
        call(
            "post", ACK, {"notice_id": notice.pk, "acknowledged_at": later}, token=token, Idempotency_Key="a6"
        ).status_code
        == 422
    )
    naive = "2026-01-01T10:00:00"
    assert (
        call(
            "post", ACK, {"notice_id": notice.pk, "acknowledged_at": naive}, token=token, Idempotency_Key="a7"
        ).status_code
        == 422
    )
    assert Notice.objects.get(pk=notice.pk).acknowledged_at is None
