"""Backups and the restore drill (issue 24, ASSURANCE #22): a backup is only known good once restored.

``manage.py backup`` writes one backup file into ``backups/``: on PostgreSQL ``pg_dump
--format=custom``, on SQLite a copy made with SQLite's online backup API (the site may keep
running meanwhile).

``manage.py restore_drill`` takes such a backup, restores it into a scratch database (on
PostgreSQL a new database, created by the role the drill runs as and dropped after; on SQLite a
temporary file), and compares every table of the copy with the source: its row count and a
checksum of its rows that does not depend on their order (the md5 of the sorted md5s of the rows'
text). The source's figures are taken from the very moment of the backup: on PostgreSQL the dump
runs on a snapshot exported by the transaction that computes them (``pg_dump --snapshot``), on
SQLite the copy is made inside the read transaction that computes them, so pages served
meanwhile do not make the copy look wrong. Then, on the copy, it replays the deletion ledger
(``manage.py replay_deletions``, where that command exists) and checks the journal's hash chain
(``manage.py verify_journal``), each run as its own process with ``DATABASE_URL`` naming the
copy, exactly as an operator runs them after a real restore.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sqlite3
import subprocess  # pg_dump, pg_restore and manage.py, argument lists, no shell  # nosec B404
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management import get_commands
from django.db import connection
from django.utils import timezone

from core.scratch_database import drop_database

#: Where ``make backup`` writes (gitignored).
BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
REPLAY_COMMAND = "replay_deletions"


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


@dataclass
class DrillReport:
    backup: Path
    source: dict[str, TableSum]
    copy: dict[str, TableSum]
    steps: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def differing(self) -> list[str]:
        return [
            table
            for table in sorted(self.source.keys() | self.copy.keys())
            if self.source.get(table) != self.copy.get(table)
        ]

    @property
    def ok(self) -> bool:
        return not self.differing and all(passed for _name, passed, _text in self.steps)

    def lines(self) -> Iterator[str]:
        width = max((len(table) for table in self.source.keys() | self.copy.keys()), default=10)
        for table in sorted(self.source.keys() | self.copy.keys()):
            source, copy = self.source.get(table), self.copy.get(table)
            if source == copy and copy is not None:
                yield f"{table:<{width}}  {copy.rows:>8} rows  {copy.checksum[:12]}  same"
            else:
                yield (f"{table:<{width}}  DIFFERS: source {_describe(source)}, restored copy {_describe(copy)}")
        for name, passed, text in self.steps:
            yield f"{name}: {text}" if passed else f"{name}: FAILED: {text}"


def _describe(value: TableSum | None) -> str:
    return "no such table" if value is None else f"{value.rows} rows, {value.checksum[:12]}"


def _rows_checksum(row_hashes: list[str]) -> str:
    return hashlib.md5("".join(sorted(row_hashes)).encode(), usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------------------------------
# SQLite


def sqlite_sums(conn: sqlite3.Connection, only: frozenset[str] | None = None) -> dict[str, TableSum]:
    """Every table's (or those ``only`` names) row count and order-free checksum (computed here: SQLite has no md5)."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    sums = {}
    for table in tables if only is None else [table for table in tables if table in only]:
        # Each row as SQLite's own text of its values (quote()), never as Python values: the
        # application's connection turns dates and decimals into Python objects, a plain one does not.
        columns = [_sqlite_name(column[1]) for column in conn.execute(f"PRAGMA table_info({_sqlite_name(table)})")]
        text = " || ',' || ".join(f"quote({column})" for column in columns)
        # Names read from sqlite_master and quoted; no input reaches this statement.
        query = f"SELECT {text} FROM {_sqlite_name(table)}"  # noqa: S608  # nosec B608
        hashes = [hashlib.md5(row.encode(), usedforsecurity=False).hexdigest() for (row,) in conn.execute(query)]
        sums[table] = TableSum(len(hashes), _rows_checksum(hashes))
    return sums


