"""The application's own connection cannot rewrite the journal, not even by removing its triggers.

On SQLite the app connection carries the journal guard's authorizer; on PostgreSQL the app
runs as a role that owns nothing and holds only SELECT and INSERT on the journal tables
(migration journal 0004). The PostgreSQL test connects as that role to the test database.
"""

import os

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from journal.models import AccessEvent, JournalEntry

pytestmark = pytest.mark.django_db

TABLES = [JournalEntry._meta.db_table, AccessEvent._meta.db_table]

#: What an attacker with the app's connection would try, per database.
REWRITES = {
    "sqlite": {
        "drop trigger": "DROP TRIGGER {table}_no_update",
        "update": "UPDATE {table} SET case_id = case_id",
        "delete": "DELETE FROM {table} WHERE id = (SELECT MAX(id) FROM {table})",
        "truncate": "DELETE FROM {table}",
        "drop table": "DROP TABLE {table}",
        "rename table": "ALTER TABLE {table} RENAME TO {table}_old",
        "writable schema": "PRAGMA writable_schema = ON",
    },
    "postgresql": {
        "drop trigger": "DROP TRIGGER {table}_append_only ON {table}",
        "update": "UPDATE {table} SET case_id = case_id",
        "delete": "DELETE FROM {table} WHERE id = (SELECT MAX(id) FROM {table})",
        "truncate": "TRUNCATE {table}",
        "drop table": "DROP TABLE {table}",
        "rename table": "ALTER TABLE {table} RENAME TO {table}_old",
        "disable trigger": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    },
}
#: Django's error (SQLite, through the app's connection) or the driver's (PostgreSQL, the app role).
REFUSED = (DatabaseError, psycopg.Error)
VENDOR = "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "sqlite"


class AppConnection:
    """Run statements as the application would: the app's connection (SQLite) or the app role (PostgreSQL)."""

    def __init__(self):
        self.pg = None
        if connection.vendor == "postgresql":
            self.pg = psycopg.connect(
                dbname=connection.settings_dict["NAME"],
                host=connection.settings_dict["HOST"],
                port=connection.settings_dict["PORT"] or 5432,
                user=os.environ.get("DATABASE_APP_USER", "overgang_app"),
                password=os.environ.get("DATABASE_APP_PASSWORD", "overgang_app"),
                autocommit=True,
                # Where the role could (the old set-up), the statement waits for this test's locks.
                options="-c lock_timeout=3000",
            )

    def run(self, sql: str) -> list:
        if self.pg is not None:
            cursor = self.pg.execute(sql)
            return cursor.fetchall() if cursor.description else []
        with transaction.atomic(), connection.cursor() as django_cursor:
            django_cursor.execute(sql)
            return django_cursor.fetchall() if django_cursor.description else []

    def close(self):
        if self.pg is not None:
            self.pg.close()


@pytest.fixture
def app(case):
    as_app = AppConnection()
    yield as_app
    as_app.close()


def row_counts() -> list[int]:
    return [JournalEntry.objects.count(), AccessEvent.objects.count()]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("sql", REWRITES[VENDOR].values(), ids=REWRITES[VENDOR].keys())
def test_the_app_connection_cannot_rewrite_the_journal(app, table, sql):
    before = row_counts()
    with pytest.raises(REFUSED) as refused:
        app.run(sql.format(table=table))
    assert_refused_for_want_of_rights(refused.value)
    # Whatever was tried, the rows and the triggers are still there, and still refuse a change.
    assert row_counts() == before
    with pytest.raises(REFUSED) as refused:
        app.run(REWRITES[VENDOR]["update"].format(table=table))
    assert_refused_for_want_of_rights(refused.value)


def assert_refused_for_want_of_rights(error: Exception) -> None:
    """Refused by the guard or the grants, not by a trigger, a lock timeout or a typo."""
    if VENDOR == "postgresql":
        assert isinstance(error, psycopg.errors.InsufficientPrivilege), error
    else:
        assert "not authorized" in str(error), error


def test_the_app_connection_still_reads(app):
    assert app.run("SELECT COUNT(*) FROM journal_journalentry")[0][0] == JournalEntry.objects.count() > 0
