"""Seed the self-build project in Oslo (NIBR-rapport 2011:20, section 5.13) where the directory is already laid.

``seed_directory`` adds only what a directory lacks (matched by name and organisation), so on a new
database, where 0002 laid it already, this adds nothing."""

from django.db import migrations


def seed(apps, schema_editor):
    from directory.seed import seed_directory

    seed_directory(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_seed")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
