"""The batched measurement gives each scope exactly what ``compute(scope, period)`` gives (issue 22, "Measured").

``insight.batch`` counts a grouped indicator once by cell and puts each country, region and
prison together from the cells; ``compute`` stays the definition. For every registered indicator
and every country, region and prison, the two must agree: on the hand-built world (with the demo
world around it) and on a small generated one, on a fixed day. A broken grouped variant is
caught (``test_a_grouped_variant_that_counts_otherwise_is_caught``).
"""

import dataclasses
import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count as Rows
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency, AgencyKind, SecurityLevel
from cases.models import Case
from handover.models import Transition, TransitionKind, TransitionState
from insight.batch import count_tables, measure_all
from insight.indicators import conversation_on_time_by_cell
from insight.management.commands.measure import every_scope
from insight.models import Measurement
from insight.registry import Count, Indicator, Median, Period, Table, Tally, Value, indicator, indicators, tables
from insight.scopes import Scope
from insight.services import measurements_record
from insight.tests.world import EXPECTED, PERIOD, build_world
from journal.models import JournalEntry
from needs.models import Need
from plans.models import Measure
from population.generator import Generator
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from surveys.models import Response, ResponseAnswer, ResponseScope
from surveys.questions import Kind, questions_for
from timetable.models import Deadline, DeadlineKind, NoticeRecipient, ReleaseNotice

pytestmark = pytest.mark.django_db

#: The generated world's day (a Monday; the generator's tests use the same).
TODAY = datetime.date(2026, 11, 23)


def differences(period: Period, scopes: list[Scope], only: list[Indicator] | None = None) -> list[str]:
    """Each (scope, indicator) where the batch and ``compute`` disagree, with both values."""
    chosen = only if only is not None else indicators()
    batched = measure_all(period, scopes, only=chosen)
    found = []
    for scope in scopes:
        for each in chosen:
            want = each.compute(scope, period)
            if batched[scope][each.key] != want:
                found.append(f"{scope} {each.key}: batch {batched[scope][each.key]}, compute {want}")
    return found


def table_differences(
    period: Period, scopes: list[Scope], today: datetime.date, only: list[Table] | None = None
) -> list[str]:
    """Each (scope, table) where the batch and ``compute`` disagree (the report's cohorts, obstacles by code)."""
    chosen = only if only is not None else tables()
    batched = count_tables(period, scopes, today, only=chosen)
    found = []
    for scope in scopes:
        for each in chosen:
            want = {entry: n for entry, n in each.compute(scope, period, today).items() if n}
            got = {entry: n for entry, n in batched[scope][each.key].items() if n}
            if got != want:
                found.append(f"{scope} {each.key}: batch {sorted(got.items())}, compute {sorted(want.items())}")
    return found


def size(value: Value) -> int:
    """How many it counts over: the denominator, or the values of a median."""
    return value.n if isinstance(value, Median) else value.denominator


def odd_responses(prisons: list[Agency], day: datetime.date) -> None:
    """Survey answers that test the cells: one naming two prisons of one region, one with no prison
    (its country only), one with a prison only, one naming a prison by a key no prison has."""
    first, second = prisons[0], prisons[-1]
    shapes = [
        [("country", first.country), ("prison", str(first.pk)), ("prison", str(second.pk))],
        [("country", first.country)],
        [("prison", str(second.pk))],
        [("country", first.country), ("prison", f"0{first.pk}")],
    ]
    for kind in (Kind.PERSON, Kind.STAFF):
        for n, scopes in enumerate(shapes):
            response = Response.objects.create(
                kind=kind, moment="plan" if kind == Kind.PERSON else "", channel="paper", answered_on=day
            )
            ResponseScope.objects.bulk_create(ResponseScope(response=response, kind=k, key=key) for k, key in scopes)
            ResponseAnswer.objects.bulk_create(
                ResponseAnswer(response=response, question=question.key, answer=("yes", "no", "partly")[(n + i) % 3])
                for i, question in enumerate(questions_for(kind))
            )


