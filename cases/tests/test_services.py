"""The case services, directly: each write's journal entries (actor, action, case, old and new values) in
its transaction; refused inputs raise ValidationError and change nothing; a stale version raises
ConcurrentEditError.

Intake through the form, the group pages, the invitations, the carry-over pages and the follow-up
phases are tested in their behaviour files (``test_intake.py``, ``test_group.py``,
``test_invitations.py``, ``test_carry_over.py``, ``test_after_release.py``).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Answer, CarryOver, Case, FollowUpPhase, LegalStatus, Membership, Person, Stage
from cases.services import (
    IntakeData,
    carry_over_ask,
    carry_over_holder_answer,
    carry_over_person_answer,
    case_expected_release_set,
    case_follow_up_phase_set,
    case_open,
    lock_open_case,
    membership_add,
    membership_decline,
    membership_end,
    membership_make_lead,
)
from core.errors import ConcurrentEditError
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

NUMBER = "05059010052"  # checksum-valid, born 1990-05-05 (cases/tests/test_carry_over.py)


def today() -> datetime.date:
    return timezone.localdate()


def intake(**overrides) -> IntakeData:
    values = {
        "first_name": " Sigrid ",
        "last_name": "Bergesen",
        "birth_date": datetime.date(1990, 5, 5),
        "home_municipality": "Bergen",
        "legal_status": LegalStatus.SENTENCED,
        "intake_date": today() - datetime.timedelta(days=30),
        "sentence_start": today() - datetime.timedelta(days=30),
        "sentence_days": 400,
    }
    return IntakeData(**{**values, **overrides})


def rows() -> tuple[int, int, int, int]:
    return Person.objects.count(), Case.objects.count(), Membership.objects.count(), JournalEntry.objects.count()


@pytest.fixture
def emil(db) -> Case:
    """A new intake of the demo, in Kari's prison; Nils (NAV) is not in his group."""
    return Case.objects.get(person__first_name="Emil")


@pytest.fixture
def two_sentences(personas):
    """Sigrid's open case in Bergen (Kari), and her new one in Oslo (Olav), found by her number."""
    sigrid = User.objects.create_user(username="sigrid", first_name="Sigrid", last_name="Bergesen", role=Role.PERSON)
    bergen = case_open(actor=personas.contact_officer, data=intake(national_id=NUMBER), person_user=sigrid)
    oslo = case_open(
        actor=personas.outsider,
        data=intake(national_id=NUMBER, intake_date=today(), sentence_start=today(), sentence_days=200),
    )
    assert oslo.previous_case_id == bergen.pk
    return bergen, oslo, sigrid


# --- Intake -------------------------------------------------------------------------------------------


def test_an_intake_journals_the_person_the_case_the_leads_membership_and_the_lead(personas):
    kari = personas.contact_officer
    case = case_open(actor=kari, data=intake())
    assert case.institution_id == kari.agency_id and case.lead is not None and case.lead.user_id == kari.pk
    entries = list(JournalEntry.objects.filter(actor=kari).order_by("-id")[:4])[::-1]
    assert [entry.action for entry in entries] == ["person.create", "case.open", "membership.add", "case.lead"]
    person, opened, lead, chosen = entries
    assert person.case_id is None and person.old is None and person.new is not None
    assert person.new["first_name"] == "Sigrid" and person.new["national_id"] == ""
    assert opened.case_id == lead.case_id == chosen.case_id == case.pk
    assert opened.old is None and opened.new is not None and opened.new["institution"] == kari.agency_id
    assert lead.new is not None and lead.new["user"] == kari.pk and lead.new["accepted_at"] is not None
    assert chosen.old == {"lead": None} and chosen.new == {"lead": case.lead_id}


def test_a_known_number_finds_the_person_and_links_the_earlier_case_without_a_second_person(two_sentences):
    bergen, oslo, sigrid = two_sentences
    assert oslo.person_id == bergen.person_id and Person.objects.filter(user=sigrid).count() == 1
    assert JournalEntry.objects.filter(action="person.create", object_id=str(bergen.person_id)).count() == 1


def test_the_identity_number_enters_the_journal_only_as_the_fact_that_it_was_given(personas):
    case = case_open(actor=personas.contact_officer, data=intake(national_id=NUMBER))
    entry = JournalEntry.objects.get(action="person.create", object_id=str(case.person_id))
    assert entry.new is not None and entry.new["national_id"] == "[redacted]"


@pytest.mark.parametrize("who", ["nav_with_consent", "volunteer", "person", "admin"])
def test_only_prison_staff_open_a_case_and_a_refused_intake_saves_nothing(personas, who):
    before = rows()
    with pytest.raises(ValidationError):
        case_open(actor=getattr(personas, who), data=intake())
    assert rows() == before


