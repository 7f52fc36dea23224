from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from programmes.models import Criterion, OutcomeMeasure, Phase, Programme
        from programmes.selectors import KEPT_DEFINITIONS

        # The programme's own view keeps the programmes' definitions for a minute
        # (programmes.selectors.kept_definition): a change saved in this worker reaches it at once.
        KEPT_DEFINITIONS.forget_on_change(Programme, Criterion, Phase, OutcomeMeasure, uid="programmes.definitions")