def releases_written(limit: int) -> int:
    """The generator writes no handovers: a release, its checklist and NAV's notice for some released cases."""
    cases = Case.objects.filter(released_on__isnull=False).select_related("institution").order_by("pk")[:limit]
    written = 0
    for n, case in enumerate(cases):
        assert case.released_on is not None
        transition = Transition.objects.create(
            case=case,
            kind=(TransitionKind.RELEASE, TransitionKind.PAROLE, TransitionKind.TRANSFER_PRISON)[n % 3],
            state=TransitionState.COMPLETED,
            planned_date=case.released_on,
            completed_on=case.released_on,
            from_agency=case.institution,
            handover_gap=n % 4 == 0,
            created_by=case.created_by,
        )
        for i, key in enumerate((ReadinessKey.HOUSING, ReadinessKey.INCOME, ReadinessKey.MUNICIPAL_CONTACT)):
            state = (ReadinessState.DONE, ReadinessState.NOT_NEEDED, ReadinessState.MISSING)[(n + i) % 5 // 2]
            done_on = case.released_on + datetime.timedelta(days=(n % 3) - 1) if state == ReadinessState.DONE else None
            ReadinessItem.objects.create(
                transition=transition, key=key, state=state, done_on=done_on, updated_by=case.created_by
            )
        if n % 2:
            ReleaseNotice.objects.create(
                case=case,
                recipient=NoticeRecipient.NAV,
                release_date=case.released_on,
                told_on=case.released_on - datetime.timedelta(days=n % 40),
                recorded_by=case.created_by,
            )
        written += 1
    return written


def test_every_indicator_has_a_grouped_variant():
    """Not required (a missing one falls back to compute), but today each has one: the nightly run stays fast."""
    assert [each.key for each in indicators() if each.grouped is None] == []


def test_on_the_hand_built_world_the_batch_gives_what_compute_gives_for_every_scope():
    world = build_world()
    # A second prison in the region that holds no case: a region counts only its prisons with cases.
    empty = Agency.objects.create(
        name="Sandnes fengsel (test)",
        kind=AgencyKind.PRISON,
        country=world.prison.country,
        municipality="Sandnes",
        security_level=SecurityLevel.LOW,
        region=world.prison.region,
    )
    odd_responses([world.prison, empty], datetime.date(2026, 3, 1))
    scopes = every_scope()
    assert world.scope in scopes and Scope("region", "no-sorvest") in scopes and Scope("country", "DK") in scopes
    long = Period(datetime.date(2021, 1, 1), datetime.date(2026, 6, 30))
    assert differences(PERIOD, scopes) == []
    assert differences(long, scopes) == []
    assert tables() and table_differences(PERIOD, scopes, TODAY) == []
    assert table_differences(long, scopes, TODAY) == []
    # The batch's value for the hand-built prison is the one worked out by hand.
    batched = measure_all(PERIOD, [world.scope])[world.scope]
    assert {key: batched[key] for key in EXPECTED} == EXPECTED


def test_a_moment_near_midnight_counts_on_its_own_day_in_both():
    """Needs and proposals are counted by the moment they were made; the day is the local one."""
    world = build_world()
    a = world.cases["A"]
    need = Need.objects.filter(case=a).order_by("pk").first()
    measure = Measure.objects.filter(case=a).order_by("pk").first()
    assert need is not None and measure is not None
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    moments = [
        datetime.datetime(2026, 6, 30, 23, 59, tzinfo=oslo),  # the period's last day, local time
        datetime.datetime(2026, 7, 1, 0, 0, tzinfo=oslo),  # the first moment after it
        datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC),  # 00:30 on the first day in Oslo
    ]
    for moment in moments:
        Need.objects.filter(pk=need.pk).update(recorded_at=moment)
        Measure.objects.filter(pk=measure.pk).update(proposed_at=moment)
        assert differences(PERIOD, [world.scope, Scope("country", "NO")]) == [], moment


def test_the_batch_still_computes_other_scopes_one_by_one():
    world = build_world()
    scopes = [Scope("programme", world.programme.slug), Scope("unit", f"{world.prison.pk}:x"), world.scope]
    assert differences(PERIOD, scopes) == []
    assert measure_all(PERIOD, scopes)[scopes[0]]["programme_places_used"] == Count(2, 10)


def test_on_a_generated_world_the_batch_gives_what_compute_gives_for_every_scope():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        Generator(cases=240, seed=2026, today=TODAY).run()
        call_command("compute_deadlines", stdout=StringIO())
        prisons = list(Agency.objects.filter(kind=AgencyKind.PRISON, country="NO").order_by("pk"))
        odd_responses(prisons, TODAY - datetime.timedelta(days=40))
        assert releases_written(60) >= 30
        scopes = every_scope()
        assert {scope.kind for scope in scopes} == {"country", "region", "prison"}
        # The world has something to count in each place the indicators read.
        assert Deadline.objects.filter(kind=DeadlineKind.NEEDS_CONVERSATION, met_on__isnull=False).exists()
        five_years = Period(TODAY - datetime.timedelta(days=5 * 365), TODAY - datetime.timedelta(days=1))
        year = Period(TODAY - datetime.timedelta(days=365), TODAY - datetime.timedelta(days=1))
        values = measure_all(five_years, scopes)
        for key in ("release_ready", "handover_overlap", "outcomes.new_sentence_2y", "survey_person_satisfied"):
            assert sum(size(values[Scope("country", country)][key]) for country in ("NO", "DK")) > 0, key
        assert sum(size(values[Scope("country", country)]["nav_notice_days"]) for country in ("NO", "DK")) > 0
        assert differences(five_years, scopes) == []
        assert differences(year, scopes) == []
        # The report's tables too, and each has something to count.
        counted = count_tables(five_years, scopes, TODAY)
        for table in tables():
            assert sum(sum(counted[Scope("country", c)][table.key].values()) for c in ("NO", "DK")) > 0, table.key
        assert table_differences(five_years, scopes, TODAY) == []
        assert table_differences(year, scopes, TODAY) == []


