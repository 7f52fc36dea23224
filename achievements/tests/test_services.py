"""The achievement services, directly: what ``achievement_record``, ``achievement_correct`` and
``achievement_withdraw`` journal (actor, case, old and new values), and what they refuse without
changing anything: a stale version, a withdrawn achievement, bad values in a correction.

The record's field checks and the first stale correction are in ``test_achievements.py``.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

import achievements.services
from achievements.models import Achievement, AchievementKind
from achievements.services import achievement_correct, achievement_record, achievement_withdraw
from core.errors import ConcurrentEditError
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(case, personas) -> Achievement:
    return achievement_record(
        actor=personas.contact_officer,
        case=case,
        kind=AchievementKind.COURSE,
        title="  Sveisekurs, trinn 1 ",
        issuer="Verkstedet, Bergen fengsel",
        achieved_on=timezone.localdate() - datetime.timedelta(days=3),
        hours=30,
    )


def values(achievement: Achievement, **overrides) -> dict:
    base = {
        "kind": achievement.kind,
        "title": achievement.title,
        "issuer": achievement.issuer,
        "achieved_on": achievement.achieved_on,
        "hours": achievement.hours,
        "level": achievement.level,
        "description": achievement.description,
    }
    return {**base, **overrides}


def state(achievement: Achievement) -> tuple:
    current = Achievement.objects.get(pk=achievement.pk)
    return current.title, current.version, current.withdrawn_at, JournalEntry.objects.count()


def test_a_recorded_title_is_saved_trimmed_with_its_recorder_and_version_one(course, case, personas):
    assert course.title == "Sveisekurs, trinn 1" and course.version == 1
    assert course.recorded_by_id == personas.contact_officer.pk and course.withdrawn_at is None
    entry = JournalEntry.objects.get(action="achievement.record", object_id=str(course.pk))
    assert entry.new is not None and entry.new["title"] == "Sveisekurs, trinn 1" and entry.new["kind"] == "course"


def test_a_recording_whose_journal_entry_fails_is_not_saved(case, personas, monkeypatch):
    def journal_down(**_entry):
        raise DatabaseError("the journal could not be written")

    monkeypatch.setattr(achievements.services, "record_change", journal_down)
    before = Achievement.objects.count()
    with pytest.raises(DatabaseError):
        achievement_record(
            actor=personas.contact_officer,
            case=case,
            kind=AchievementKind.CERTIFICATE,
            title="Hygienebevis",
            issuer="Kjøkkenet",
            achieved_on=timezone.localdate(),
        )
    assert Achievement.objects.count() == before


def test_a_correction_with_bad_values_is_refused_naming_the_field_and_changes_nothing(course, personas):
    before = state(course)
    for overrides, field in (
        ({"title": " "}, "title"),
        ({"kind": "diploma"}, "kind"),
        ({"achieved_on": timezone.localdate() + datetime.timedelta(days=1)}, "achieved_on"),
        ({"hours": 0}, "hours"),
    ):
        with pytest.raises(ValidationError) as refused:
            achievement_correct(
                actor=personas.contact_officer,
                achievement=course,
                version=course.version,
                **values(course, **overrides),
            )
        assert set(refused.value.message_dict) == {field}
    assert state(course) == before


def test_a_withdrawal_is_journaled_with_who_withdrew_it_when_and_why(course, case, personas):
    withdrawn = achievement_withdraw(
        actor=personas.social_worker, achievement=course, version=course.version, reason="  Feil person. "
    )
    assert withdrawn.version == 2 and withdrawn.withdrawn_at is not None
    entry = JournalEntry.objects.get(action="achievement.withdraw", object_id=str(course.pk))
    assert entry.actor_id == personas.social_worker.pk and entry.case_id == case.pk
    assert entry.old is not None and entry.new is not None
    assert (entry.old["withdrawn_at"], entry.old["withdrawn_by"], entry.old["withdrawn_reason"]) == (None, None, "")
    assert entry.new["withdrawn_by"] == personas.social_worker.pk and entry.new["withdrawn_reason"] == "Feil person."
    assert entry.new["withdrawn_at"] == withdrawn.withdrawn_at.isoformat()


def test_a_stale_withdrawal_is_a_conflict_and_changes_nothing(course, personas):
    achievement_correct(
        actor=personas.contact_officer, achievement=course, version=1, **values(course, title="Sveisekurs, trinn 2")
    )
    before = state(course)
    with pytest.raises(ConcurrentEditError):
        achievement_withdraw(actor=personas.social_worker, achievement=course, version=1, reason="Feil.")
    assert state(course) == before


def test_a_withdrawn_achievement_can_neither_be_corrected_nor_withdrawn_again(course, personas):
    achievement_withdraw(actor=personas.contact_officer, achievement=course, version=1, reason="Feil person.")
    before = state(course)
    with pytest.raises(ValidationError):
        achievement_correct(actor=personas.contact_officer, achievement=course, version=2, **values(course, hours=31))
    with pytest.raises(ValidationError):
        achievement_withdraw(actor=personas.contact_officer, achievement=course, version=2, reason="Igjen.")
    assert state(course) == before
