"""The consent services: each change is journaled with who, what, old and new, in the transaction that made it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

import consent.services
from cases.models import Membership
from consent.models import Consent
from consent.services import consent_give, consent_withdraw
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def test_withdrawing_is_journaled_with_the_old_and_new_values(case, personas):
    consent = Consent.objects.get(case=case, withdrawn_at__isnull=True)
    consent_withdraw(actor=personas.person, case=case, note="  Ikke lenger.  ")
    entry = JournalEntry.objects.get(action="consent.withdraw", object_id=str(consent.pk))
    assert entry.actor == personas.person and entry.case_id == case.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["withdrawn_at"] is None and entry.new["withdrawn_at"] is not None
    assert entry.new["withdrawal_note"] == "Ikke lenger."


def test_a_new_consent_replaces_the_active_one_and_both_changes_are_journaled(case, personas):
    before = Consent.objects.get(case=case, withdrawn_at__isnull=True)
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent)
    new = consent_give(
        actor=personas.contact_officer,
        case=case,
        given_on=timezone.localdate(),
        explained_by=personas.contact_officer,
        scope=[nils],
    )
    assert Consent.objects.get(case=case, withdrawn_at__isnull=True) == new
    replaced = JournalEntry.objects.get(action="consent.replace", object_id=str(before.pk))
    given = JournalEntry.objects.get(action="consent.give", object_id=str(new.pk))
    assert replaced.new is not None and given.new is not None
    assert replaced.new["withdrawn_at"] is not None
    assert given.old is None and given.new["scope"] == [nils.pk]


def test_nothing_to_withdraw_is_refused_and_journals_nothing(case, personas):
    consent_withdraw(actor=personas.person, case=case)
    journal = JournalEntry.objects.count()
    with pytest.raises(ValidationError):
        consent_withdraw(actor=personas.person, case=case)
    assert JournalEntry.objects.count() == journal


def test_a_consent_whose_journal_entry_fails_is_not_recorded(case, personas, monkeypatch):
    """The journal is written in the transaction of the change: when it fails, the change is undone too."""

    def journal_down(**_entry):
        raise DatabaseError("the journal could not be written")

    monkeypatch.setattr(consent.services, "record_change", journal_down)
    with pytest.raises(DatabaseError):
        consent_withdraw(actor=personas.person, case=case)
    assert Consent.objects.filter(case=case, withdrawn_at__isnull=True).exists()
