from django.apps import AppConfig


class SummonsConfig(AppConfig):
    name = "summons"
    verbose_name = "Summons before the sentence"
