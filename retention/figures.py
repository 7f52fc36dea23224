"""Every figure the app reports, computed the same way before and after anonymisation (issue 24).

``figures()`` gathers the obstacle map and failure zones (obstacles.selectors) for every
prison and country, the programmes' counts (programmes.selectors), the reentry
coordinators' counts per stage (timetable.selectors) and the deadlines' counts; and the
population's own figures that do not rest on the data anonymisation removes.
``compare_before_and_after`` generates a population, anonymises the due cases, and returns
both sets with the time it took; ``manage.py anonymisation_statistics`` runs it at any size.
"""

import datetime
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count

from accounts.models import Agency, AgencyKind, Country, Role, User
from accounts.regions import Region
from accounts.services import system_user
from cases.models import Case, Stage
from insight.registry import Period, indicators
from insight.scopes import Scope
from insight.selectors import latest
from obstacles.selectors import MapScope, map_figures, zone_figures
from population.generator import USERNAME_PREFIX, Generator
from population.measure import measure
from programmes.models import Programme
from programmes.selectors import catchment_judged, cohorts, places_of, programme_overview
from report.fill import build
from retention.services import anonymise_due
from timetable.models import Deadline
from timetable.selectors import unit_stage_counts
from timetable.services import deadlines_refresh

#: Population figures that are themselves drawn from the removed data (first names, birth
#: days, identity numbers): the generator's calibration checks, which no page reports.
FROM_REMOVED_DATA = frozenset({"men", "under_25", "citizens"})


def _map(scope: MapScope) -> Any:
    figures = map_figures(scope)
    return (
        [(row[0].code, str(row[1])) for row in figures.rows],
        str(figures.uncoded),
        str(figures.total),
        [(box.challenge.code, box.phase, str(box.count)) for box in figures.boxes],
    )


def _programme(programme: Programme) -> Any:
    overview = programme_overview(programme)
    return {
        "catchment": catchment_judged(programme),
        "places": asdict(places_of(programme)),
        "cohorts": [asdict(cohort) for cohort in cohorts(programme)],
        "applicants": sorted(enrolment.pk for enrolment in overview.applicants),
        "waiting": [enrolment.pk for enrolment in overview.waiting],
        "phases": [(group.phase.key, sorted(e.pk for e in group.participants)) for group in overview.phases],
        "closed": sorted(overview.closed.values_list("pk", flat=True)),
        "deadlines": [(deadline.enrolment.pk, deadline.day) for deadline in overview.deadlines],
        "outcomes": [(due.measure.key, due.cohort, due.from_day) for due in overview.outcomes],
    }


def figures(today: datetime.date) -> dict[str, Any]:
    """Every figure, keyed by where the app reports it."""
    result: dict[str, Any] = {}
    since = [None, today - datetime.timedelta(days=365)]
    for prison in Agency.objects.filter(kind=AgencyKind.PRISON).order_by("pk"):
        for start in since:
            scope = MapScope("prison", prison.pk, prison.country, start)
            result[f"map prison {prison.pk} since {start}"] = _map(scope)
        zones = zone_figures(MapScope("prison", prison.pk, prison.country, None), today)
        result[f"zones prison {prison.pk}"] = repr(zones)
    for country in Country.values:
        for start in since:
            result[f"map country {country} since {start}"] = _map(MapScope("country", None, country, start))
        result[f"zones country {country}"] = repr(zone_figures(MapScope("country", None, country, None), today))
    for programme in Programme.objects.order_by("pk"):
        result[f"programme {programme.slug}"] = _programme(programme)
    for coordinator in User.objects.filter(role=Role.REENTRY_COORDINATOR, is_active=True).order_by("pk"):
        result[f"unit stages {coordinator.pk}"] = unit_stage_counts(coordinator)
    # Issue 22: every registered indicator, for each country and region, over five years up to today.
    period = Period(today - datetime.timedelta(days=5 * 365), today)
    counted = [Scope("country", country) for country in Country.values]
    counted += [Scope("region", region) for region in Region.values]
    for where in counted:
        for indicator in indicators():
            result[f"indicator {indicator.key} {where}"] = indicator.compute(where, period)
    # The report of issue 22 as the analyst reads it (indicators, outcomes by cohort, the
    # cost-benefit's gain, the map's counts), for each country over the last year.
    year = Period(today - datetime.timedelta(days=364), today)
    for country in Country.values:
        where = Scope("country", country)
        result[f"report {where}"] = repr(build(where, str(where), year, today, latest(where)))
    result["deadlines"] = sorted(
        Deadline.objects.values_list("kind", "state", "owner_role").annotate(n=Count("pk")).order_by()
    )
    result["cases by stage"] = sorted(Case.objects.values_list("stage", "country").annotate(n=Count("pk")).order_by())
    generated = Case.objects.filter(created_by__username__startswith=USERNAME_PREFIX)
    if generated.exists():
        result["population"] = {
            key: value for key, value in measure(generated).as_dict().items() if key not in FROM_REMOVED_DATA
        }
    return result


@dataclass(frozen=True)
class Comparison:
    cases: int
    due: int
    anonymised: int
    before: dict[str, Any]
    after: dict[str, Any]
    generate_seconds: float
    anonymise_seconds: float

    @property
    def differences(self) -> list[str]:
        keys = sorted(set(self.before) | set(self.after))
        return [key for key in keys if self.before.get(key) != self.after.get(key)]


def due_day(due: int) -> datetime.date:
    """The day on which about ``due`` of the closed, not anonymised cases are due (at least that many)."""
    days = sorted(
        day
        for day in Case.objects.filter(stage=Stage.CLOSED, anonymised_at__isnull=True, anonymise_on__isnull=False)
        .values_list("anonymise_on", flat=True)
        .order_by()
        if day is not None
    )
    if not days:
        raise ValueError("The population has no closed case.")
    return days[min(due, len(days)) - 1]


def compare_before_and_after(*, cases: int, due: int, seed: int, today: datetime.date) -> Comparison:
    """Generate, count, anonymise the due cases, count again; all in a transaction that is rolled back."""
    with transaction.atomic():
        started = time.monotonic()
        Generator(cases=cases, seed=seed, today=today).run()
        generated = time.monotonic() - started
        day = due_day(due)
        due_now = Case.objects.filter(stage=Stage.CLOSED, anonymise_on__lte=day, anonymised_at__isnull=True).count()
        deadlines_refresh(today=today)
        before = figures(today)
        started = time.monotonic()
        outcome = anonymise_due(system_user(), day)
        anonymised = time.monotonic() - started
        deadlines_refresh(today=today)  # the nightly pass, on the anonymised data
        after = figures(today)
        transaction.set_rollback(True)
    return Comparison(cases, due_now, outcome.anonymised, before, after, generated, anonymised)
