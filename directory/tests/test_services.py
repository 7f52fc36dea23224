"""The directory services, directly: an entry's edit, check and connection are journaled with no case; a
referral's sending and its answer are journaled on the measure's case with the old and new values; a
refused input raises ValidationError and changes nothing; an answer begun on a stale version raises
ConcurrentEditError.

The referral pages, the search and the "kept true" flags are in ``test_referrals.py``,
``test_search.py`` and ``test_kept_true.py``.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Agency, User
from cases.models import Case, Membership, Stage, membership_is_current
from core.errors import ConcurrentEditError
from directory.models import Referral, ReferralStatus, Service
from directory.services import (
    referral_accept,
    referral_decline,
    referral_send,
    service_connect,
    service_search_text,
    service_update,
    service_verify,
)
from journal.models import JournalEntry
from plans.models import Measure, MeasureStatus
from plans.services import measure_service_set

pytestmark = pytest.mark.django_db

SHARED = "Jonas trenger bolig i Drammen etter løslatelsen."


@pytest.fixture
def frida(db) -> User:
    """FRI's own staff member, who answers referrals to FRI."""
    return User.objects.select_related("agency").get(username="frida.fri")


@pytest.fixture
def linked(personas, housing_measure, fri) -> Measure:
    return measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)


@pytest.fixture
def referral(personas, linked) -> Referral:
    return referral_send(actor=personas.contact_officer, measure=linked, shared=f"  {SHARED} ", person_agreed=True)


def referrals_and_journal() -> tuple[int, int]:
    return Referral.objects.count(), JournalEntry.objects.count()


# --- The entries --------------------------------------------------------------------------------------


def test_the_search_text_holds_the_entrys_words_its_organisation_its_areas_and_life_areas_in_every_language(fri):
    text = service_search_text(fri)
    assert text == text.lower()
    assert "drammen" in text and fri.organization.name.lower() in text
    for term in fri.taxonomy_terms.select_related("life_area"):
        if term.life_area is not None:
            for name in (term.life_area.name_nb, term.life_area.name_da, term.life_area.name_en):
                assert name.lower() in text


def test_an_edit_that_changes_nothing_writes_no_version_and_no_entry(fri, frida):
    before = (fri.version, JournalEntry.objects.count())
    same = service_update(actor=frida, service=fri, version=fri.version, name=f" {fri.name} ")
    assert (same.version, JournalEntry.objects.count()) == before


def test_a_field_a_keeper_may_not_change_is_a_programming_error_and_changes_nothing(fri, frida):
    before = (Service.objects.get(pk=fri.pk).owner_id, JournalEntry.objects.count())
    with pytest.raises(ValueError, match="owner"):
        service_update(actor=frida, service=fri, version=fri.version, owner=None)
    assert (Service.objects.get(pk=fri.pk).owner_id, JournalEntry.objects.count()) == before


def test_checking_an_entry_dates_it_today_and_is_journaled_with_no_case(fri, frida, time_machine):
    time_machine.move_to(timezone.now() + datetime.timedelta(days=400), tick=False)
    old = Service.objects.get(pk=fri.pk).last_verified
    assert old is not None and old < timezone.localdate()
    checked = service_verify(actor=frida, service=fri)
    assert checked.last_verified == timezone.localdate() and checked.version == fri.version + 1
    entry = JournalEntry.objects.filter(action="service.verify", object_id=str(fri.pk)).latest("id")
    assert entry.actor_id == frida.pk and entry.case_id is None
    assert entry.old == {"last_verified": old.isoformat()}
    assert entry.new == {"last_verified": timezone.localdate().isoformat()}


def test_connecting_an_entry_names_who_answers_and_who_keeps_it_journaled_with_no_case(drammen_housing, personas):
    kommune = Agency.objects.get(pk=personas.municipal_without_consent.agency_id)
    before = Service.objects.get(pk=drammen_housing.pk)
    connected = service_connect(
        actor=personas.admin, service=drammen_housing, agency_id=kommune.pk, owner_id=kommune.pk
    )
    assert (connected.agency_id, connected.owner_id, connected.version) == (kommune.pk, kommune.pk, before.version + 1)
    entry = JournalEntry.objects.get(action="service.connect", object_id=str(drammen_housing.pk))
    assert entry.actor_id == personas.admin.pk and entry.case_id is None
    assert entry.old == {"agency": before.agency_id, "owner": before.owner_id}
    assert entry.new == {"agency": kommune.pk, "owner": kommune.pk}


# --- Sending a referral -------------------------------------------------------------------------------


def test_a_referral_is_sent_with_the_words_the_person_agreed_to_and_journaled_on_the_case(
    case, personas, referral, fri
):
    assert (referral.service, referral.case, referral.status) == (fri, case, ReferralStatus.SENT)
    assert referral.shared == SHARED and referral.sent_by == personas.contact_officer and referral.version == 1
    entry = JournalEntry.objects.get(action="referral.send", object_id=str(referral.pk))
    assert entry.actor_id == personas.contact_officer.pk and entry.case_id == case.pk and entry.old is None
    assert entry.new is not None
    assert (entry.new["service"], entry.new["shared"], entry.new["status"]) == (str(fri.pk), SHARED, "sent")


def test_a_referral_without_the_persons_yes_or_without_words_is_refused_naming_the_fields(personas, linked):
    before = referrals_and_journal()
    with pytest.raises(ValidationError) as refused:
        referral_send(actor=personas.contact_officer, measure=linked, shared=" ", person_agreed=False)
    assert set(refused.value.message_dict) == {"shared", "person_agreed"}
    assert referrals_and_journal() == before


