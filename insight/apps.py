from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = "Insight: indicators, measurements and the baseline (benefits realisation)"
