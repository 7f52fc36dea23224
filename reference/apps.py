from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = "Reference data"

    def ready(self) -> None:
        from reference.names import TABLES

        # The journal's display keeps these tables for a minute (reference.names), as the directory
        # keeps its taxonomy (directory.apps): an edit in the admin reaches this worker at once.
        for label, table in TABLES.items():
            table.forget_on_change(label, uid="reference.names")