def test_no_referral_for_a_measure_without_a_service_a_service_that_answers_none_or_a_finished_measure(
    personas, housing_measure, drammen_housing, linked
):
    before = referrals_and_journal()
    unlinked = measure_service_set(actor=personas.contact_officer, measure=linked, service=None)
    with pytest.raises(ValidationError, match="Link the measure"):
        referral_send(actor=personas.contact_officer, measure=unlinked, shared=SHARED, person_agreed=True)
    assert drammen_housing.agency_id is None
    elsewhere = measure_service_set(actor=personas.contact_officer, measure=unlinked, service=drammen_housing)
    with pytest.raises(ValidationError, match="does not answer referrals"):
        referral_send(actor=personas.contact_officer, measure=elsewhere, shared=SHARED, person_agreed=True)
    Measure.objects.filter(pk=housing_measure.pk).update(status=MeasureStatus.DONE)
    with pytest.raises(ValidationError, match="proposed, chosen or started"):
        referral_send(actor=personas.contact_officer, measure=elsewhere, shared=SHARED, person_agreed=True)
    assert Referral.objects.count() == before[0]


def test_no_referral_from_a_closed_case(case, personas, linked):
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=timezone.localdate(), anonymise_on=timezone.localdate(), closing_reason="x"
    )
    before = referrals_and_journal()
    with pytest.raises(ValidationError):
        referral_send(actor=personas.contact_officer, measure=linked, shared=SHARED, person_agreed=True)
    assert referrals_and_journal() == before


# --- Answering a referral -----------------------------------------------------------------------------


def test_accepting_joins_the_group_delivers_the_measure_and_is_journaled_with_the_old_and_new_status(
    case, referral, frida
):
    assert not Membership.objects.filter(case=case, user=frida).exists()
    accepted = referral_accept(actor=frida, referral=referral, version=1)
    assert (accepted.status, accepted.answered_by, accepted.version) == (ReferralStatus.ACCEPTED, frida, 2)
    member = Membership.objects.get(membership_is_current(), case=case, user=frida)
    assert member.accepted_at is not None
    assert Measure.objects.get(pk=referral.measure_id).responsible_user == frida
    entry = JournalEntry.objects.get(action="referral.accepted", object_id=str(referral.pk))
    assert entry.actor_id == frida.pk and entry.case_id == case.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["status"], entry.old["answered_by"], entry.old["answered_at"]) == ("sent", None, None)
    assert entry.new["status"] == "accepted" and entry.new["answered_by"] == frida.pk
    for action in ("membership.add", "membership.accept"):
        assert JournalEntry.objects.filter(action=action, object_id=str(member.pk), actor=frida).exists(), action


def test_declining_keeps_the_reason_and_is_journaled_and_the_service_joins_nothing(case, referral, frida):
    declined = referral_decline(actor=frida, referral=referral, version=1, reason="  Ingen ledig bolig før mars. ")
    assert declined.status == ReferralStatus.DECLINED and declined.decline_reason == "Ingen ledig bolig før mars."
    entry = JournalEntry.objects.get(action="referral.declined", object_id=str(referral.pk))
    assert entry.actor_id == frida.pk and entry.case_id == case.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["decline_reason"] == "" and entry.new["decline_reason"] == "Ingen ledig bolig før mars."
    assert not Membership.objects.filter(case=case, user=frida).exists()


def test_a_decline_without_a_reason_or_from_another_agency_is_refused_and_changes_nothing(referral, frida, personas):
    before = (Referral.objects.get(pk=referral.pk).status, JournalEntry.objects.count(), Membership.objects.count())
    with pytest.raises(ValidationError) as refused:
        referral_decline(actor=frida, referral=referral, version=1, reason="  ")
    assert set(refused.value.message_dict) == {"reason"}
    for stranger in (personas.contact_officer, personas.nav_with_consent, personas.outsider):
        with pytest.raises(ValidationError, match="service's own staff"):
            referral_decline(actor=stranger, referral=referral, version=1, reason="Nei.")
        with pytest.raises(ValidationError, match="service's own staff"):
            referral_accept(actor=stranger, referral=referral, version=1)
    assert (
        Referral.objects.get(pk=referral.pk).status,
        JournalEntry.objects.count(),
        Membership.objects.count(),
    ) == before


def test_an_answer_begun_on_a_stale_version_is_a_conflict_and_changes_nothing(case, referral, frida):
    Referral.objects.filter(pk=referral.pk).update(version=2)  # someone saved it since the page was read
    before = (JournalEntry.objects.count(), Membership.objects.count())
    with pytest.raises(ConcurrentEditError):
        referral_accept(actor=frida, referral=referral, version=1)
    with pytest.raises(ConcurrentEditError):
        referral_decline(actor=frida, referral=referral, version=1, reason="Fullt.")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    assert (JournalEntry.objects.count(), Membership.objects.count()) == before
    assert not Membership.objects.filter(case=case, user=frida).exists()


def test_no_accept_once_the_measure_is_finished(case, referral, frida):
    Measure.objects.filter(pk=referral.measure_id).update(status=MeasureStatus.DONE)
    before = (JournalEntry.objects.count(), Membership.objects.count())
    with pytest.raises(ValidationError, match="no longer open"):
        referral_accept(actor=frida, referral=referral, version=1)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    assert (JournalEntry.objects.count(), Membership.objects.count()) == before