def test_a_grouped_variant_that_counts_otherwise_is_caught():
    """The comparison can fail: a grouped variant that also counts the conversations held late differs."""
    build_world()
    right = indicator("conversation_on_time")

    def late_ones_too(period: Period):
        rows = (
            Deadline.objects.filter(kind=DeadlineKind.NEEDS_CONVERSATION, due_date__range=(period.start, period.end))
            .values("case__country", "case__institution_id")
            .annotate(total=Rows("pk"), yes=Rows("pk", filter=Q(met_on__isnull=False)))
            .order_by()
        )
        return {(row["case__country"], row["case__institution_id"]): Tally(row["yes"], row["total"]) for row in rows}

    wrong = dataclasses.replace(right, grouped=late_ones_too)
    assert right.grouped is conversation_on_time_by_cell
    assert differences(PERIOD, every_scope(), only=[right]) == []
    found = differences(PERIOD, every_scope(), only=[wrong])
    assert any("conversation_on_time: batch Count(numerator=2, denominator=3)" in line for line in found), found


def test_a_grouped_table_that_counts_otherwise_is_caught():
    """A grouped variant of the obstacles by code that leaves out those not yet placed on the map differs."""
    build_world()
    right = next(table for table in tables() if table.key == "obstacles.by_code")
    assert right.grouped is not None
    grouped = right.grouped

    def coded_only(period: Period, today: datetime.date):
        counted = grouped(period, today)
        return {cell: {entry: n for entry, n in counts.items() if entry[0]} for cell, counts in counted.items()}

    assert table_differences(PERIOD, every_scope(), TODAY, only=[right]) == []
    found = table_differences(PERIOD, every_scope(), TODAY, only=[dataclasses.replace(right, grouped=coded_only)])
    assert any("obstacles.by_code" in line and "('', '')" in line for line in found), found


def test_the_command_records_and_journals_each_measurement_once(personas):
    build_world()
    out = StringIO()
    call_command("measure", "--start", "2026-01-01", "--end", "2026-06-30", stdout=out)
    scopes = every_scope()
    assert f"measured {len(scopes)} of {len(scopes)}" in out.getvalue()
    taken = Measurement.objects.filter(nightly=True, period_start=PERIOD.start, period_end=PERIOD.end)
    assert sorted(str(each.scope) for each in taken) == sorted(str(scope) for scope in scopes)
    values = measure_all(PERIOD, scopes)
    counted = count_tables(PERIOD, scopes, timezone.localdate())
    assert any(counted[scope][key] for scope in scopes for key in counted[scope])
    for measurement in taken:
        assert measurement.done and measurement.expected == len(indicators()) == measurement.values.count()
        kept = {table.key: table for table in measurement.tables.all()}
        assert set(kept) == {table.key for table in tables()}
        for key, counts in counted[measurement.scope].items():
            assert kept[key].as_counts() == {entry: n for entry, n in counts.items() if n}, key
            assert kept[key].counted_on == timezone.localdate()
        entries = JournalEntry.objects.filter(action="insight.measure", object_id=str(measurement.pk))
        assert entries.count() == 1
        entry = entries.get()
        assert entry.actor_id == measurement.taken_by_id and entry.new is not None
        assert entry.new["scope_kind"] == measurement.scope_kind and entry.new["state"] == "done"
        stored = {value.key: value for value in measurement.values.all()}
        for key, value in values[measurement.scope].items():
            if isinstance(value, Count):
                assert (stored[key].numerator, stored[key].denominator) == (value.numerator, value.denominator), key
            else:
                assert (stored[key].value, stored[key].n) == (value.value, value.n), key
    journaled = JournalEntry.objects.filter(action="insight.measure").count()
    call_command("measure", "--start", "2026-01-01", "--end", "2026-06-30", stdout=out)
    assert f"measured 0 of {len(scopes)}" in out.getvalue()
    assert taken.count() == len(scopes) and JournalEntry.objects.filter(action="insight.measure").count() == journaled


def test_recording_refuses_a_period_after_today_and_a_measurement_missing_an_indicator_or_a_table(personas):
    today = timezone.localdate()
    scope = Scope("country", "NO")
    full = {each.key: each.empty for each in indicators()}
    counted: dict[Scope, dict[str, dict[tuple[str, str], int]]] = {scope: {table.key: {} for table in tables()}}

    def record(period: Period, values, tables_counted=counted):
        return measurements_record(
            actor=personas.analyst, period=period, values=values, counted=tables_counted, counted_on=today
        )

    with pytest.raises(ValidationError):
        record(Period(today, today + datetime.timedelta(days=1)), {scope: full})
    missing = dict(full)
    missing.pop("release_ready")
    with pytest.raises(ValueError, match="every registered indicator"):
        record(Period(today, today), {scope: missing})
    with pytest.raises(ValueError, match="every registered table"):
        record(Period(today, today), {scope: full}, {scope: {"obstacles.by_code": {}}})
    assert not Measurement.objects.filter(scope_kind="country", scope_key="NO", period_end=today).exists()
    taken = record(Period(today, today), {scope: full})
    assert [each.scope for each in taken] == [scope] and taken[0].values.count() == len(full)
    assert taken[0].tables.count() == len(tables())
