"""PostgreSQL: the app role may only SELECT and INSERT the journal (journal.roles).

Runs as the owner role. Where the app role does not exist (SQLite, a development database
without it) this does nothing; ``manage.py grant_app_role`` applies it later.
"""

from django.db import migrations

from journal.roles import grant_app_role


def grant(apps, schema_editor):
    grant_app_role(schema_editor.connection)


class Migration(migrations.Migration):
    # Tables that exist now get the grants; the default privileges cover those made later.
    dependencies = [("journal", "0003_hash_chain")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