def _sqlite_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _outside_transactions() -> None:
    """A backup shows what is committed: refuse to take one from inside a transaction (SQLite would wait forever)."""
    if connection.in_atomic_block:
        raise RuntimeError("A backup shows committed data only: take it outside a transaction.")


def _sqlite_source() -> sqlite3.Connection:
    _outside_transactions()
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    return raw


@contextmanager
def _sqlite_read_transaction(raw: sqlite3.Connection) -> Iterator[None]:
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the read lock now
        yield
    finally:
        raw.execute("ROLLBACK")


def _sqlite_copy(source: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _pg_params(name: str | None = None) -> dict[str, Any]:
    settings_dict = connection.settings_dict
    params = {
        "dbname": name or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    return {key: value for key, value in params.items() if value is not None}


def _pg_env(name: str | None = None) -> dict[str, str]:
    params = _pg_params(name)
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
    return {**os.environ, **{names[key]: str(value) for key, value in params.items()}}


def _pg_connect(name: str | None = None, autocommit: bool = True) -> Any:
    import psycopg

    conn = psycopg.connect(**_pg_params(name), autocommit=autocommit)
    # The rows' text must not depend on the session: times in UTC, dates in ISO form.
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET DateStyle = 'ISO, YMD'")
    conn.execute("SET IntervalStyle = 'iso_8601'")
    conn.execute("SET extra_float_digits = 1")
    return conn


def pg_sums(conn: Any, only: frozenset[str] | None = None) -> dict[str, TableSum]:
    """Every table's (or those ``only`` names) row count and order-free checksum, computed by PostgreSQL itself."""
    from psycopg import sql

    tables = [
        name
        for (name,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
        )
    ]
    sums = {}
    for table in tables if only is None else [table for table in tables if table in only]:
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
            " FROM (SELECT md5(t::text) AS h FROM {} AS t) AS r"
        ).format(sql.Identifier(table))
        rows, checksum = conn.execute(query).fetchone()
        sums[table] = TableSum(rows, checksum)
    return sums


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # no shell, our commands: # noqa: S603  # nosec B603


def _pg_dump(path: Path, snapshot: str | None = None) -> None:
    command = ["pg_dump", "--format=custom", f"--file={path}"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    done = _run(command, env=_pg_env())
    if done.returncode:
        raise RuntimeError(f"pg_dump failed: {done.stderr.strip()}")


# ---------------------------------------------------------------------------------------------
# Backup


def _backup_path(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return directory / f"overgang-{stamp}.{suffix}"


def table_sums(only: frozenset[str] | None = None) -> dict[str, TableSum]:
    """The tables' figures as the application's connection sees them now (inside its transaction too)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return pg_sums(connection.connection, only)
    return sqlite_sums(connection.connection, only)


def backup(directory: Path = BACKUP_DIR) -> Path:
    """Write one backup of the database into ``directory`` and return its path."""
    _outside_transactions()
    path = _backup_path(directory)
    if connection.vendor == "postgresql":
        _pg_dump(path)
    elif connection.vendor == "sqlite":
        _sqlite_copy(_sqlite_source(), path)
    else:
        raise RuntimeError(f"No backup for {connection.vendor}.")
    return path


def backup_with_sums(directory: Path) -> tuple[Path, dict[str, TableSum]]:
    """A backup and the source's figures at the moment the backup shows."""
    _outside_transactions()
    path = _backup_path(directory)
    if connection.vendor == "postgresql":
        with _pg_connect(autocommit=False) as source:
            source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            (snapshot,) = source.execute("SELECT pg_export_snapshot()").fetchone()
            _pg_dump(path, snapshot)
            sums = pg_sums(source)
            source.rollback()
        return path, sums
    raw = _sqlite_source()
    with _sqlite_read_transaction(raw):
        _sqlite_copy(raw, path)
        sums = sqlite_sums(raw)
    return path, sums


# ---------------------------------------------------------------------------------------------
# The drill

#: Called with a connection to the restored copy before it is compared (a test changes a row).
AfterRestore = Callable[[Any], None]


def manage_on(database_url: str, command: str, *args: str) -> tuple[bool, str]:
    """Run a manage.py command as its own process on another database; whether it passed, and its last line."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    done = _run([sys.executable, str(manage), command, *args], env={**os.environ, "DATABASE_URL": database_url})
    text = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return done.returncode == 0, (text[-1] if text else f"exit status {done.returncode}")


def _steps_on_copy(database_url: str) -> list[tuple[str, bool, str]]:
    steps = []
    if REPLAY_COMMAND in get_commands():
        steps.append((REPLAY_COMMAND, *manage_on(database_url, REPLAY_COMMAND)))
    else:
        steps.append((REPLAY_COMMAND, True, "not available"))
    steps.append(("verify_journal", *manage_on(database_url, "verify_journal")))
    return steps


def drill(directory: Path = BACKUP_DIR, after_restore: AfterRestore | None = None) -> DrillReport:
    """Back up, restore into a scratch database, compare every table, replay the ledger, check the journal."""
    path, source = backup_with_sums(directory)
    if connection.vendor == "postgresql":
        return _pg_drill(path, source, after_restore)
    return _sqlite_drill(path, source, after_restore)


def _sqlite_drill(path: Path, source: dict[str, TableSum], after_restore: AfterRestore | None) -> DrillReport:
    with tempfile.TemporaryDirectory(prefix="overgang-drill-") as scratch:
        copy_path = Path(scratch) / "restored.sqlite3"
        backup_file = sqlite3.connect(path)
        try:
            _sqlite_copy(backup_file, copy_path)
        finally:
            backup_file.close()
        copy = sqlite3.connect(copy_path, isolation_level=None)
        try:
            if after_restore is not None:
                after_restore(copy)
            sums = sqlite_sums(copy)
        finally:
            copy.close()
        report = DrillReport(path, source, sums)
        report.steps = _steps_on_copy(f"sqlite:///{copy_path}")
    return report


@contextmanager
def restored(path: Path) -> Iterator[str]:
    """Restore a backup into a scratch database, yield its ``DATABASE_URL``, and drop it after."""
    if connection.vendor != "postgresql":
        with tempfile.TemporaryDirectory(prefix="overgang-restored-") as scratch:
            copy_path = Path(scratch) / "restored.sqlite3"
            backup_file = sqlite3.connect(path)
            try:
                _sqlite_copy(backup_file, copy_path)
            finally:
                backup_file.close()
            yield f"sqlite:///{copy_path}"
        return
    from psycopg import sql

    name = f"restored_{os.getpid()}_{connection.settings_dict['NAME']}"[:63]
    with _pg_connect() as admin:
        drop_database(admin, name)
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            done = _run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(path)], env=_pg_env(name)
            )
            if done.returncode:
                raise RuntimeError(f"pg_restore failed: {done.stderr.strip()}")
            yield _pg_url(name)
        finally:
            drop_database(admin, name)


def _pg_url(name: str) -> str:
    params = _pg_params(name)
    credentials = quote(params.get("user", ""), safe="")
    if "password" in params:
        credentials += ":" + quote(params["password"], safe="")
    host = params.get("host", "")
    port = f":{params['port']}" if "port" in params else ""
    return f"postgres://{credentials}@{host}{port}/{quote(name, safe='')}"


def _pg_drill(path: Path, source: dict[str, TableSum], after_restore: AfterRestore | None) -> DrillReport:
    from psycopg import sql

    name = f"drill_{os.getpid()}_{connection.settings_dict['NAME']}"[:63]
    with _pg_connect() as admin:
        drop_database(admin, name)
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            done = _run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(path)], env=_pg_env(name)
            )
            if done.returncode:
                raise RuntimeError(f"pg_restore failed: {done.stderr.strip()}")
            with _pg_connect(name) as copy:
                if after_restore is not None:
                    after_restore(copy)
                sums = pg_sums(copy)
            report = DrillReport(path, source, sums)
            report.steps = _steps_on_copy(_pg_url(name))
        finally:
            drop_database(admin, name)
    return report
