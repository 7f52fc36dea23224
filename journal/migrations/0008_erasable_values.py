"""Let anonymisation erase an expired case's journal values while the hash chain still checks.

Each entry's hash now covers a salted digest of its old and new values (``values_digest``),
not the values (journal.chain). The entries already written are first checked against the
chain as it was (the migration stops if one was changed), then sealed and linked again in
the new form, as migration 0003 linked them the first time. The triggers are made again:
DELETE stays refused; UPDATE is refused unless it only erases the values and the salt of an
entry not yet erased (``erased_at`` set, every other column as it was). The app role on
PostgreSQL gets UPDATE on those four columns only (journal.roles).
"""

from django.db import migrations, models

from journal import chain
from journal.roles import grant_app_role

append_only = __import__("journal.migrations.0002_append_only", fromlist=["create_triggers", "drop_triggers"])

TABLE = "journal_journalentry"
#: Every column but the erasable ones must stay as it was.
KEPT = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "actor_agency_id",
    "case_id",
    "action",
    "object_type",
    "object_id",
    "prev_hash",
    "hash",
    "values_digest",
)


def erasure_only(same: str) -> str:
    """The condition, in SQL, that an UPDATE only erases an entry's values (``same``: the null-safe equality)."""
    kept = " AND ".join(f"NEW.{column} {same} OLD.{column}" for column in KEPT)
    return (
        "OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND OLD.values_digest <> '' "
        f"AND NEW.old IS NULL AND NEW.new IS NULL AND NEW.salt = '' AND {kept}"
    )


def drop_entry_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


def create_entry_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} WHEN NOT ({erasure_only('IS')}) "
            "BEGIN SELECT RAISE(ABORT, 'journal tables are append-only'); END;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'journal tables are append-only'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION journal_entry_reject_change() RETURNS trigger AS $$ "
            f"BEGIN IF TG_OP = 'UPDATE' AND {erasure_only('IS NOT DISTINCT FROM')} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION 'journal tables are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION journal_entry_reject_change();"
        )
    else:
        raise NotImplementedError(f"No append-only triggers for the {vendor} database.")
    grant_app_role(schema_editor.connection)


def restore_first_triggers(apps, schema_editor):
    drop_entry_triggers(apps, schema_editor)
    append_only.drop_triggers(apps, schema_editor)
    append_only.create_triggers(apps, schema_editor)


def seal_and_relink(apps, schema_editor):
    """Check every entry in the first form, then seal and link them all again in the new one."""
    entry_model = apps.get_model("journal", "JournalEntry")
    entries = list(entry_model.objects.order_by("id"))
    broken = next(chain.walk(entries), None)
    if broken is not None:
        raise RuntimeError(f"The journal is broken at entry {broken.entry_id}: {broken.reason}; not relinking it.")
    head = chain.GENESIS
    for entry in entries:
        chain.seal(entry)
        entry.prev_hash = head
        entry.hash = head = chain.entry_hash(head, entry)
    entry_model.objects.bulk_update(entries, ["salt", "values_digest", "prev_hash", "hash"], batch_size=2000)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("journal", "0007_access_purpose_programme")]

    operations = [
        migrations.RunPython(drop_entry_triggers, restore_first_triggers),
        migrations.AddField(
            model_name="journalentry",
            name="erased_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="values erased"),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="salt",
            field=models.CharField(db_default="", default="", editable=False, max_length=32, verbose_name="salt"),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="values_digest",
            field=models.CharField(
                db_default="", default="", editable=False, max_length=64, verbose_name="digest of the values"
            ),
        ),
        # Not reversible: going back would need the first form of every hash again.
        migrations.RunPython(seal_and_relink),
        migrations.RunPython(create_entry_triggers, drop_entry_triggers),
    ]
