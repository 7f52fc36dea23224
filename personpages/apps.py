from django.apps import AppConfig


class PersonpagesConfig(AppConfig):
    name = "personpages"
    verbose_name = "The person's own pages"
