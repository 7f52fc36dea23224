"""The deletion ledger's hash chain, in the manner of the journal's (journal.chain)."""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection

from journal.chain import GENESIS, Break
from retention.models import DeletionRecord

#: The PostgreSQL advisory lock that serialises appends (not the journal's).
LEDGER_LOCK = 7_310_024_002
CONTENT = ("at", "case_id", "person_id", "removed")


def canonical(record: Any) -> bytes:
    values = {name: getattr(record, name) for name in CONTENT}
    values["at"] = values["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def record_hash(prev_hash: str, record: Any) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(record)).hexdigest()


def append(record: DeletionRecord) -> DeletionRecord:
    """Link and insert one record; inside the transaction that did the removal."""
    if not connection.in_atomic_block:
        raise RuntimeError("The deletion ledger is extended only inside a transaction.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK])
        cursor.execute("SELECT hash FROM retention_deletionrecord ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    record.removed = json.loads(json.dumps(record.removed))
    record.prev_hash = row[0] if row and row[0] else GENESIS
    record.hash = record_hash(record.prev_hash, record)
    record.save(force_insert=True)
    return record


def walk(records: Iterable[Any]) -> Iterator[Break]:
    head = GENESIS
    for record in records:
        if record.prev_hash != head:
            yield Break(record.pk, "does not link to the record before it (one was removed, added or reordered)")
        elif record.hash != record_hash(head, record):
            yield Break(record.pk, "its content does not match its hash (it was changed)")
        head = record.hash


def to_line(record: DeletionRecord) -> str:
    """One record as a line of JSON, with its hashes: what ``export_deletions`` writes."""
    values = {name: getattr(record, name) for name in (*CONTENT, "prev_hash", "hash")}
    values["at"] = values["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, ensure_ascii=True)


def from_line(line: str) -> DeletionRecord:
    values = json.loads(line)
    values["at"] = datetime.datetime.fromisoformat(values["at"])
    return DeletionRecord(**values)


def catch_up(records: list[DeletionRecord]) -> int:
    """Append to this database's ledger the records of a newer copy it lacks (after restoring an older backup).

    The copy's chain must check, and this ledger must be its beginning, record for record;
    the missing ones are inserted as they are, hashes and all, so the chain goes on. Returns
    how many were added.
    """
    broken = next(walk(records), None)
    if broken is not None:
        raise ValueError(f"The ledger file is broken at its record {broken.entry_id}: {broken.reason}.")
    if not connection.in_atomic_block:
        raise RuntimeError("The deletion ledger is extended only inside a transaction.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK])
    here = list(DeletionRecord.objects.order_by("pk").values_list("hash", flat=True))
    if [record.hash for record in records[: len(here)]] != here:
        raise ValueError("This database's deletion ledger is not the beginning of the file's; not replaying it.")
    missing = records[len(here) :]
    for record in missing:
        record.pk = None
        record.save(force_insert=True)
    return len(missing)
