"""The needs services, called directly: each write is journaled with who, what, old and new in its
transaction; refused input raises ValidationError and changes nothing; a stale edit is refused.

The views' tests (test_views.py, test_volunteers.py) go through the forms; these call the services.
"""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.audience import VolunteerItem
from core.errors import ConcurrentEditError
from handover.services import case_close
from journal.models import JournalEntry
from needs.models import Need, NeedsConversation, NeedStatus, Resource, VolunteerSharing
from needs.services import (
    conversation_record,
    need_create,
    need_take_over,
    need_update,
    resource_create,
    volunteer_sharing_set,
)
from reference.models import Knot, LifeArea

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, int, int, int, int]:
    """Everything the needs services write, and the journal."""
    return (
        Need.objects.count(),
        NeedsConversation.objects.count(),
        Resource.objects.count(),
        VolunteerSharing.objects.count(),
        JournalEntry.objects.count(),
    )


def entry_for(obj, action: str) -> JournalEntry:
    """The latest entry of this action on the object (the demo world may hold earlier ones)."""
    return JournalEntry.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)).latest(
        "id"
    )


@pytest.fixture
def debt(case) -> Need:
    return Need.objects.get(case=case, life_area__slug="debt")


# --- conversation_record -----------------------------------------------------------------------


def test_a_conversation_session_is_journaled_with_its_values(case, personas):
    held = timezone.localdate() - datetime.timedelta(days=1)
    session = conversation_record(actor=personas.contact_officer, case=case, held_on=held, part=2, note="  Tredje.  ")
    entry = entry_for(session, "conversation.record")
    assert (entry.actor, entry.case_id, entry.old) == (personas.contact_officer, case.pk, None)
    assert entry.new == {"part": 2, "held_on": held.isoformat(), "note": "Tredje.", "completed": False}


@pytest.mark.parametrize("days", [1, None])
def test_a_session_in_the_future_or_before_the_intake_is_refused_and_nothing_is_saved(case, personas, days):
    held = timezone.localdate() + datetime.timedelta(days=1) if days else case.intake_date - datetime.timedelta(days=1)
    before = rows()
    with pytest.raises(ValidationError) as refused:
        conversation_record(actor=personas.contact_officer, case=case, held_on=held)
    assert "held_on" in refused.value.message_dict
    assert rows() == before


# --- need_create -------------------------------------------------------------------------------


def test_a_new_need_is_journaled_with_its_tangle_taken_from_the_life_area(case, personas):
    area = LifeArea.objects.get(slug="work")
    need = need_create(actor=personas.social_worker, case=case, life_area=area, own_words="  Vil ha jobb.  ")
    entry = entry_for(need, "need.create")
    assert (entry.actor, entry.case_id, entry.old) == (personas.social_worker, case.pk, None)
    assert entry.new is not None
    assert (entry.new["life_area"], entry.new["tangle"], entry.new["own_words"]) == (
        area.pk,
        area.tangle_id,
        "Vil ha jobb.",
    )
    assert entry.new["status"] == NeedStatus.OPEN and entry.new["private"] is False


def test_a_need_without_words_a_knot_of_another_tangle_or_another_cases_session_is_refused(case, personas):
    area = LifeArea.objects.get(slug="work")
    foreign_knot = Knot.objects.exclude(tangle_id=area.tangle_id).first()
    foreign_session = NeedsConversation.objects.exclude(case=case).first()
    assert foreign_knot is not None and foreign_session is not None
    before = rows()
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"own_words": "  ", "summary": ""}, "own_words"),
        ({"summary": "Jobb.", "knot": foreign_knot}, "knot"),
        ({"summary": "Jobb.", "conversation": foreign_session}, "conversation"),
    ]
    for extra, field in attempts:
        with pytest.raises(ValidationError) as refused:
            need_create(actor=personas.contact_officer, case=case, life_area=area, **extra)
        assert field in refused.value.message_dict
    assert rows() == before


def test_a_closed_case_takes_no_new_need(case, personas):
    case_close(actor=personas.contact_officer, case=case, reason="Ferdig.", version=case.version)
    case.refresh_from_db()
    before = rows()
    with pytest.raises(ValidationError):
        need_create(actor=personas.contact_officer, case=case, life_area=LifeArea.objects.get(slug="work"), summary="x")
    assert rows() == before


# --- need_update -------------------------------------------------------------------------------


def test_an_update_is_journaled_with_the_old_and_the_new_values_and_bumps_the_version(debt, personas):
    version = debt.version
    updated = need_update(
        actor=personas.contact_officer, need=debt, version=version, summary="  Gjeld hos inkasso.  ", acute=True
    )
    assert updated.version == version + 1
    entry = entry_for(debt, "need.update")
    assert (entry.actor, entry.case_id) == (personas.contact_officer, debt.case_id)
    assert entry.old is not None and entry.new is not None
    assert (entry.old["summary"], entry.old["acute"]) == (debt.summary, False)
    assert (entry.new["summary"], entry.new["acute"]) == ("Gjeld hos inkasso.", True)


def test_a_stale_version_is_refused_with_the_current_need_and_nothing_changes(debt, personas):
    need_update(actor=personas.contact_officer, need=debt, version=debt.version, summary="Først.")
    before = rows()
    with pytest.raises(ConcurrentEditError) as conflict:
        need_update(actor=personas.social_worker, need=debt, version=debt.version, summary="Etterpå.")
    assert conflict.value.current.summary == "Først."
    assert rows() == before
    assert Need.objects.get(pk=debt.pk).summary == "Først."


