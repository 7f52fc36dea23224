"""Seed the thresholds of the rules added in issue 19 point 3 (a late needs conversation, consent never asked)."""

from django.db import migrations

from obstacles.thresholds import CONSENT_ASKED_DAYS, NEEDS_CONVERSATION_DAYS, THRESHOLDS


def seed(apps, schema_editor):
    Threshold = apps.get_model("obstacles", "Threshold")
    for key, value, source in THRESHOLDS:
        if key in {NEEDS_CONVERSATION_DAYS, CONSENT_ASKED_DAYS}:
            Threshold.objects.get_or_create(key=key, defaults={"value": value, "source": source})


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
