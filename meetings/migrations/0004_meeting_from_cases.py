"""The Meeting model moves from the cases app to this one; its table (cases_meeting) stays.

State only: no row moves and no table is renamed (issue #15, point 4). The foreign keys of
attendance, decisions, need reviews and measure handovers pointed at ``cases.meeting`` and
now point at this app's model, on the same table. cases 0010 removes the model from the
cases app's state. The content type follows, so the admin's history and the permissions
keep their rows. Journal entries written before keep ``cases.meeting`` as their object type
(the journal is append-only); ``journal.display`` reads that label as this model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="meetings", model="meeting").exists():
        content_types.filter(app_label="cases", model="meeting").update(app_label="meetings")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="cases", model="meeting").exists():
        content_types.filter(app_label="meetings", model="meeting").update(app_label="cases")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_carry_over"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0003_decision_audience"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Meeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("intake", "Intake meeting"),
                                    ("needs_conversation", "Needs conversation"),
                                    ("with_person", "Meeting with the person"),
                                    ("group", "Group meeting"),
                                    ("release", "Release meeting"),
                                    ("handover_review", "Handover review"),
                                    ("farewell", "Farewell conversation"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="time")),
                        (
                            "duration_minutes",
                            models.PositiveSmallIntegerField(default=60, verbose_name="length in minutes"),
                        ),
                        ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                        ("video_link", models.URLField(blank=True, verbose_name="video link")),
                        (
                            "repeat_every_days",
                            models.PositiveSmallIntegerField(
                                blank=True, null=True, verbose_name="repeats every (days)"
                            ),
                        ),
                        ("person_attends", models.BooleanField(default=False, verbose_name="the person attends")),
                        ("minutes", models.TextField(blank=True, verbose_name="minutes")),
                        (
                            "minutes_audience",
                            models.CharField(
                                choices=[
                                    ("staff", "Only the person and the prison staff of the case"),
                                    ("covered", "The person, the prison staff and the members the consent covers"),
                                    ("group", "Everyone in the group (practical matters only, nothing about needs)"),
                                ],
                                default="covered",
                                max_length=10,
                                verbose_name="who reads the minutes",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("booked_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "booked_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="meetings",
                                to="cases.case",
                                verbose_name="case",
                            ),
                        ),
                        (
                            "series",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="meetings.meeting",
                                verbose_name="first of the series",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "meeting",
                        "verbose_name_plural": "meetings",
                        "db_table": "cases_meeting",
                        "ordering": ["starts_at"],
                    },
                ),
                migrations.AlterField(
                    model_name="attendance",
                    name="meeting",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="attendances", to="meetings.meeting"
                    ),
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="meeting",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="decisions", to="meetings.meeting"
                    ),
                ),
                migrations.AlterField(
                    model_name="measurehandover",
                    name="meeting",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="measure_handovers",
                        to="meetings.meeting",
                    ),
                ),
                migrations.AlterField(
                    model_name="needreview",
                    name="meeting",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="need_reviews", to="meetings.meeting"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
