"""Encrypt the national identity numbers already stored, and key their lookup hash (issue #16, hole 10)."""

from django.conf import settings
from django.db import migrations, models

import cases.identity


def encrypt_existing(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, national_id FROM cases_person WHERE national_id <> ''")
        for pk, number in cursor.fetchall():
            cursor.execute(
                "UPDATE cases_person SET national_id = %s, national_id_hash = %s WHERE id = %s",
                [cases.identity.encrypt(number), cases.identity.national_id_digest(number), pk],
            )


def decrypt_existing(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, national_id FROM cases_person WHERE national_id <> ''")
        for pk, token in cursor.fetchall():
            cursor.execute(
                "UPDATE cases_person SET national_id = %s, national_id_hash = '' WHERE id = %s",
                [cases.identity.decrypt(token), pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_meeting_minutes_audience"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="person_national_id_unique",
        ),
        migrations.AddField(
            model_name="person",
            name="national_id_hash",
            field=cases.identity.DigestField(
                source="national_id", verbose_name="national identity number (keyed hash)"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="national_id",
            field=cases.identity.EncryptedTextField(blank=True, verbose_name="national identity number"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("national_id_hash", ""), _negated=True),
                fields=("national_id_hash",),
                name="person_national_id_unique",
            ),
        ),
    ]
