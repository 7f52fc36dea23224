from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = "Reference data"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from reference.names import FIELDS, forget

        # The journal's display keeps these tables for a minute (reference.names), as the directory
        # keeps its taxonomy (directory.apps): an edit in the admin reaches this worker at once.
        for label in FIELDS:
            for signal in (post_save, post_delete):
                signal.connect(forget, sender=label, dispatch_uid=f"reference.names.forget.{label}")
