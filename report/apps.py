from django.apps import AppConfig


class ReportConfig(AppConfig):
    name = "report"
    verbose_name = "Report: benefits realisation for a scope and a period (issue 22, point 6)"