def test_a_known_number_with_another_name_is_refused_without_naming_the_known_person(two_sentences, personas):
    before = rows()
    with pytest.raises(ValidationError) as refused:
        case_open(actor=personas.outsider, data=intake(national_id=NUMBER, first_name="Ola", last_name="Angriper"))
    assert set(refused.value.message_dict) == {"national_id"}
    assert "Sigrid" not in str(refused.value) and "Bergesen" not in str(refused.value)
    assert rows() == before


# --- The group ----------------------------------------------------------------------------------------


def test_an_invitation_is_journaled_with_its_role_agency_purpose_and_dates(emil, personas):
    nils = personas.nav_with_consent
    end = today() + datetime.timedelta(days=90)
    membership = membership_add(actor=personas.contact_officer, case=emil, user=nils, purpose="  Arbeid ", end_date=end)
    assert membership.accepted_at is None  # an external member counts once they accept
    entry = JournalEntry.objects.get(action="membership.add", object_id=str(membership.pk))
    assert entry.actor_id == personas.contact_officer.pk and entry.case_id == emil.pk and entry.old is None
    assert entry.new is not None
    assert (entry.new["user"], entry.new["role"], entry.new["agency"]) == (nils.pk, Role.NAV, nils.agency_id)
    assert entry.new["purpose"] == "Arbeid" and entry.new["start_date"] == today().isoformat()
    assert entry.new["end_date"] == end.isoformat() and entry.new["accepted_at"] is None


def test_an_invitation_refused_for_a_deactivated_user_an_end_before_the_start_or_a_closed_case_adds_nothing(
    emil, personas
):
    nils = personas.nav_with_consent
    before = rows()
    with pytest.raises(ValidationError) as refused:
        membership_add(
            actor=personas.contact_officer, case=emil, user=nils, end_date=today() - datetime.timedelta(days=1)
        )
    assert set(refused.value.message_dict) == {"end_date"}
    User.objects.filter(pk=nils.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        membership_add(actor=personas.contact_officer, case=emil, user=User.objects.get(pk=nils.pk))
    assert set(refused.value.message_dict) == {"user"}
    Case.objects.filter(pk=emil.pk).update(
        stage=Stage.CLOSED, closed_on=today(), anonymise_on=today(), closing_reason="x"
    )
    with pytest.raises(ValidationError):
        membership_add(actor=personas.contact_officer, case=Case.objects.get(pk=emil.pk), user=personas.volunteer)
    assert rows() == before


def test_a_declined_invitation_ends_today_and_is_journaled_with_the_old_and_new_values(emil, personas):
    nils = personas.nav_with_consent
    invited = membership_add(actor=personas.contact_officer, case=emil, user=nils)
    declined = membership_decline(actor=nils, membership=invited)
    assert declined.end_date == today() and declined.ended_at is not None and declined.accepted_at is None
    entry = JournalEntry.objects.get(action="membership.decline", object_id=str(invited.pk))
    assert entry.actor_id == nils.pk and entry.case_id == emil.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["end_date"], entry.old["ended_at"]) == (None, None)
    assert entry.new["end_date"] == today().isoformat() and entry.new["ended_at"] is not None


def test_only_the_invited_user_declines_and_only_an_open_invitation(emil, case, personas):
    invited = membership_add(actor=personas.contact_officer, case=emil, user=personas.nav_with_consent)
    accepted = Membership.objects.get(case=case, user=personas.nav_with_consent, end_date__isnull=True)
    assert accepted.accepted_at is not None
    before = rows()
    for actor, membership in (
        (personas.contact_officer, invited),  # not theirs to decline
        (personas.municipal_without_consent, invited),
        (personas.nav_with_consent, accepted),  # already accepted
    ):
        with pytest.raises(ValidationError):
            membership_decline(actor=actor, membership=membership)
    membership_decline(actor=personas.nav_with_consent, membership=invited)
    after_decline = rows()
    with pytest.raises(ValidationError):  # declined already: no longer open
        membership_decline(actor=personas.nav_with_consent, membership=invited)
    assert rows() == after_decline and before[3] + 1 == after_decline[3]


def test_handing_the_lead_on_is_journaled_with_the_old_and_the_new_lead(case, personas):
    old_lead = case.lead_id
    sara = Membership.objects.get(case=case, user=personas.social_worker, end_date__isnull=True)
    membership_make_lead(actor=personas.contact_officer, membership=sara)
    assert Case.objects.get(pk=case.pk).lead_id == sara.pk
    entry = JournalEntry.objects.filter(action="case.lead", case=case).latest("id")
    assert entry.actor_id == personas.contact_officer.pk and entry.object_id == str(case.pk)
    assert entry.old == {"lead": old_lead} and entry.new == {"lead": sara.pk}
    journal = JournalEntry.objects.count()
    membership_make_lead(actor=personas.contact_officer, membership=sara)  # already the lead: nothing to record
    assert JournalEntry.objects.count() == journal


