from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = "Insight: indicators, measurements and the baseline (benefits realisation)"

    def ready(self) -> None:
        from insight import indicators  # noqa: F401  (registers the indicators of DOMAIN §10)
