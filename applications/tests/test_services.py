"""The application services, directly: ``application_record`` and ``application_decide`` journal the actor,
the case and the old and new values in the same transaction; a refused input raises ValidationError and
changes nothing; a decision begun on a stale version raises ConcurrentEditError.

A refusal without its reason, and the decision page, are in ``test_applications.py``.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.models import Application, ApplicationKind, Outcome
from applications.services import MAX_TEXT, application_decide, application_record
from core.errors import ConcurrentEditError
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def pending(case, personas) -> Application:
    return application_record(
        actor=personas.social_worker,
        case=case,
        kind=ApplicationKind.DAY_RELEASE,
        by_person=False,
        applied_on=today() - datetime.timedelta(days=5),
        decides=case.institution,
        expected_answer=today() + datetime.timedelta(days=9),
        next_step="  Vent på svar.  ",
    )


def counts() -> tuple[int, int]:
    return Application.objects.count(), JournalEntry.objects.count()


def test_recording_an_application_journals_who_for_which_case_and_its_values(case, personas, pending):
    assert pending.outcome == Outcome.PENDING and pending.version == 1 and pending.recorded_by == personas.social_worker
    entry = JournalEntry.objects.get(action="application.record", object_id=str(pending.pk))
    assert entry.actor_id == personas.social_worker.pk and entry.case_id == case.pk
    assert entry.old is None
    assert entry.new == {
        "kind": "day_release",
        "by_person": False,
        "applied_on": (today() - datetime.timedelta(days=5)).isoformat(),
        "decides": case.institution_id,
        "expected_answer": (today() + datetime.timedelta(days=9)).isoformat(),
        "next_step": "Vent på svar.",
    }


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "pardon"}, "kind"),
        ({"applied_on": 1}, "applied_on"),  # tomorrow, counted from the project clock
        ({"expected_answer": -11}, "expected_answer"),  # before the application
        ({"next_step": "x" * (MAX_TEXT + 1)}, "next_step"),
    ],
)
def test_a_bad_application_is_refused_naming_the_field_and_records_nothing(case, personas, overrides, field):
    values = {
        "kind": ApplicationKind.LEAVE,
        "by_person": True,
        "applied_on": today() - datetime.timedelta(days=10),
        "expected_answer": None,
        "next_step": "",
    }
    for name in ("applied_on", "expected_answer"):
        if isinstance(overrides.get(name), int):
            overrides = {**overrides, name: today() + datetime.timedelta(days=overrides[name])}
    before = counts()
    with pytest.raises(ValidationError) as refused:
        application_record(actor=personas.contact_officer, case=case, **{**values, **overrides})
    assert set(refused.value.message_dict) == {field}
    assert counts() == before


def test_a_grant_is_journaled_with_the_old_and_new_decision_and_counts_the_version(case, personas, pending):
    decided = application_decide(
        actor=personas.contact_officer,
        application=pending,
        outcome=Outcome.GRANTED,
        decided_on=today() - datetime.timedelta(days=1),
        reached_on=today(),
        next_step="Første dagpermisjon i neste uke.",
        version=1,
    )
    assert (decided.outcome, decided.version) == (Outcome.GRANTED, 2)
    entry = JournalEntry.objects.get(action="application.decide", object_id=str(pending.pk))
    assert entry.actor_id == personas.contact_officer.pk and entry.case_id == case.pk
    assert entry.old == {
        "outcome": "",
        "decided_on": None,
        "reached_on": None,
        "reason": "",
        "next_step": "Vent på svar.",
    }
    assert entry.new == {
        "outcome": "granted",
        "decided_on": (today() - datetime.timedelta(days=1)).isoformat(),
        "reached_on": today().isoformat(),
        "reason": "",
        "next_step": "Første dagpermisjon i neste uke.",
    }


def test_a_decision_begun_on_a_stale_version_is_a_conflict_and_changes_nothing(personas, pending):
    application_decide(
        actor=personas.contact_officer, application=pending, outcome=Outcome.GRANTED, decided_on=today(), version=1
    )
    before = (Application.objects.get(pk=pending.pk).outcome, JournalEntry.objects.count())
    with pytest.raises(ConcurrentEditError):
        application_decide(
            actor=personas.social_worker,
            application=pending,
            outcome=Outcome.REFUSED,
            decided_on=today(),
            reason="Nei.",
            version=1,
        )
    assert (Application.objects.get(pk=pending.pk).outcome, JournalEntry.objects.count()) == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"outcome": Outcome.PENDING}, "outcome"),
        ({"outcome": "maybe"}, "outcome"),
        ({"decided_on": 1}, "decided_on"),
        ({"reached_on": 1}, "reached_on"),
        ({"reached_on": -1}, "reached_on"),  # before the decision
        ({"reason": "x" * (MAX_TEXT + 1)}, "reason"),
    ],
)
def test_a_bad_decision_is_refused_naming_the_field_and_changes_nothing(personas, pending, overrides, field):
    values = {"outcome": Outcome.GRANTED, "decided_on": today(), "reached_on": None, "reason": ""}
    for name in ("decided_on", "reached_on"):
        if isinstance(overrides.get(name), int):
            overrides = {**overrides, name: today() + datetime.timedelta(days=overrides[name])}
    before = (Application.objects.get(pk=pending.pk).version, JournalEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        application_decide(actor=personas.contact_officer, application=pending, version=1, **{**values, **overrides})
    assert set(refused.value.message_dict) == {field}
    assert (Application.objects.get(pk=pending.pk).version, JournalEntry.objects.count()) == before
