from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes after release"

    def ready(self) -> None:
        # The outcome indicators join the registry (insight.registry) once the app is loaded.
        from outcomes import indicators  # noqa: F401
