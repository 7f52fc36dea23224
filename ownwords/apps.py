from django.apps import AppConfig


class OwnWordsConfig(AppConfig):
    name = "ownwords"
    verbose_name = "The person's own words"
