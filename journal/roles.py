"""PostgreSQL: what the application's role may do. It owns nothing; the owner role runs migrations.

The app role (``settings.DATABASE_APP_ROLE``, ``overgang_app``) may read and write ordinary
tables, but only SELECT and INSERT the journal tables (and erase an entry's values, which
the trigger of migration 0008 checks): it cannot UPDATE, DELETE or
TRUNCATE them, and, owning no table, cannot drop or disable their triggers or alter them.
Default privileges give it the same on every table the owner creates later.
"""

from django.conf import settings

#: The append-only tables: the journal's two and the deletion ledger (retention), where it exists yet.
JOURNAL_TABLES = ("journal_journalentry", "journal_accessevent", "retention_deletionrecord")
ENTRIES = "journal_journalentry"
#: The columns of an entry anonymisation may erase (as journal.guard.ERASABLE on SQLite).
ERASABLE = frozenset({"old", "new", "salt", "erased_at"})


def app_role_exists(connection, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def grant_app_role(connection, role: str | None = None) -> bool:
    """Grant the app role its privileges in this database; return False where there is no such role."""
    role = role or settings.DATABASE_APP_ROLE
    if connection.vendor != "postgresql" or not app_role_exists(connection, role):
        return False
    app = connection.ops.quote_name(role)
    existing = set(connection.introspection.table_names())
    journal = ", ".join(connection.ops.quote_name(table) for table in JOURNAL_TABLES if table in existing)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        f"REVOKE ALL ON {journal} FROM {app}",
        f"GRANT SELECT, INSERT ON {journal} TO {app}",
    ]
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, ENTRIES)}
        if columns >= ERASABLE:  # from migration 0008 on
            # Anonymisation erases an expired case's values; the trigger (migration 0008) allows nothing else.
            statements.append(f"GRANT UPDATE ({', '.join(sorted(ERASABLE))}) ON {ENTRIES} TO {app}")
        for statement in statements:
            cursor.execute(statement)
    return True
