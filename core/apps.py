from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.clock import travel_from_environment

        travel_from_environment()  # OVERGANG_TODAY, outside production only (settings refuse it there)

        from core.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="core.stamp_login")
