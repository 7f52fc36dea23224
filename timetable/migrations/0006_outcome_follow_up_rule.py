"""The three-month follow-up after release joins every seeded rule set (issue 22, point 3).

The contract step of 0005 (expand, then contract): 0005 taught the code the new kind and anchor
and landed first (release of 2026-12-06), so the code that still runs beside this migration during
a deployment reads the rule it adds. The rule's words and offsets are ``timetable.follow_up_rule``;
reversed by removing the rule and the deadlines it made.
"""

from django.db import migrations

from timetable.follow_up_rule import add_rule, remove_rule


class Migration(migrations.Migration):
    dependencies = [
        ("timetable", "0005_outcome_follow_up"),
    ]

    operations = [
        migrations.RunPython(add_rule, remove_rule),
    ]
