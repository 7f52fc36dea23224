"""The restore drill (``make restore-drill``, ASSURANCE #22; core.drill says what it does)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.drill import BACKUP_DIR, AfterRestore, drill


class Command(BaseCommand):
    help = (
        "Back up, restore into a scratch database, compare every table's row count and checksum with the"
        " source, replay the deletion ledger and check the journal's chain on the copy; one line per table."
    )
    #: Called with a connection to the restored copy before it is compared (the tests change a row).
    after_restore: AfterRestore | None = None

    def add_arguments(self, parser) -> None:
        parser.add_argument("--directory", type=Path, default=BACKUP_DIR, help="where the backup goes (backups/)")

    def handle(self, *args, **options) -> None:
        report = drill(options["directory"], after_restore=self.after_restore)
        self.stdout.write(f"Backup: {report.backup}")
        for line in report.lines():
            self.stdout.write(line)
        tables = len(report.source.keys() | report.copy.keys())
        if not report.ok:
            differing = ", ".join(report.differing) or "none"
            raise CommandError(f"Restore drill FAILED: tables that differ: {differing}; see the lines above.")
        self.stdout.write(self.style.SUCCESS(f"Restore drill passed: {tables} of {tables} tables match."))
