"""Write one backup of the database into backups/ (``make backup``; core.drill)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from core.drill import BACKUP_DIR, backup


class Command(BaseCommand):
    help = "Back up the database: pg_dump --format=custom on PostgreSQL, SQLite's online backup on SQLite."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--directory", type=Path, default=BACKUP_DIR, help="where to write it (backups/)")

    def handle(self, *args, **options) -> None:
        path = backup(options["directory"])
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes)")
