from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "obstacles"
    verbose_name = "Obstacles and the reentry map"
