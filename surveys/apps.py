from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys: how satisfied persons and staff are (benefits realisation)"

    def ready(self) -> None:
        from surveys import indicators  # noqa: F401  (registers the satisfaction indicators)
