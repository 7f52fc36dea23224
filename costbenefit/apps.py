from django.apps import AppConfig


class CostbenefitConfig(AppConfig):
    name = "costbenefit"
    verbose_name = "Cost-benefit: the gain of the work, with its assumptions in the open (benefits realisation)"
