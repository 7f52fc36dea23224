"""The access module's writes: ``reasoned_access_open`` records one look with a reason and its journal entry
in the same transaction, checks the rule again whoever calls it, and records nothing when refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

import access.services
from access.models import Reason, ReasonedAccess, ReasonKind
from access.services import reasoned_access_open
from accounts.models import User
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db) -> User:
    """Bergen prison's reentry coordinator (Jonas's prison), with no membership in his group."""
    return User.objects.select_related("agency").get(username="tove.koordinator")


def counts() -> tuple[int, int]:
    return ReasonedAccess.objects.count(), JournalEntry.objects.count()


def test_a_unit_look_is_recorded_with_who_in_which_role_and_agency_and_journaled_with_its_values(case, coordinator):
    grant = reasoned_access_open(actor=coordinator, case=case, reason=Reason.OVERDUE_DEADLINE)
    assert (grant.case_id, grant.user_id, grant.role, grant.agency_id) == (
        case.pk,
        coordinator.pk,
        coordinator.role,
        coordinator.agency_id,
    )
    assert grant.kind == ReasonKind.UNIT and grant.reason == Reason.OVERDUE_DEADLINE
    entry = JournalEntry.objects.get(action="access.unit", object_id=str(grant.pk))
    assert entry.actor_id == coordinator.pk and entry.case_id == case.pk
    assert entry.old is None and entry.new is not None
    assert entry.new["kind"] == "unit" and entry.new["reason"] == "overdue_deadline"
    assert entry.new["agency"] == coordinator.agency_id and entry.new["role"] == coordinator.role
    assert entry.new["expires_at"] == grant.expires_at.isoformat()


def test_a_unit_look_ends_at_the_next_local_midnight(case, coordinator):
    grant = reasoned_access_open(actor=coordinator, case=case, reason=Reason.STAND_IN)
    ends = timezone.localtime(grant.expires_at)
    assert ends.date() == timezone.localtime(grant.opened_at).date() + datetime.timedelta(days=1)
    assert ends.time() == datetime.time(0, 0)


def test_an_emergency_is_journaled_as_such_and_lasts_two_hours(case, coordinator):
    grant = reasoned_access_open(actor=coordinator, case=case, reason=Reason.HEALTH_OR_LIFE)
    assert grant.kind == ReasonKind.EMERGENCY
    assert grant.expires_at - grant.opened_at == datetime.timedelta(hours=2)
    assert JournalEntry.objects.filter(action="access.emergency", object_id=str(grant.pk), case=case).exists()
    assert not JournalEntry.objects.filter(action="access.unit", object_id=str(grant.pk)).exists()


@pytest.mark.parametrize("reason", ["curiosity", "", "HEALTH_OR_LIFE", "stand_in "])
def test_a_reason_not_in_the_list_is_refused_naming_the_field_and_records_nothing(case, coordinator, reason):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        reasoned_access_open(actor=coordinator, case=case, reason=reason)
    assert set(refused.value.message_dict) == {"reason"}
    assert counts() == before


def test_a_reason_of_another_prisons_case_is_refused_and_records_nothing(other_case, coordinator):
    """The rule is checked again in the service: Bergen's coordinator cannot open Oslo's case, even in an emergency."""
    before = counts()
    for reason in (Reason.COORDINATE_MEASURES, Reason.HEALTH_OR_LIFE):
        with pytest.raises(ValidationError):
            reasoned_access_open(actor=coordinator, case=other_case, reason=reason)
    assert counts() == before


def test_a_role_that_may_not_open_with_a_reason_is_refused(case, personas):
    """NAV (even a covered member) and the person have no reasons to choose; a contact officer has no unit reasons."""
    before = counts()
    for user, reason in (
        (personas.nav_with_consent, Reason.HEALTH_OR_LIFE),
        (personas.person, Reason.HEALTH_OR_LIFE),
        (personas.contact_officer, Reason.COORDINATE_MEASURES),
    ):
        with pytest.raises(ValidationError):
            reasoned_access_open(actor=user, case=case, reason=reason)
    assert counts() == before


def test_a_look_whose_journal_entry_fails_is_not_recorded(case, coordinator, monkeypatch):
    def journal_down(**_entry):
        raise DatabaseError("the journal could not be written")

    monkeypatch.setattr(access.services, "record_change", journal_down)
    before = counts()
    with pytest.raises(DatabaseError):
        reasoned_access_open(actor=coordinator, case=case, reason=Reason.STAND_IN)
    assert counts() == before
