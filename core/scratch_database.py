"""Dropping a PostgreSQL database we made for a while: the restore drill's and the retention
check's restored copies, the live-server tests' databases, the benchmark's.

``DROP DATABASE … WITH (FORCE)`` alone is not enough. When PostgreSQL's autovacuum is at work on
the database (it is, soon after pg_restore has filled it), FORCE tries to end that worker as it
ends any session, and a role that is not superuser may not: PostgreSQL 15 refuses with
InsufficientPrivilege ("must be a member of the role whose process is being terminated"). CI
failed on it on 2026-12-06. The plain ``DROP DATABASE`` ends autovacuum workers itself and waits
up to five seconds for other sessions; only when a session of ours is still open after that do we
need FORCE, which ends the sessions our role may end.

No Django here: ``bench/run.py`` uses it from outside a Django process.
"""

from __future__ import annotations

import time
from typing import Any

ATTEMPTS = 5
PAUSE_SECONDS = 2.0


def drop_database(admin: Any, name: str) -> None:
    """Drop database ``name`` if it exists, through ``admin``, an autocommit psycopg connection to another database."""
    import psycopg
    from psycopg import sql

    plain = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    forced = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            admin.execute(plain)
            return
        except psycopg.errors.ObjectInUse:
            pass  # a session of ours still open (or one that came back): FORCE ends it
        try:
            admin.execute(forced)
            return
        except psycopg.errors.InsufficientPrivilege:
            # An autovacuum worker started between the two statements; the plain form ends it.
            if attempt == ATTEMPTS:
                raise
            time.sleep(PAUSE_SECONDS)
