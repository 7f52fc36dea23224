"""The report's tables kept with every measurement (issue 22, "Measured": the report page serves
from measurements): the outcome cohorts and the map's obstacles by code, as raw counts."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeasuredTable",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=60, verbose_name="table")),
                ("counted_on", models.DateField(verbose_name="counted on")),
                ("counts", models.JSONField(default=list, verbose_name="counts")),
                (
                    "measurement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="tables", to="insight.measurement"
                    ),
                ),
            ],
            options={
                "verbose_name": "measured table",
                "verbose_name_plural": "measured tables",
                "ordering": ["measurement", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("measurement", "key"), name="measured_table_once_per_table")
                ],
            },
        ),
    ]
