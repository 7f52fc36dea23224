"""The services before the sentence: register, summons, the person's list, the group from the existing one,
and intake on the start day carrying all of it over."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cases.models import Case, LegalStatus, Membership, Stage
from cases.services import IntakeData
from core.errors import ConcurrentEditError
from journal.models import JournalEntry
from summons.models import ExistingGroup, ExistingKind, GroupStart, PreparationItem, Topic
from summons.services import (
    group_start_from_existing,
    item_tick,
    summoned_case_register,
    summons_save,
    summons_send,
)
from summons.tests.conftest import START_IN, summons_data

pytestmark = pytest.mark.django_db


def test_a_person_waiting_to_serve_is_a_case_in_preparation_until_the_start(waiting):
    assert waiting.stage == Stage.PREPARATION
    assert waiting.intake_date == timezone.localdate() + datetime.timedelta(days=START_IN)
    assert waiting.institution.name == "Bergen fengsel"


def test_registering_refuses_a_start_that_has_come_and_a_remand(personas):
    data = IntakeData(
        first_name="Ola",
        last_name="Dal",
        birth_date=datetime.date(2000, 1, 1),
        home_municipality="Bergen",
        legal_status=LegalStatus.SENTENCED,
        intake_date=timezone.localdate(),
        sentence_months=4,
    )
    with pytest.raises(ValidationError):
        summoned_case_register(actor=personas.contact_officer, data=data)
    remand = IntakeData(**{**data.__dict__, "intake_date": timezone.localdate() + datetime.timedelta(days=5)})
    remand = IntakeData(**{**remand.__dict__, "legal_status": LegalStatus.REMAND})
    with pytest.raises(ValidationError):
        summoned_case_register(actor=personas.contact_officer, data=remand)
    with pytest.raises(ValidationError):  # not prison staff
        summoned_case_register(
            actor=personas.nav_with_consent,
            data=IntakeData(**{**remand.__dict__, "legal_status": LegalStatus.COMMUNITY}),
        )
    assert not Case.objects.filter(person__first_name="Ola").exists()


def test_the_summons_holds_the_chosen_list_and_is_journaled(summons, waiting):
    assert [item.topic for item in summons.items.all()] == list(Topic.values)
    assert JournalEntry.objects.filter(case=waiting, action="summons.save").count() == 1
    assert JournalEntry.objects.filter(case=waiting, action="summons.item_add").count() == len(Topic.values)


def test_changing_the_list_keeps_ticked_items_and_detects_a_concurrent_edit(summons, waiting, personas):
    nav = summons.items.get(topic=Topic.NAV)
    item_tick(actor=waiting.person.user, item=nav, done=True)
    changed = summons_save(
        actor=personas.contact_officer,
        case=waiting,
        data=summons_data(topics=(Topic.DEBT,)),
        version=summons.version,
    )
    assert sorted(changed.items.values_list("topic", flat=True)) == sorted([Topic.NAV, Topic.DEBT])
    with pytest.raises(ConcurrentEditError):
        summons_save(actor=personas.contact_officer, case=waiting, data=summons_data(), version=summons.version)


def test_bad_input_changes_nothing(summons, waiting, personas):
    for bad in (
        summons_data(topics=()),
        summons_data(topics=("holiday",)),
        summons_data(language="sv"),
        summons_data(place="  "),
        summons_data(meet_at=timezone.now() - datetime.timedelta(days=2)),
    ):
        with pytest.raises(ValidationError):
            summons_save(actor=personas.contact_officer, case=waiting, data=bad, version=summons.version)
    summons.refresh_from_db()
    assert summons.version == 1 and summons.place == "Bergen fengsel"


def test_sending_records_when_and_how_many_days_before_the_start(summons, personas):
    sent = summons_send(actor=personas.contact_officer, summons=summons)
    assert sent.sent_at is not None and sent.days_before_start == START_IN
    assert JournalEntry.objects.filter(action="summons.send", object_id=str(sent.pk)).exists()
    with pytest.raises(ValidationError):
        summons_send(actor=personas.contact_officer, summons=summons)
    with pytest.raises(ValidationError):  # a sent letter is not rewritten
        summons_save(actor=personas.contact_officer, case=summons.case, data=summons_data(), version=sent.version)


def test_only_the_person_ticks_their_own_list(summons, waiting, personas):
    item = summons.items.get(topic=Topic.NAV)
    for someone in (personas.contact_officer, personas.person):  # staff; another person (Jonas)
        with pytest.raises(ValidationError):
            item_tick(actor=someone, item=item, done=True)
    item.refresh_from_db()
    assert item.done_at is None
    ticked = item_tick(actor=waiting.person.user, item=item, done=True)
    assert ticked.done_at is not None and ticked.done_by == waiting.person.user
    assert JournalEntry.objects.filter(action="summons.item_tick", object_id=str(item.pk)).count() == 1
    assert item_tick(actor=waiting.person.user, item=item, done=False).done_at is None


def test_the_group_starts_from_the_ip_group_in_one_step_each_invited(waiting, ip_group, personas):
    with translation.override("en"):
        start = group_start_from_existing(actor=personas.contact_officer, case=waiting, existing=ip_group)
    invited = {membership.user: membership for membership in start.invited.all()}
    assert set(invited) == {personas.municipal_without_consent, personas.nav_with_consent}
    # Each still accepts: an invitation, not a membership that counts.
    assert all(membership.accepted_at is None for membership in invited.values())
    assert start.ip_coordinator == invited[personas.municipal_without_consent]
    assert start.ip_coordinator.purpose == "Individual plan (IP) coordinator"
    with pytest.raises(ValidationError):
        group_start_from_existing(actor=personas.contact_officer, case=waiting, existing=ip_group)


def test_another_persons_existing_group_does_not_start_this_group(waiting, personas, case):
    theirs = ExistingGroup.objects.create(
        person=case.person,
        municipality="Bergen",
        kind=ExistingKind.RESPONSIBILITY_GROUP,
        recorded_by=personas.municipal_without_consent,
    )
    theirs.members.set([personas.nav_with_consent])
    with pytest.raises(ValidationError):
        group_start_from_existing(actor=personas.contact_officer, case=waiting, existing=theirs)
    assert not GroupStart.objects.exists()
    assert not Membership.objects.filter(case=waiting, user=personas.nav_with_consent).exists()


def test_intake_on_the_start_day_carries_everything_over(summons, waiting, ip_group, personas):
    item = summons.items.get(topic=Topic.NAV)
    item_tick(actor=waiting.person.user, item=item, done=True)
    summons_send(actor=personas.contact_officer, summons=summons)
    group_start_from_existing(actor=personas.contact_officer, case=waiting, existing=ip_group)
    start = timezone.make_aware(datetime.datetime.combine(waiting.intake_date, datetime.time(10, 0)))
    with time_machine.travel(start, tick=False):
        case = Case.objects.get(pk=waiting.pk)
        assert case.stage_on(timezone.localdate()) == Stage.UNDERSTAND_NEEDS
        assert case.stage_label == Stage.UNDERSTAND_NEEDS.label
        assert case.summons.sent_at is not None and case.summons.days_before_start == START_IN
        assert PreparationItem.objects.get(pk=item.pk).done_at is not None
        invited = Membership.objects.filter(case=case, accepted_at__isnull=True, ended_at__isnull=True)
        assert set(invited.values_list("user__username", flat=True)) == {"mona.kommune", "nils.nav"}
        assert case.lead is not None and case.lead.user == personas.contact_officer
