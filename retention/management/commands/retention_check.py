"""Issue 24's "Done when" at its size, kept (not rolled back), on a scratch database: CI runs it on PostgreSQL.

1. Generates a population (``--cases 2000``) beside what the database holds, and finds the day on
   which ``--due 300`` of its closed cases are due for anonymisation.
2. Takes a backup: the older backup, made before they are anonymised.
3. Computes every reported figure (``retention.figures``), anonymises the due cases
   (``anonymise_due``, as the nightly job does), computes them again: none may differ.
4. Exports the deletion ledger, restores the older backup into another scratch database, shows that
   the due cases came back with it, replays the ledger there (``replay_deletions --ledger``, its own
   process, as an operator runs it), and checks that none of the due cases holds an expired row.

Prints one line per step and fails (exit status 1) on any difference. Never run it on a
database whose data matter: it adds a generated population to it.
"""

import datetime
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.services import system_user
from cases.models import Case, Stage
from core.drill import backup, manage_on, restored
from population.generator import Generator
from retention.figures import due_day, figures
from retention.ledger import to_line
from retention.models import DeletionRecord
from retention.services import anonymise_due
from timetable.services import deadlines_refresh

#: Run on the restored copy: how many of the given cases are there and not anonymised.
NOT_ANONYMISED = (
    "from cases.models import Case; print(Case.objects.filter(pk__in=[{ids}], anonymised_at__isnull=True).count())"
)


class Command(BaseCommand):
    help = "Generate, back up, anonymise the due cases, compare every figure, restore the older backup and replay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000)
        parser.add_argument("--due", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)

    def say(self, began: float, text: str) -> None:
        self.stdout.write(f"{text} ({time.monotonic() - began:.1f} s)")

    def handle(self, *args, **options) -> None:
        today = datetime.date(2026, 11, 23)  # the generator's calibration day; figures are computed as of it
        began = time.monotonic()
        with transaction.atomic():
            Generator(cases=options["cases"], seed=options["seed"], today=today).run()
        deadlines_refresh(today=today)
        day = due_day(options["due"])
        due = list(
            Case.objects.filter(stage=Stage.CLOSED, anonymise_on__lte=day, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.say(began, f"generated {options['cases']} cases; {len(due)} due for anonymisation on {day}")
        with tempfile.TemporaryDirectory(prefix="overgang-retention-check-") as scratch:
            began = time.monotonic()
            older = backup(Path(scratch))
            self.say(began, f"older backup written: {older.name}")

            began = time.monotonic()
            before = figures(today)
            outcome = anonymise_due(system_user(), day)
            deadlines_refresh(today=today)  # the nightly pass, on the anonymised data
            after = figures(today)
            differ = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
            self.say(
                began,
                f"anonymised {outcome.anonymised} cases; {len(before)} figure sets compared, {len(differ)} differ",
            )
            if outcome.anonymised < len(due) or differ:
                raise CommandError(f"Figures changed or cases left: {', '.join(differ) or 'not every due case'}")

            began = time.monotonic()
            ledger = Path(scratch) / "ledger.jsonl"
            records = DeletionRecord.objects.order_by("pk")
            ledger.write_text("".join(to_line(record) + "\n" for record in records), encoding="utf-8")
            with restored(older) as copy:
                ids = ",".join(str(pk) for pk in due)
                passed, came_back = manage_on(copy, "shell", "-c", NOT_ANONYMISED.format(ids=ids))
                if not passed or int(came_back) != len(due):
                    raise CommandError(f"The older backup should hold the {len(due)} cases as they were: {came_back}")
                passed, replayed = manage_on(copy, "replay_deletions", "--ledger", str(ledger))
                if not passed:
                    raise CommandError(f"Replaying the ledger on the restored backup failed: {replayed}")
                passed, left = manage_on(copy, "shell", "-c", NOT_ANONYMISED.format(ids=ids))
                if not passed or int(left) != 0:
                    raise CommandError(f"{left} of the {len(due)} cases are back after the replay")
            self.say(
                began,
                f"older backup restored with {came_back} of the {len(due)} as they were; {replayed}; "
                f"{left} of the {len(due)} left",
            )
