"""The three-month follow-up after release joins every rule set (issue 22, point 3).

A new kind of deadline (``outcome_follow_up``) hung on a new anchor, the day of the release
itself (``released``), three months on; the case's lead owns it (``timetable.engine.LEAD_KINDS``:
the rule's role is the one who usually leads after release, the engine gives it to the lead).
The rule is added to the newest version of each seeded rule set; it is removed on reversal.
"""

from django.db import migrations, models

CITATION = (
    "The situation three months after release, as the Exit programme measures it: in education or work-related "
    "activity (Københavns Kommune, «Udvikling og tilpasning af Exitprogrammet», 2015)"
)
CODE = "outcome-follow-up"
RULE_SETS = ("no-pop", "dk-god-loesladelse", "se-execution-plan")


def add_rule(apps, schema_editor):
    RuleSet = apps.get_model("timetable", "RuleSet")
    Rule = apps.get_model("timetable", "Rule")
    for code in RULE_SETS:
        rule_set = RuleSet.objects.filter(code=code).order_by("-version").first()
        if rule_set is None or Rule.objects.filter(rule_set=rule_set, code=CODE).exists():
            continue
        last = Rule.objects.filter(rule_set=rule_set).order_by("-position").values_list("position", flat=True).first()
        Rule.objects.create(
            rule_set=rule_set,
            code=CODE,
            kind="outcome_follow_up",
            anchor="released",
            offset=3,
            unit="months",
            owner_role="probation",
            citation=CITATION,
            position=(last or 0) + 1,
        )


def remove_rule(apps, schema_editor):
    Rule = apps.get_model("timetable", "Rule")
    Deadline = apps.get_model("timetable", "Deadline")
    Reminder = apps.get_model("timetable", "Reminder")
    rules = Rule.objects.filter(code=CODE, rule_set__code__in=RULE_SETS)
    Reminder.objects.filter(deadline__rule__in=rules).delete()
    Deadline.objects.filter(rule__in=rules).delete()
    rules.delete()


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
        migrations.RunPython(add_rule, remove_rule),
    ]
