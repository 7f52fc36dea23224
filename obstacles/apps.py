from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "obstacles"
    verbose_name = "Obstacles and the reentry map"

    def ready(self) -> None:
        # The map's counts by code join the tables every measurement keeps (insight.registry).
        from obstacles import tables  # noqa: F401
