from django.apps import AppConfig
from django.db.backends.signals import connection_created


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal.guard import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="journal.guard")
