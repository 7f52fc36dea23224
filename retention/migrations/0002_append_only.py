"""Make the deletion ledger append-only in the database, as the journal is (journal 0002, 0004).

Triggers reject UPDATE and DELETE on SQLite and PostgreSQL; on PostgreSQL the app role gets
SELECT and INSERT only (journal.roles); on SQLite the journal's guard refuses the app
connection's rewrites of this table too (journal.guard).
"""

from django.db import migrations

from journal.roles import grant_app_role

TABLE = "retention_deletionrecord"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
                "BEGIN SELECT RAISE(ABORT, 'the deletion ledger is append-only'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION retention_reject_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the deletion ledger is append-only'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION retention_reject_change();"
        )
        grant_app_role(schema_editor.connection)
    else:
        raise NotImplementedError(f"No append-only triggers for the {vendor} database.")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial"), ("journal", "0008_erasable_values")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
