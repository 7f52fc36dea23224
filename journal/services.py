"""Write the journal. Called by every service that changes case data, in its transaction."""

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from journal import chain
from journal.models import AccessEvent, AccessPurpose, JournalEntry

#: Fields whose values never enter the journal, only the fact that they changed.
REDACTED_FIELDS = frozenset({"national_id", "password"})
REDACTED = "[redacted]"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the named fields of an instance as JSON-friendly values, redacting secrets."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value: Any
        if field.many_to_many:
            value = sorted(obj.pk for obj in getattr(instance, name).all()) if instance.pk else []
        elif isinstance(field, models.Field) and field.is_relation:
            value = getattr(instance, field.attname)
        else:
            value = getattr(instance, name)
        if name in REDACTED_FIELDS:
            value = REDACTED if value else ""
        values[name] = _plain(value)
    return values


def record_change(
    *,
    actor: User,
    action: str,
    obj: models.Model,
    case: Case | None,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> JournalEntry:
    """Append one journal entry; must run inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must be called inside the transaction that makes the change.")
    entry = JournalEntry(
        at=timezone.now(),
        actor=actor,
        actor_role=actor.role,
        actor_agency_id=actor.agency_id,
        case=case,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        old=old,
        new=new,
    )
    chain.link([entry])
    entry.save(force_insert=True)
    return entry


def record_changes(
    *, actor: User, action: str, changes: Iterable[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]]
) -> list[JournalEntry]:
    """Append one entry per ``(object, old, new)`` in one INSERT, for changes to no case (an import).

    Like ``record_change``: inside the transaction that made the changes, linked into the chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_changes must be called inside the transaction that makes the changes.")
    at = timezone.now()
    entries = [
        JournalEntry(
            at=at,
            actor=actor,
            actor_role=actor.role,
            actor_agency_id=actor.agency_id,
            case=None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            old=old,
            new=new,
        )
        for obj, old, new in changes
    ]
    if entries:
        chain.link(entries)
        JournalEntry.objects.bulk_create(entries)
    return entries


def record_access(*, viewer: User, case_ids: Iterable[int], purpose: AccessPurpose, view: str) -> None:
    """Append one access event per case read in this request, in one INSERT."""
    page = view[:80]
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user_id=viewer.pk,  # the id, not the user: a list page writes a hundred (3 % of a programme's view)
            role=viewer.role,
            agency_id=viewer.agency_id,
            case_id=case_id,
            purpose=purpose,
            view=page,
        )
        for case_id in dict.fromkeys(case_ids)
    )


def erase_values(entry_ids: Iterable[int], at: datetime.datetime) -> int:
    """Erase the old and new values (and the salt) of these entries, for anonymisation only.

    The hash chain still checks: it covers each entry's salted digest, not its values
    (journal.chain). The database allows this one change and no other (journal migration
    0008); entries erased before are left as they are. Returns how many were erased now.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("erase_values must be called inside the transaction that anonymises the case.")
    return JournalEntry.objects.filter(pk__in=list(entry_ids), erased_at__isnull=True).update(
        old=None, new=None, salt="", erased_at=at
    )
