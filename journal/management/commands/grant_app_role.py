"""Grant the PostgreSQL app role its privileges (journal.roles); run as the owner role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from journal.roles import grant_app_role


class Command(BaseCommand):
    help = "Let the app role read and write ordinary tables, and only read and append the journal."

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Roles are a PostgreSQL matter; on SQLite the journal guard does this.")
        if not grant_app_role(connection):
            raise CommandError(f"There is no role {settings.DATABASE_APP_ROLE}; create it first (make pg-roles).")
        self.stdout.write(f"Granted {settings.DATABASE_APP_ROLE} its privileges.")
