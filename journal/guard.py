"""Refuse, on SQLite, every statement from the application's connection that could rewrite the journal.

SQLite has no roles, so the append-only triggers (migration 0002) could be dropped by the
very connection they protect. An authorizer on every connection refuses DROP TRIGGER,
UPDATE (but the erasure of an entry's values, ``ERASABLE``), DELETE, DROP TABLE and ALTER
TABLE on the journal tables, and
``PRAGMA writable_schema``. Only ``manage.py migrate`` (journal's own ``migrate`` command)
works as the owner, with the authorizer off for the duration. On PostgreSQL the same
refusal comes from the app role's grants (journal migration 0004).
"""

import contextlib
import sqlite3
from collections.abc import Iterator

from django.db import connections

from journal.roles import ERASABLE

JOURNAL_TABLES = frozenset({"journal_journalentry", "journal_accessevent", "retention_deletionrecord"})
_ON_TABLE = {sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_TEMP_TABLE}
_NAMING_TABLE_SECOND = {sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_DROP_TEMP_TRIGGER, sqlite3.SQLITE_ALTER_TABLE}

_as_owner = False


#: ERASABLE: the columns anonymisation may set on a journal entry; the trigger (migration 0008)
#: allows only their erasure, nothing else, and nothing on any other column.


def refuse_journal_rewrites(action: int, first: str | None, second: str | None, _db: str | None, _trigger) -> int:
    """The SQLite authorizer: deny what would rewrite the journal, allow everything else."""
    if action == sqlite3.SQLITE_UPDATE and (first or "").lower() == "journal_journalentry" and second in ERASABLE:
        return sqlite3.SQLITE_OK
    if action in _ON_TABLE and (first or "").lower() in JOURNAL_TABLES:
        return sqlite3.SQLITE_DENY
    if action in _NAMING_TABLE_SECOND and (second or "").lower() in JOURNAL_TABLES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (first or "").lower() == "writable_schema":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def install(connection) -> None:
    """Set the authorizer on one connection (None while migrating, which works as the owner).

    Setting it also expires the connection's prepared statements, so a statement prepared
    while migrating is checked again when it is next run.
    """
    connection.connection.set_authorizer(None if _as_owner else refuse_journal_rewrites)


def on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        install(connection)


@contextlib.contextmanager
def as_owner() -> Iterator[None]:
    """Work as the journal's owner: for ``migrate`` only (and tests that forge a rewrite)."""
    global _as_owner
    _as_owner = True
    _reinstall()
    try:
        yield
    finally:
        _as_owner = False
        _reinstall()


def _reinstall() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.connection is not None:
            install(connection)
