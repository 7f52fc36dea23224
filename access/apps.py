from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from access.middleware import forget_auth_level_at_password_sign_in

        user_logged_in.connect(forget_auth_level_at_password_sign_in, dispatch_uid="access.forget_auth_level")
