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
