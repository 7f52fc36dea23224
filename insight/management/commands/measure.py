"""Take the nightly measurement of every indicator (issue 22, point 2); safe to run again.

By default: every country with a prison, each region with a prison and each prison, over the
365 days up to yesterday; ``--scope kind:key`` (repeatable) and ``--start``/``--end`` or
``--years`` choose others. A scope already measured for the same period by a nightly run is
left alone, so a rerun takes nothing twice. Taken by the system user; each measurement is journaled.

The scopes still to take are counted together (``insight.batch``: each indicator and each of the
report's tables once for every country, region and prison, by cell), then recorded with their
values and tables (``measurements_record``, in one transaction).
"""

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Agency, AgencyKind
from accounts.services import system_user
from insight.batch import count_tables, measure_all
from insight.models import Measurement, MeasurementState
from insight.registry import Period
from insight.scope_names import country_of, parse
from insight.scopes import Scope
from insight.services import measurements_record


def every_scope() -> list[Scope]:
    """Each country and region that has a prison, and each prison."""
    prisons = list(Agency.objects.filter(kind=AgencyKind.PRISON).order_by("country", "region", "name"))
    scopes = [Scope("country", country) for country in sorted({prison.country for prison in prisons})]
    scopes += [Scope("region", region) for region in sorted({prison.region for prison in prisons if prison.region})]
    scopes += [Scope("prison", str(prison.pk)) for prison in prisons]
    return scopes


class Command(BaseCommand):
    help = "Measure every registered indicator for each country, region and prison (or the scopes given)."
    # A nightly job: the system checks (a second of CPU, more than the measurement at 5,000 cases)
    # run where the code is deployed and at every start of the server, not again each night.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", action="append", default=[], help='"kind:key", e.g. country:NO, prison:12')
        parser.add_argument("--start", type=datetime.date.fromisoformat, help="first day (default: a year back)")
        parser.add_argument("--end", type=datetime.date.fromisoformat, help="last day (default: yesterday)")
        parser.add_argument("--years", type=int, help="a period of this many years up to the last day")

    def handle(self, *args: object, **options: Any) -> None:
        end = options["end"] or timezone.localdate() - datetime.timedelta(days=1)
        if options["years"]:
            start = end - datetime.timedelta(days=365 * options["years"] - 1)
        else:
            start = options["start"] or end - datetime.timedelta(days=364)
        if end < start:
            raise CommandError("The period ends on or after its start.")
        scopes = []
        for text in options["scope"]:
            scope = parse(text)
            if scope is None or country_of(scope) is None:
                raise CommandError(f"No such scope: {text}")
            scopes.append(scope)
        scopes = scopes or every_scope()
        actor = system_user()
        began = time.monotonic()
        started_at = timezone.now()
        done = set(
            Measurement.objects.filter(
                period_start=start, period_end=end, nightly=True, state=MeasurementState.DONE
            ).values_list("scope_kind", "scope_key")
        )
        todo = [scope for scope in dict.fromkeys(scopes) if (scope.kind, scope.key) not in done]
        period = Period(start, end)
        today = timezone.localdate()
        values = measure_all(period, todo) if todo else {}
        tables = count_tables(period, todo, today) if todo else {}
        counted = time.monotonic() - began
        if todo:
            measurements_record(
                actor=actor,
                period=period,
                values=values,
                counted=tables,
                counted_on=today,
                nightly=True,
                started_at=started_at,
            )
        seconds = time.monotonic() - began
        self.stdout.write(
            f"measured {len(todo)} of {len(scopes)} scopes, {start} to {end}, in {seconds:.1f} s "
            f"(counting {counted:.1f} s, recording {seconds - counted:.1f} s)"
        )
