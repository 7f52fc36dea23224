from django.apps import AppConfig


class TimetableConfig(AppConfig):
    name = "timetable"
    verbose_name = "Timetable"

    def ready(self) -> None:
        from timetable.models import Rule, RuleSet
        from timetable.selectors import KEPT_RULE_SETS

        # Every page of deadlines keeps the rule sets for a minute (timetable.selectors.KEPT_RULE_SETS): a set or
        # rule saved or deleted in the admin reaches this worker at once.
        KEPT_RULE_SETS.forget_on_change(RuleSet, Rule, uid="timetable.rule_sets")
