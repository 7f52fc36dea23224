"""The three-month follow-up after release joins every rule set (issue 22, point 3).

A new kind of deadline (``outcome_follow_up``) hung on a new anchor, the day of the release
itself (``released``), three months on; the case's lead owns it (``timetable.engine.LEAD_KINDS``:
the rule's role is the one who usually leads after release, the engine gives it to the lead).
The rule itself is NOT added here: the code before this release does not know the new anchor and
kind, and its case timetable page fails on a rule that has them (``make old-code-check`` showed it
on 2026-12-06). Expand, then contract: this release teaches the code the kind and the anchor; the
next release adds the rule to every rule set (``timetable.follow_up_rule.add_rule``, from a
migration of its own), when the code running beside it during the deployment knows them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("timetable", "0004_rule_sources_in_words"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("needs_conversation", "Needs conversation, part 1"),
                    ("housing_conversation", "Housing situation clarified in a conversation"),
                    ("proposals", "Proposals for measures from the group"),
                    ("incoming_actors_join", "Probation or the municipality joins the group"),
                    ("nav_told_of_release", "NAV told of the release date"),
                    ("municipality_told_of_release", "Home municipality told of the release date"),
                    ("action_plan", "Intake conversation and action plan"),
                    ("plan_revision", "Plan revised"),
                    ("municipality_contacted", "Municipality contacted"),
                    ("probation_involved", "Probation involved in planning the parole"),
                    ("benefits_ready", "Economic benefits ready at release"),
                    ("parole_action_plan", "Probation's action plan for the parole period"),
                    ("probation_contacts_municipality", "Probation contacts the municipality"),
                    ("execution_plan", "Execution plan"),
                    ("outcome_follow_up", "Situation three months after release written down"),
                ],
                max_length=40,
                verbose_name="what is due",
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="anchor",
            field=models.CharField(
                choices=[
                    ("intake", "intake"),
                    ("sentence_start", "start of the sentence"),
                    ("needs_conversation", "the needs conversation"),
                    ("latest_plan_review", "the latest plan review"),
                    ("parole", "expected parole"),
                    ("release", "expected release"),
                    ("probation_joined", "probation receiving the case"),
                    ("released", "the release"),
                ],
                max_length=30,
                verbose_name="anchor date",
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("needs_conversation", "Needs conversation, part 1"),
                    ("housing_conversation", "Housing situation clarified in a conversation"),
                    ("proposals", "Proposals for measures from the group"),
                    ("incoming_actors_join", "Probation or the municipality joins the group"),
                    ("nav_told_of_release", "NAV told of the release date"),
                    ("municipality_told_of_release", "Home municipality told of the release date"),
                    ("action_plan", "Intake conversation and action plan"),
                    ("plan_revision", "Plan revised"),
                    ("municipality_contacted", "Municipality contacted"),
                    ("probation_involved", "Probation involved in planning the parole"),
                    ("benefits_ready", "Economic benefits ready at release"),
                    ("parole_action_plan", "Probation's action plan for the parole period"),
                    ("probation_contacts_municipality", "Probation contacts the municipality"),
                    ("execution_plan", "Execution plan"),
                    ("outcome_follow_up", "Situation three months after release written down"),
                ],
                max_length=40,
                verbose_name="what is due",
            ),
        ),
    ]