def test_an_update_that_changes_nothing_writes_no_journal_entry_and_keeps_the_version(debt, personas):
    before = rows()
    same = need_update(actor=personas.contact_officer, need=debt, version=debt.version, summary=f"  {debt.summary} ")
    assert same.version == debt.version
    assert rows() == before


def test_a_field_staff_may_not_change_is_refused_before_anything_is_read(case, debt, personas):
    before = rows()
    for field in ("shared_with_volunteers", "conversation", "tangle", "case"):
        with pytest.raises(ValueError):
            need_update(actor=personas.contact_officer, need=debt, version=debt.version, **{field: None})
    assert rows() == before


def test_emptying_both_texts_is_refused_and_the_need_keeps_its_words(debt, personas):
    before = rows()
    with pytest.raises(ValidationError):
        need_update(actor=personas.contact_officer, need=debt, version=debt.version, own_words=" ", summary="")
    assert rows() == before
    assert Need.objects.get(pk=debt.pk).summary == debt.summary


def test_making_a_shared_need_private_stops_sharing_it_with_volunteers_in_the_same_entry(case, personas):
    shared = Need.objects.get(case=case, shared_with_volunteers=True)
    need_update(actor=personas.contact_officer, need=shared, version=shared.version, private=True)
    shared.refresh_from_db()
    assert shared.private and not shared.shared_with_volunteers
    entry = entry_for(shared, "need.update")
    assert entry.old is not None and entry.new is not None
    assert (entry.old["shared_with_volunteers"], entry.new["shared_with_volunteers"]) == (True, False)


# --- resource_create ---------------------------------------------------------------------------


def test_a_resource_is_journaled_and_an_empty_one_is_refused(case, personas):
    resource = resource_create(actor=personas.social_worker, case=case, description="  Flink med tall.  ")
    entry = entry_for(resource, "resource.create")
    assert (entry.actor, entry.case_id, entry.old) == (personas.social_worker, case.pk, None)
    assert entry.new == {"life_area": None, "description": "Flink med tall."}
    before = rows()
    with pytest.raises(ValidationError):
        resource_create(actor=personas.social_worker, case=case, description=" \n ")
    assert rows() == before


# --- volunteer_sharing_set ---------------------------------------------------------------------


def test_the_persons_choice_is_journaled_per_need_and_for_the_items(case, debt, personas):
    leisure = Need.objects.get(case=case, shared_with_volunteers=True)
    volunteer_sharing_set(actor=personas.person, case=case, items=[VolunteerItem.NEXT_MEETINGS], needs=[debt])
    debt.refresh_from_db()
    leisure.refresh_from_db()
    assert debt.shared_with_volunteers and not leisure.shared_with_volunteers
    shared, unshared = entry_for(debt, "need.volunteers"), entry_for(leisure, "need.volunteers")
    assert shared.actor == unshared.actor == personas.person
    assert shared.old is not None and shared.new is not None and unshared.old is not None and unshared.new is not None
    assert (shared.old["shared_with_volunteers"], shared.new["shared_with_volunteers"]) == (False, True)
    assert (unshared.old["shared_with_volunteers"], unshared.new["shared_with_volunteers"]) == (True, False)
    items = entry_for(VolunteerSharing.objects.get(case=case), "volunteers.share")
    assert (items.old, items.new) == ({"items": []}, {"items": [VolunteerItem.NEXT_MEETINGS]})


def test_only_the_person_chooses_and_bad_choices_change_nothing(case, debt, personas):
    private = Need.objects.get(case=case, private=True)
    foreign = Need.objects.exclude(case=case).filter(private=False).first()
    assert foreign is not None
    before = rows()
    sharing_before = list(Need.objects.filter(case=case).values_list("pk", "shared_with_volunteers"))
    refused: list[tuple[User, list[str], list[Need]]] = [
        (personas.contact_officer, [VolunteerItem.NEXT_MEETINGS], [debt]),  # staff never choose
        (personas.volunteer, [], [debt]),
        (personas.person, ["the-whole-case"], [debt]),  # not an item a person may share
        (personas.person, [], [private]),  # a private need stays private
        (personas.person, [], [foreign]),  # another case's need
    ]
    for actor, items, needs in refused:
        with pytest.raises(ValidationError):
            volunteer_sharing_set(actor=actor, case=case, items=items, needs=needs)
    assert rows() == before
    assert list(Need.objects.filter(case=case).values_list("pk", "shared_with_volunteers")) == sharing_before


# --- need_take_over ----------------------------------------------------------------------------


def test_a_taken_over_need_is_open_again_not_shared_and_journaled_with_where_it_came_from(case, denmark, personas):
    earlier = Need.objects.get(case=case, shared_with_volunteers=True)
    Need.objects.filter(pk=earlier.pk).update(status=NeedStatus.MET)
    earlier.refresh_from_db()
    copy = need_take_over(actor=denmark.contact_officer, case=denmark.case, earlier=earlier)
    assert (copy.case, copy.copied_from, copy.status) == (denmark.case, earlier, NeedStatus.OPEN)
    assert (copy.life_area_id, copy.own_words, copy.summary) == (
        earlier.life_area_id,
        earlier.own_words,
        earlier.summary,
    )
    assert not copy.shared_with_volunteers and not copy.private
    entry = entry_for(copy, "need.take_over")
    assert (entry.actor, entry.case_id, entry.old) == (denmark.contact_officer, denmark.case.pk, None)
    assert entry.new is not None and entry.new["copied_from"] == earlier.pk and entry.new["status"] == NeedStatus.OPEN
