from django.apps import AppConfig


class ReportConfig(AppConfig):
    name = "report"
    verbose_name = "Report: benefits realisation for a scope and a period (issue 22, point 6)"

    def ready(self) -> None:
        from obstacles.models import Challenge
        from report.fill import KEPT_CHALLENGES

        # The report keeps the map's codes for a minute (report.fill.KEPT_CHALLENGES): a change to the
        # catalogue (obstacles.services.challenge_save) reaches this worker at once.
        KEPT_CHALLENGES.forget_on_change(Challenge, uid="report.challenges")