def test_the_lead_of_a_closed_case_or_to_an_external_member_is_refused_and_unchanged(case, personas):
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent, end_date__isnull=True)
    before = (Case.objects.get(pk=case.pk).lead_id, JournalEntry.objects.count())
    with pytest.raises(ValidationError):
        membership_make_lead(actor=personas.contact_officer, membership=nils)
    sara = Membership.objects.get(case=case, user=personas.social_worker, end_date__isnull=True)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=today(), anonymise_on=today(), closing_reason="x"
    )
    with pytest.raises(ValidationError):
        membership_make_lead(actor=personas.contact_officer, membership=sara)
    assert (Case.objects.get(pk=case.pk).lead_id, JournalEntry.objects.count()) == before


def test_ending_a_membership_today_ends_access_now_and_is_journaled(case, personas):
    mona = Membership.objects.get(case=case, user=personas.municipal_without_consent, end_date__isnull=True)
    ended = membership_end(actor=personas.contact_officer, membership=mona)
    assert ended.end_date == today() and ended.ended_at is not None
    entry = JournalEntry.objects.get(action="membership.end", object_id=str(mona.pk))
    assert entry.actor_id == personas.contact_officer.pk and entry.case_id == case.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["end_date"], entry.old["ended_at"]) == (None, None)
    assert entry.new["end_date"] == today().isoformat() and entry.new["ended_at"] is not None


def test_a_membership_ending_later_keeps_access_until_then(case, personas):
    mona = Membership.objects.get(case=case, user=personas.municipal_without_consent, end_date__isnull=True)
    later = today() + datetime.timedelta(days=10)
    ended = membership_end(actor=personas.contact_officer, membership=mona, end_date=later)
    assert ended.end_date == later and ended.ended_at is None


def test_an_ended_membership_an_end_before_the_start_and_the_lead_cannot_be_ended(case, personas):
    mona = Membership.objects.get(case=case, user=personas.municipal_without_consent, end_date__isnull=True)
    lead = Membership.objects.get(pk=case.lead_id)
    before = rows()
    with pytest.raises(ValidationError):
        membership_end(
            actor=personas.contact_officer, membership=mona, end_date=mona.start_date - datetime.timedelta(1)
        )
    with pytest.raises(ValidationError):
        membership_end(actor=personas.contact_officer, membership=lead)
    assert rows() == before
    membership_end(actor=personas.contact_officer, membership=mona)
    ended = rows()
    with pytest.raises(ValidationError):
        membership_end(actor=personas.contact_officer, membership=mona)
    assert rows() == ended


# --- The case's version and the follow-up after release ------------------------------------------------


def test_locking_the_case_refuses_a_stale_version_and_a_closed_case(case):
    assert lock_open_case(case, case.version).pk == case.pk
    assert lock_open_case(case, None).pk == case.pk  # no version: no check of it
    with pytest.raises(ConcurrentEditError):
        lock_open_case(case, case.version - 1)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=today(), anonymise_on=today(), closing_reason="x"
    )
    with pytest.raises(ValidationError):
        lock_open_case(case, None)


def test_the_follow_up_phase_is_refused_before_release_and_on_a_stale_version(case, personas):
    assert case.stage != Stage.AFTER_RELEASE
    before = (Case.objects.get(pk=case.pk).version, JournalEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        case_follow_up_phase_set(
            actor=personas.contact_officer, case=case, phase=FollowUpPhase.CLOSING, version=case.version
        )
    assert set(refused.value.message_dict) == {"phase"}
    with pytest.raises(ConcurrentEditError):
        case_follow_up_phase_set(
            actor=personas.contact_officer, case=case, phase=FollowUpPhase.CLOSING, version=case.version + 1
        )
    assert (Case.objects.get(pk=case.pk).version, JournalEntry.objects.count()) == before


# --- Carrying over an earlier case ----------------------------------------------------------------------


def test_asking_to_carry_over_is_journaled_on_the_new_case_and_asks_the_open_earlier_case(two_sentences, personas):
    bergen, oslo, _ = two_sentences
    asked = carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=True, group=False)
    assert asked.holder_asked and asked.earlier_case_id == bergen.pk and asked.person_answer == Answer.WAITING
    entry = JournalEntry.objects.get(action="carry_over.ask", object_id=str(asked.pk))
    assert entry.actor_id == personas.outsider.pk and entry.case_id == oslo.pk and entry.old is None
    assert entry.new is not None
    assert (entry.new["earlier_case"], entry.new["needs_and_plan"], entry.new["group"]) == (bergen.pk, True, False)


