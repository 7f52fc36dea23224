"""The journal's hash chain: each entry's hash covers the previous entry's hash and its own content.

Rewriting, removing or inserting an entry anywhere but at the end breaks every link after it,
so ``manage.py verify_journal`` finds it even where someone got past the database's refusal
(a restored backup, the owner role, a file edited by hand). The chain runs in id order;
appends are serialised (an advisory lock on PostgreSQL, SQLite's single writer) so two
transactions cannot both link to the same head.

Since journal migration 0008 a hash covers a salted digest of the entry's old and new values,
not the values themselves (``values_digest``): anonymisation (``retention``) can then erase the
values of an expired case's entries, and destroy the salt, while every hash still checks. While
the values are there, ``walk`` checks them against the digest too; once erased, a guess at what
they were cannot be confirmed, since the random salt is gone with them. Entries written before
0008 hashed their values directly; the migration checked and re-linked them.

Access events are not chained: every page writes one, and a chain would make every page
read wait for every other page's lock. They are append-only by the database's refusal
(triggers, and the app role's INSERT and SELECT only on PostgreSQL).
"""

import datetime
import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

#: The hash the first entry links to.
GENESIS = "0" * 64
#: Any fixed number: the key of the PostgreSQL advisory lock that serialises appends.
CHAIN_LOCK = 7_310_016_002
#: The columns a hash covers, in this order.
CONTENT = (
    "at",
    "actor_id",
    "actor_role",
    "actor_agency_id",
    "case_id",
    "action",
    "object_type",
    "object_id",
    "old",
    "new",
)


#: The columns a hash covers since migration 0008: the content without the values, and their digest.
LINKED = (*(name for name in CONTENT if name not in ("old", "new")), "values_digest")


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _dump(values: Any) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def canonical(entry: Any) -> bytes:
    """Serialise the entry's content the same way before it is written and after it is read.

    An entry with a ``values_digest`` (every entry since migration 0008) is serialised with
    the digest in place of its old and new values; one without, with the values (the first form).
    """
    if not getattr(entry, "values_digest", ""):
        return _dump(_first_form(entry))
    values = {name: getattr(entry, name) for name in LINKED}
    values["at"] = _moment(values["at"])
    return _dump(values)


def values_digest(salt: str, old: Any, new: Any) -> str:
    """The salted digest of an entry's values: what its hash covers in their place."""
    return hashlib.sha256(salt.encode() + b"\n" + _dump({"old": old, "new": new})).hexdigest()


def seal(entry: Any) -> None:
    """Give an entry a fresh salt and the digest of its values (as they will read back)."""
    entry.old, entry.new = _round_trip(entry.old), _round_trip(entry.new)
    entry.salt = secrets.token_hex(16)
    entry.values_digest = values_digest(entry.salt, entry.old, entry.new)


def entry_hash(prev_hash: str, entry: Any) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


def lock_head() -> str:
    """Take the chain for this transaction and return the hash of its last entry."""
    if not connection.in_atomic_block:
        raise RuntimeError("The journal chain is extended only inside a transaction.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute("SELECT hash FROM journal_journalentry ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row and row[0] else GENESIS


def link(entries: Iterable[Any]) -> None:
    """Set ``prev_hash`` and ``hash`` on unsaved entries, in the order they will be inserted."""
    head = lock_head()
    for entry in entries:
        # JSON values as they will read back from the database (tuples become lists).
        seal(entry)
        entry.prev_hash = head
        entry.hash = head = entry_hash(head, entry)


def link_first_form(entries: Iterable[Any]) -> None:
    """Link entries in the first form, which hashed the values themselves (journal migration 0003 only)."""
    head = lock_head()
    for entry in entries:
        entry.old, entry.new = _round_trip(entry.old), _round_trip(entry.new)
        entry.prev_hash = head
        entry.hash = head = hashlib.sha256(head.encode() + b"\n" + _dump(_first_form(entry))).hexdigest()


def _first_form(entry: Any) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in CONTENT}
    values["at"] = _moment(values["at"])
    return values


def _round_trip(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value))


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def walk(entries: Iterable[Any]) -> Iterator[Break]:
    """Yield every broken link among entries in id order (the first is what matters)."""
    head = GENESIS
    for entry in entries:
        if entry.prev_hash != head:
            yield Break(entry.pk, "does not link to the entry before it (one was removed, added or reordered)")
        elif entry.hash != entry_hash(head, entry):
            yield Break(entry.pk, "its content does not match its hash (it was changed)")
        elif (
            getattr(entry, "values_digest", "")
            and entry.erased_at is None
            and entry.values_digest != values_digest(entry.salt, entry.old, entry.new)
        ):
            yield Break(entry.pk, "its values do not match their digest (they were changed)")
        elif (
            getattr(entry, "values_digest", "")
            and entry.erased_at is not None
            and (entry.old, entry.new) != (None, None)
        ):
            yield Break(entry.pk, "it was erased but holds values (they were put back)")
        head = entry.hash
