"""Chain the journal's entries by hash (journal.chain) and link the entries already written.

Altering the table may remake it on SQLite, which drops its triggers, and the backfill
must update rows the triggers protect: so the triggers are dropped first and made again.
"""

import django.utils.timezone
from django.db import migrations, models

from journal.chain import link_first_form

append_only = __import__("journal.migrations.0002_append_only", fromlist=["create_triggers", "drop_triggers"])


def link_existing(apps, schema_editor):
    entry_model = apps.get_model("journal", "JournalEntry")
    append_only.drop_triggers(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE journal_journalentry SET prev_hash = '', hash = ''")
    entries = list(entry_model.objects.order_by("id"))
    link_first_form(entries)  # the chain is empty now, so it starts at the genesis hash
    for entry in entries:
        entry_model.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=entry.hash)
    append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("journal", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous hash"),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="time"
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
