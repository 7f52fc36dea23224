"""Anonymise closed cases whose day has come, and record what was removed (DOMAIN §5, issue 24).

``anonymise_due`` walks the due cases; ``anonymise_case`` does one in its own transaction,
with the person's and the case's rows locked, so two runs at once do each case once, and a
case done before is skipped. It scrubs every model of the case (``retention.registry``),
erases the values of the case's journal entries (the hash chain still checks:
``journal.chain``), scrubs the person and their login when no other case of theirs is kept,
appends what it removed (ids and field names, never content) to the deletion ledger
(``retention.ledger``) and journals the fact, with counts only.

``replay_deletions`` applies the ledger again after a restore: idempotent, it scrubs only
what came back.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Person, Stage
from journal.models import JournalEntry
from journal.services import erase_values, record_change
from retention import ledger
from retention.models import DeletionRecord
from retention.registry import BY_LABEL, PERSON, PERSON_RULES, PERSON_USER, RULES

JOURNAL = "journal.journalentry"


def due_cases(today: datetime.date) -> QuerySet[Case]:
    """Closed cases whose anonymisation day has come and that are not anonymised yet."""
    return Case.objects.filter(stage=Stage.CLOSED, anonymise_on__lte=today, anonymised_at__isnull=True)


@dataclass(frozen=True)
class Outcome:
    anonymised: int
    persons: int
    skipped: int


def anonymise_due(actor: User, today: datetime.date | None = None) -> Outcome:
    """Anonymise every due case, each in its own transaction; safe to run twice or at once."""
    today = today or timezone.localdate()
    anonymised = persons = skipped = 0
    for case_id in list(due_cases(today).order_by("pk").values_list("pk", flat=True)):
        record = anonymise_case(actor, case_id, today)
        if record is None:
            skipped += 1
            continue
        anonymised += 1
        persons += record.person_id is not None
    return Outcome(anonymised, persons, skipped)


def _removal(label: str, ids: list[int], fields: list[str]) -> dict[str, Any]:
    return {"model": label, "ids": ids, "fields": fields}


def anonymise_case(actor: User, case_id: int, today: datetime.date) -> DeletionRecord | None:
    """Anonymise one due case; None where it is not due or was done already (by this run or another)."""
    with transaction.atomic():
        person_id = Case.objects.filter(pk=case_id).values_list("person_id", flat=True).first()
        if person_id is None:
            return None
        # The person first, then the case: two runs on two cases of one person take turns,
        # so the second sees the first's case done and scrubs the person.
        person = Person.objects.select_for_update().get(pk=person_id)
        case = Case.objects.select_for_update().get(pk=case_id)
        if not due_cases(today).filter(pk=case.pk).exists():
            return None
        now = timezone.now()
        removed: list[dict[str, Any]] = []
        for rule in RULES:
            if rule.per_person:
                continue
            ids = rule.ids_for(case.pk)
            if ids and rule.removed_fields:
                rule.scrub(ids)
                removed.append(_removal(rule.label, ids, rule.removed_fields))
        journal_ids = list(JournalEntry.objects.filter(case=case).order_by("pk").values_list("pk", flat=True))
        scrub_person = not person.cases.filter(anonymised_at__isnull=True).exclude(pk=case.pk).exists()
        if scrub_person:
            removed += _scrub_person(person)
            journal_ids += _person_entries(person)
        erase_values(journal_ids, now)
        removed.append(_removal(JOURNAL, sorted(journal_ids), ["old", "new", "salt"]))
        case.anonymised_at = now
        case.version += 1
        case.save(update_fields=["anonymised_at", "version"])
        record = ledger.append(
            DeletionRecord(at=now, case_id=case.pk, person_id=person.pk if scrub_person else None, removed=removed)
        )
        counts = Counter({item["model"]: len(item["ids"]) for item in removed})
        record_change(
            actor=actor,
            action="case.anonymise",
            obj=case,
            case=case,
            old=None,
            new={"rows": dict(sorted(counts.items())), "person": scrub_person, "ledger": record.pk},
        )
        return record


def _scrub_person(person: Person) -> list[dict[str, Any]]:
    removed = []
    for rule in RULES:
        if rule.per_person:
            ids = rule.ids_for(person.pk)
            if ids:
                rule.scrub(ids)
                removed.append(_removal(rule.label, ids, rule.removed_fields))
    PERSON.apply([person.pk])
    removed.append(_removal(PERSON.label, [person.pk], list(PERSON.fields)))
    if person.user_id is not None:
        PERSON_USER.apply([person.user_id])
        removed.append(_removal(PERSON_USER.label, [person.user_id], list(PERSON_USER.fields)))
    return removed


def _person_entries(person: Person) -> list[int]:
    """The journal entries about the person or their login that belong to no case (their registration)."""
    about = Q(object_type="cases.person", object_id=str(person.pk))
    if person.user_id is not None:
        about |= Q(object_type="accounts.user", object_id=str(person.user_id))
    return list(JournalEntry.objects.filter(about, case__isnull=True).values_list("pk", flat=True))


@dataclass(frozen=True)
class Replay:
    records: int
    rows: int
    entries: int
    left: int


def _left(item: dict[str, Any]) -> int:
    label, ids = item["model"], item["ids"]
    if label == JOURNAL:
        return JournalEntry.objects.filter(pk__in=ids, erased_at__isnull=True).count()
    if label in PERSON_RULES:
        return PERSON_RULES[label].left(ids)
    return BY_LABEL[label].left(ids)


def _apply(item: dict[str, Any], at: datetime.datetime) -> int:
    label, ids = item["model"], item["ids"]
    if label == JOURNAL:
        return erase_values(ids, at)
    left = _left(item)
    if left:
        if label in PERSON_RULES:
            PERSON_RULES[label].apply(ids)
        else:
            BY_LABEL[label].scrub(ids)
    return left


def expired_rows() -> int:
    """How many rows the ledger says were removed hold their content again (0 after a replay)."""
    left = sum(_left(item) for record in DeletionRecord.objects.order_by("pk") for item in record.removed)
    return (
        left + Case.objects.filter(pk__in=DeletionRecord.objects.values("case_id"), anonymised_at__isnull=True).count()
    )


def replay_deletions(newer: list[DeletionRecord] | None = None) -> Replay:
    """Apply the whole ledger again (after a restore): scrub what came back, erase what was restored.

    ``newer``: the ledger as exported from the live database (``export_deletions``), for a
    restore of a backup older than some anonymisations: its records this ledger lacks are
    appended first (``retention.ledger.catch_up``).
    """
    if newer is not None:
        with transaction.atomic():
            ledger.catch_up(newer)
    broken = next(ledger.walk(DeletionRecord.objects.order_by("pk")), None)
    if broken is not None:
        raise ValueError(f"The deletion ledger is broken at record {broken.entry_id}: {broken.reason}.")
    records = rows = entries = 0
    for record in DeletionRecord.objects.order_by("pk"):
        records += 1
        with transaction.atomic():
            for item in record.removed:
                if item["model"] == JOURNAL:
                    entries += _apply(item, record.at)
                else:
                    rows += _apply(item, record.at)
            rows += Case.objects.filter(pk=record.case_id, anonymised_at__isnull=True).update(anonymised_at=record.at)
    return Replay(records, rows, entries, expired_rows())
