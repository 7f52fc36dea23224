"""Seed the directory (issue 21, point 7): the life areas as an HSDS taxonomy and the first entries."""

from django.db import migrations


def seed(apps, schema_editor):
    from directory.seed import seed_directory

    seed_directory(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("reference", "0002_seed_taxonomy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
