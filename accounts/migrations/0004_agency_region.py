"""A prison's region (issue 22): the field, and the prisons already stored placed by their municipality."""

from django.db import migrations, models


def place_prisons(apps, schema_editor):
    from accounts.regions import region_for

    Agency = apps.get_model("accounts", "Agency")
    for agency in Agency.objects.filter(kind="prison"):
        agency.region = region_for(agency.country, agency.municipality)
        agency.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_external_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="region",
            field=models.CharField(blank=True, db_default="", db_index=True, max_length=20, verbose_name="region"),
        ),
        migrations.RunPython(place_prisons, migrations.RunPython.noop),
    ]