def test_asking_for_nothing_without_an_earlier_case_or_twice_is_refused_and_records_nothing(
    two_sentences, case, personas
):
    _, oslo, _ = two_sentences
    before = (CarryOver.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=False, group=False)
    assert set(refused.value.message_dict) == {"needs_and_plan"}
    assert case.previous_case_id is None
    with pytest.raises(ValidationError):
        carry_over_ask(actor=personas.contact_officer, case=case, needs_and_plan=True, group=False)
    assert (CarryOver.objects.count(), JournalEntry.objects.count()) == before
    carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=True, group=False)
    asked_once = (CarryOver.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError):
        carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=False, group=True)
    assert (CarryOver.objects.count(), JournalEntry.objects.count()) == asked_once


def test_the_earlier_cases_no_is_journaled_on_the_earlier_case_with_its_reason(two_sentences, personas):
    bergen, oslo, _ = two_sentences
    asked = carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=True, group=False)
    answered = carry_over_holder_answer(
        actor=personas.contact_officer, carry_over=asked, agree=False, reason="  Hun har bedt oss vente. "
    )
    assert answered.holder_answer == Answer.NO and answered.declined and answered.carried_out_at is None
    entry = JournalEntry.objects.get(action="carry_over.holder_answer", object_id=str(asked.pk))
    assert entry.actor_id == personas.contact_officer.pk and entry.case_id == bergen.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["holder_answer"], entry.old["holder_reason"]) == ("", "")
    assert entry.new["holder_answer"] == "no" and entry.new["holder_reason"] == "Hun har bedt oss vente."
    assert entry.new["holder_answered_by"] == personas.contact_officer.pk


def test_a_no_without_a_reason_an_answer_for_the_person_by_staff_and_a_second_answer_are_refused(
    two_sentences, personas
):
    _, oslo, sigrid = two_sentences
    asked = carry_over_ask(actor=personas.outsider, case=oslo, needs_and_plan=True, group=False)
    before = (
        CarryOver.objects.values_list("person_answer", "holder_answer").get(pk=asked.pk),
        JournalEntry.objects.count(),
    )
    with pytest.raises(ValidationError) as refused:
        carry_over_holder_answer(actor=personas.contact_officer, carry_over=asked, agree=False, reason=" ")
    assert set(refused.value.message_dict) == {"reason"}
    for actor in (personas.outsider, personas.person):  # staff, and another person
        with pytest.raises(ValidationError):
            carry_over_person_answer(actor=actor, carry_over=asked, agree=True)
    assert (
        CarryOver.objects.values_list("person_answer", "holder_answer").get(pk=asked.pk),
        JournalEntry.objects.count(),
    ) == before
    answered = carry_over_person_answer(actor=sigrid, carry_over=asked, agree=True)
    assert answered.person_answer == Answer.YES and answered.carried_out_at is None  # Bergen has not agreed yet
    entry = JournalEntry.objects.get(action="carry_over.person_answer", object_id=str(asked.pk))
    assert entry.actor_id == sigrid.pk and entry.case_id == oslo.pk
    assert entry.old is not None and entry.new is not None
    assert entry.old["person_answer"] == "" and entry.new["person_answer"] == "yes"
    with pytest.raises(ValidationError):
        carry_over_person_answer(actor=sigrid, carry_over=asked, agree=False)
    carry_over_holder_answer(actor=personas.contact_officer, carry_over=asked, agree=True)
    assert CarryOver.objects.get(pk=asked.pk).carried_out_at is not None  # both agreed: carried over at once
    assert JournalEntry.objects.filter(action="carry_over.done", object_id=str(asked.pk), case=oslo).exists()


def test_the_expected_release_date_is_journaled_with_old_and_new_and_checked_against_the_intake(case, personas):
    old = case.expected_release
    new = case.intake_date + datetime.timedelta(days=400)
    changed = case_expected_release_set(actor=personas.contact_officer, case=case, expected_release=new)
    assert changed.expected_release == new and changed.version == case.version + 1
    entry = JournalEntry.objects.get(case=case, action="case.expected_release")
    assert entry.old is not None and entry.new is not None
    assert entry.old["expected_release"] == (old.isoformat() if old else None)
    assert entry.new["expected_release"] == new.isoformat()
    with pytest.raises(ValidationError):
        case_expected_release_set(
            actor=personas.contact_officer, case=case, expected_release=case.intake_date - datetime.timedelta(days=1)
        )
    with pytest.raises(ConcurrentEditError):
        case_expected_release_set(actor=personas.contact_officer, case=case, expected_release=None, version=1)
    same = case_expected_release_set(actor=personas.contact_officer, case=case, expected_release=new)
    assert same.version == changed.version  # no change, no entry
    assert JournalEntry.objects.filter(case=case, action="case.expected_release").count() == 1
