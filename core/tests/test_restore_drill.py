"""The restore drill (ASSURANCE #22) on the demo world, on whichever database the suite runs on.

These tests use the committed demo world outside a test transaction: a backup reads one
consistent moment of the database, which a transaction that is later rolled back is not. They
only read it; the change that must be caught is made in the restored copy.
"""

import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.drill import backup, restored
from core.management.commands.restore_drill import Command as RestoreDrill


@pytest.fixture
def demo_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


def tables() -> list[str]:
    return connection.introspection.table_names()


def test_the_drill_restores_every_table_of_the_demo_world_unchanged(demo_world, tmp_path, capsys):
    call_command("restore_drill", directory=tmp_path)

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Backup: {tmp_path}")
    rows = {line.split()[0]: line for line in out[1:] if line.split() and line.split()[0] in tables()}
    assert set(rows) == set(tables())  # one line per table, every table
    assert all(line.endswith("same") for line in rows.values())
    assert int(rows["cases_case"].split()[1]) > 0
    assert any(line.startswith("replay_deletions: ") and "FAILED" not in line for line in out)
    assert any(line.startswith("verify_journal: The journal is intact") for line in out)
    assert out[-1] == f"Restore drill passed: {len(tables())} of {len(tables())} tables match."


class OneRowChanged(RestoreDrill):
    """The drill, with one agency's name changed in the restored copy before it is compared."""

    @staticmethod
    def after_restore(copy) -> None:
        copy.execute("UPDATE accounts_agency SET name = name || '!' WHERE id = (SELECT min(id) FROM accounts_agency)")


def test_a_changed_row_in_the_restored_copy_fails_the_drill_on_that_table(demo_world, tmp_path, capsys):
    with pytest.raises(CommandError, match=r"tables that differ: accounts_agency;"):
        call_command(OneRowChanged(), directory=tmp_path)

    out = capsys.readouterr().out.splitlines()
    [line] = [line for line in out if line.startswith("accounts_agency ")]
    assert "DIFFERS" in line
    assert sum("DIFFERS" in line for line in out) == 1


def test_no_backup_is_taken_inside_a_transaction(db, tmp_path):
    # (Also the one test here in a test transaction: pytest-django creates the test database
    # only for a session with such a test, and this file must run alone too.)
    with pytest.raises(RuntimeError, match="outside a transaction"):
        backup(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_backup_writes_a_file_the_database_tools_can_read(demo_world, tmp_path):
    path = backup(tmp_path)

    assert path.parent == tmp_path
    if connection.vendor == "postgresql":
        assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    else:
        copy = sqlite3.connect(path)
        try:
            assert copy.execute("SELECT count(*) FROM cases_case").fetchone()[0] > 0
        finally:
            copy.close()


def restored_copy_exists(url: str) -> bool:
    if connection.vendor != "postgresql":
        return Path(url.removeprefix("sqlite:///")).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [url.rsplit("/", 1)[1]])
        return cursor.fetchone()[0] == 1


def open_session(url: str):
    if connection.vendor != "postgresql":
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    return psycopg.connect(url)


def test_a_restored_copy_is_dropped_after_use_even_with_a_session_left_open_on_it(demo_world, tmp_path):
    # The plain DROP DATABASE waits for other sessions and then refuses; a session of ours left
    # open must not leave the copy behind (core/scratch_database.py). The case it was written
    # for, an autovacuum worker on the freshly restored copy, which WITH (FORCE) may not end,
    # cannot be brought about on cue in a test; its reproduction is in the stop's note.
    path = backup(tmp_path)
    with restored(path) as url:
        assert restored_copy_exists(url)
        left_open = open_session(url)
        left_open.execute("SELECT 1")
    try:
        assert not restored_copy_exists(url)
    finally:
        left_open.close()
