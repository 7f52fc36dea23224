"""Show that anonymisation leaves every reported figure as it was, on a generated population.

Generates the population inside a transaction, computes every figure (``retention.figures``),
anonymises the due cases, computes them again, prints the time taken and any difference,
and rolls everything back. The issue's size: ``--cases 2000 --due 300`` (the default).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.figures import compare_before_and_after


class Command(BaseCommand):
    help = "Generate a population, anonymise the due cases, and check that every figure is unchanged (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000)
        parser.add_argument("--due", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date(2026, 11, 23))

    def handle(self, *args, **options) -> None:
        result = compare_before_and_after(
            cases=options["cases"], due=options["due"], seed=options["seed"], today=options["today"]
        )
        self.stdout.write(
            f"{result.cases} cases generated in {result.generate_seconds:.1f} s; {result.anonymised} of "
            f"{result.due} due anonymised in {result.anonymise_seconds:.1f} s; "
            f"{len(result.before)} figure sets compared, {len(result.differences)} differ"
        )
        if result.anonymised != result.due or result.differences:
            raise CommandError(f"Figures changed: {', '.join(result.differences) or 'not every due case was done'}")
