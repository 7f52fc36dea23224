"""Django's ``migrate``, run as the journal's owner: the SQLite guard (journal.guard) is off meanwhile.

Every other command, and the server, runs with the guard on. On PostgreSQL the owner is a
role of its own (MIGRATE_DATABASE_URL, see the Makefile) and this changes nothing.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate

from journal.guard import as_owner


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with as_owner():
            return super().handle(*args, **options)
