"""The three-month follow-up after release as a rule of every seeded rule set (issue 22, point 3).

Added by the migration ``timetable/migrations/0006_outcome_follow_up_rule.py`` (``add_rule``,
reversed by ``remove_rule``), one release after 0005 taught the code the rule's kind and anchor
(0005's docstring says why). Migrations call these with the historical models (``apps``).
"""

from typing import Any

CITATION = (
    "The situation three months after release, as the Exit programme measures it: in education or work-related "
    "activity (Københavns Kommune, «Udvikling og tilpasning af Exitprogrammet», 2015)"
)
CODE = "outcome-follow-up"
RULE_SETS = ("no-pop", "dk-god-loesladelse", "se-execution-plan")


def add_rule(apps: Any, schema_editor: Any = None) -> None:
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


def remove_rule(apps: Any, schema_editor: Any = None) -> None:
    Rule = apps.get_model("timetable", "Rule")
    Deadline = apps.get_model("timetable", "Deadline")
    Reminder = apps.get_model("timetable", "Reminder")
    rules = Rule.objects.filter(code=CODE, rule_set__code__in=RULE_SETS)
    Reminder.objects.filter(deadline__rule__in=rules).delete()
    Deadline.objects.filter(rule__in=rules).delete()
    rules.delete()
