"""Reads of programmes, eligibility and enrolments; ``access.programmes`` decides who may read them."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Stage
from core.kept import Kept
from programmes import eligibility
from programmes.models import (
    OPEN_STATES,
    CatchmentCount,
    Criterion,
    Enrolment,
    EnrolmentState,
    OutcomeMeasure,
    Phase,
    PhaseStep,
    Programme,
    ProgrammeFacts,
    ProgrammeStaff,
)
from timetable import engine
from timetable.selectors import ROAD_FIELDS  # the case's columns that ``case_road`` reads

#: Counts from 1 to 4 are shown as "fewer than 5" (DOMAIN.md §10): no one can be recognised.
SUPPRESS_BELOW = 5


def programmes() -> QuerySet[Programme]:
    """Every programme, with what its page shows."""
    return Programme.objects.prefetch_related("criteria", "phases", "outcome_measures", "sources")


def programme_by_slug(slug: str) -> Programme:
    """The programme by its short name, with everything its page shows (as ``programmes``)."""
    programme = programme_to_run(slug)
    models.prefetch_related_objects([programme], "criteria", "phases", "outcome_measures", "sources")
    return programme


def programme_to_run(slug: str) -> Programme:
    """The programme by its short name, without the criteria, phases and measures its own view reads.

    Those are read by ``kept_definition`` once the user is known to work for it; the
    sources the index lists are not read at all.
    """
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    return programme


@dataclass(frozen=True)
class Definition:
    """What a programme's own view reads of its definition: its criteria as the checks read them,
    its phases and its outcome measures, each in order of position."""

    rules: list[eligibility.Rule]
    phases: list[Phase]
    measures: list[OutcomeMeasure]


def definition_of(programme: Programme) -> Definition:
    """The programme's definition from its own rows (read once each, or from the prefetched rows)."""
    return Definition(
        rules=rules_of(programme),
        phases=sorted(programme.phases.all(), key=lambda phase: phase.position),
        measures=sorted(programme.outcome_measures.all(), key=lambda measure: measure.position),
    )


def read_definitions() -> dict[int, Definition]:
    """Every programme's definition by the programme's id: its criteria, phases and measures, one query each."""
    every = Programme.objects.order_by("pk").only("pk").prefetch_related("criteria", "phases", "outcome_measures")
    return {programme.pk: definition_of(programme) for programme in every}


#: The programmes' definitions as this worker keeps them (``core.kept``). They are reference data:
#: seeded by migration from the programmes' sources (3 programmes, 30 rows), changed by no service
#: (``programmes.apps`` forgets them when a row is saved or deleted in this worker, every other
#: worker within the minute). The programme's own view read them with three queries on each request
#: (about 1.2 ms of CPU at 50,000 cases); the programme's row itself (its places) is still read each time.
KEPT_DEFINITIONS = Kept(read_definitions)


def kept_definition(programme: Programme) -> Definition:
    """The programme's definition as the worker keeps it; read again for a programme not yet kept."""
    definitions = KEPT_DEFINITIONS()
    if programme.pk not in definitions:
        definitions = KEPT_DEFINITIONS(fresh=True)
    return definitions[programme.pk]


def rules_of(programme: Programme) -> list[eligibility.Rule]:
    """The programme's criteria as the checks read them (from the prefetched rows where there are)."""
    criteria: list[Criterion] = sorted(programme.criteria.all(), key=lambda criterion: criterion.position)
    return [
        eligibility.Rule(
            kind=criterion.kind,
            number=criterion.number,
            values=tuple(criterion.values or ()),
            broader=tuple(criterion.broader or ()),
            citation=criterion.citation,
        )
        for criterion in criteria
    ]


def case_road(case: Case) -> engine.Road | None:
    """The case's road from its sentence (``timetable.engine.road``)."""
    facts = engine.CaseFacts(
        case_id=case.pk,
        country=case.country,
        legal_status=case.legal_status,
        intake_date=case.intake_date,
        sentence_start=case.sentence_start,
        sentence_days=case.sentence_days,
        sentence_years=case.sentence_years,
        sentence_months=case.sentence_months,
        sentence_term_days=case.sentence_term_days,
        remand_days=case.remand_days,
        isolation_days=case.isolation_days,
        expected_release=case.expected_release,
    )
    return engine.road(facts)


def recorded_facts(case: Case) -> ProgrammeFacts | None:
    return ProgrammeFacts.objects.filter(case_id=case.pk).first()


def facts_for(
    case: Case, recorded: ProgrammeFacts | None, earlier_cases: int, today: datetime.date
) -> eligibility.Facts:
    """What the checks read of the case: its own facts, the road's parole date and the recorded answers."""
    return facts_of(
        case,
        case.institution.municipality,
        earlier_cases,
        today,
        earlier_sentences=recorded.earlier_sentences if recorded else None,
        expulsion_order=recorded.expulsion_order if recorded else "",
        wants_to_leave_crime=recorded.wants_to_leave_crime if recorded else "",
    )


def facts_of(
    case: Case,
    prison_municipality: str,
    earlier_cases: int,
    today: datetime.date,
    *,
    earlier_sentences: int | None,
    expulsion_order: str,
    wants_to_leave_crime: str,
) -> eligibility.Facts:
    """``facts_for`` from the values as read (the prison's municipality and the recorded answers by name)."""
    road = case_road(case)
    return eligibility.Facts(
        today=today,
        birth_date=case.person.birth_date,
        home_municipality=case.home_municipality,
        prison_municipality=prison_municipality,
        parole=road.parole if road is not None else None,
        road_known=road is not None,
        earlier_cases=earlier_cases,
        earlier_sentences=earlier_sentences,
        expulsion_order=expulsion_order,
        wants_to_leave_crime=wants_to_leave_crime,
    )


def earlier_cases_of(case: Case) -> int:
    """The person's cases before this one in this system: each is an earlier sentence."""
    return Case.objects.filter(person_id=case.person_id, intake_date__lt=case.intake_date).count()


@dataclass(frozen=True)
class ProgrammeFit:
    """One programme's answer for one case, and the person's open enrolment in it, if any."""

    programme: Programme
    eligibility: eligibility.Eligibility
    enrolment: Enrolment | None


def eligibility_for_case(case: Case) -> list[ProgrammeFit]:
    """Every programme's answer for the case, criterion by criterion, as of today (three queries)."""
    today = timezone.localdate()
    facts = facts_for(case, recorded_facts(case), earlier_cases_of(case), today)
    enrolments = {
        enrolment.programme_id: enrolment
        for enrolment in Enrolment.objects.filter(case_id=case.pk).order_by("-created_at", "-pk")
        if enrolment.is_open
    }
    return [
        ProgrammeFit(programme, eligibility.evaluate(rules_of(programme), facts), enrolments.get(programme.pk))
        for programme in programmes()
    ]


def catchment_condition(programme: Programme) -> Q:
    """Open cases whose home municipality names one of the programme's places, or a broader one."""
    places = list(programme.catchment)
    for criterion in programme.criteria.all():
        if criterion.kind == "home_municipality":
            places += list(criterion.broader or ())
    condition = Q(pk__in=[])
    for place in places:
        condition |= Q(home_municipality__icontains=place)
    return condition & ~Q(stage=Stage.CLOSED)


@dataclass(frozen=True)
class Count:
    """A count as it may be shown outside a case's group: 0, "fewer than 5", or the number."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SUPPRESS_BELOW


def catchment_judged(programme: Programme) -> tuple[int, dict[str, int]]:
    """Judge every open case of the catchment: how many there are, and how many have each status.

    The nightly count's work (``services.catchment_count``); it grows with the catchment, so no
    page calls it. No names leave it (the programme is not in these persons' groups).
    """
    today = timezone.localdate()
    rules = rules_of(programme)
    cases = list(
        Case.objects.filter(catchment_condition(programme)).select_related("person", "institution").order_by("pk")
    )
    facts = {row.case_id: row for row in ProgrammeFacts.objects.filter(case_id__in=[case.pk for case in cases])}
    earlier = Counter(
        person_id
        for (person_id,) in Case.objects.filter(person_id__in={case.person_id for case in cases}).values_list(
            "person_id"
        )
    )
    counts: Counter[str] = Counter()
    for case in cases:
        # Earlier cases: the person's cases counted, less this one (a close bound, without a query per case).
        fit = eligibility.evaluate(rules, facts_for(case, facts.get(case.pk), earlier[case.person_id] - 1, today))
        counts[fit.status.value] += 1
    return len(cases), {status.value: counts[status.value] for status in eligibility.Status}


@dataclass(frozen=True)
class CatchmentFit:
    """The latest count of who in the catchment may fit, as the programme's view shows it, and when it was made."""

    counted_at: datetime.datetime
    by_status: dict[str, Count]


def catchment_fit(programme: Programme) -> CatchmentFit | None:
    """The latest count of the catchment (one query), small counts hidden; None before the first count."""
    latest = CatchmentCount.objects.filter(programme=programme).order_by("-counted_at", "-pk").first()
    if latest is None:
        return None
    return CatchmentFit(
        latest.counted_at,
        {status.value: Count(int(latest.by_status.get(status.value, 0))) for status in eligibility.Status},
    )


def staff_post(user: User, programme: Programme) -> ProgrammeStaff | None:
    """The user's current post in the programme, if any."""
    return ProgrammeStaff.objects.filter(programme=programme, user_id=user.pk, ended_at__isnull=True).first()


def enrolments_of(programme: Programme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("case__person", "phase", "adviser", "application")
        .order_by("priority", "accepted_on", "pk")
    )


@dataclass(frozen=True)
class Places:
    """The programme's places: in use now, started this year, and free against the annual number."""

    annual: int | None
    in_use: int
    started_this_year: int

    @property
    def free(self) -> int | None:
        return None if self.annual is None else max(self.annual - self.in_use, 0)


def places_of(programme: Programme) -> Places:
    """The programme's places, counted by the database (two queries)."""
    year = timezone.localdate().year
    participants = Enrolment.objects.filter(programme=programme, state=EnrolmentState.PARTICIPANT)
    started = Enrolment.objects.filter(programme=programme, place_from__year=year)
    return Places(programme.annual_places, participants.count(), started.count())


def waiting_list(programme: Programme) -> list[Enrolment]:
    """Accepted applicants waiting for a place, first in line first: priority rule, then date of acceptance."""
    return list(enrolments_of(programme).filter(state=EnrolmentState.WAITING))


@dataclass(frozen=True)
class Cohort:
    """The participants whose place began in one year, and how their way through the programme ended."""

    year: int
    started: int
    completed: int
    left_early: int
    still_in: int


def enrolments_counted(programme: Programme) -> list[tuple[int | None, str, int]]:
    """Every enrolment of the programme counted by the year its place began (None: no place yet) and by state."""
    return list(
        Enrolment.objects.filter(programme=programme)
        .values_list(ExtractYear("place_from"), "state")
        .annotate(number=models.Count("pk"))
        .order_by()
    )


def cohorts(programme: Programme) -> list[Cohort]:
    """The programme's cohorts by the year the place began, newest first (counted by the database)."""
    return cohorts_of(enrolments_counted(programme))


def cohorts_of(rows: list[tuple[int | None, str, int]]) -> list[Cohort]:
    """The cohorts from the enrolments counted by the year their place began and by state (no year: no cohort)."""
    by_year: dict[int, Counter[str]] = {}
    for year, state, number in rows:
        if year is not None:
            by_year.setdefault(year, Counter())[state] += number
    return [
        Cohort(
            year=year,
            started=sum(counter.values()),
            completed=counter[EnrolmentState.COMPLETED],
            left_early=counter[EnrolmentState.LEFT_EARLY],
            still_in=counter[EnrolmentState.PARTICIPANT],
        )
        for year, counter in sorted(by_year.items(), reverse=True)
    ]


def enrolment_of_programme(programme: Programme, enrolment_id: int) -> Enrolment:
    """One enrolment of the programme; another programme's, or a missing one, is the same 404."""
    enrolment = enrolments_of(programme).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    return enrolment


def open_states() -> tuple[str, ...]:
    return tuple(str(state) for state in OPEN_STATES)


@dataclass(frozen=True)
class PhaseGroup:
    phase: Phase
    participants: list[Enrolment]


@dataclass(frozen=True)
class Deadline:
    """The last day an applicant or a waiting person can still be taken in: their eligibility window's end."""

    enrolment: Enrolment
    day: datetime.date


@dataclass(frozen=True)
class OutcomeDue:
    """When a cohort's outcome measure can be taken: the follow-up after the cohort's last possible end."""

    measure: OutcomeMeasure
    cohort: int
    from_day: datetime.date


@dataclass(frozen=True)
class ProgrammeOverview:
    """Everything the programme's own view shows, read in a fixed number of queries."""

    places: Places
    applicants: list[Enrolment]
    waiting: list[Enrolment]
    phases: list[PhaseGroup]
    #: Newest first; a queryset, so that only the page shown is read.
    closed: QuerySet[Enrolment]
    #: How many have ended (counted with the cohorts, so that paging ``closed`` does not count it again).
    closed_count: int
    deadlines: list[Deadline]
    cohorts: list[Cohort]
    #: The programme's outcome measures, in order.
    measures: list[OutcomeMeasure]
    outcomes: list[OutcomeDue]
    catchment: CatchmentFit | None


def listed_enrolments_of(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's enrolments with only what its own view shows of each: the person's name,
    the dates (``applied_on`` from the application), the adviser's name and the state.

    Not the case's other columns nor the person's identity number, which would be decrypted
    per row, nor an application per row for its one date: the open enrolments of a programme
    at 50,000 cases took 6.6 ms of CPU to read whole, 2.1 ms so.
    """
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("case__person", "adviser")
        .annotate(applied_on=F("application__applied_on"))
        .only(*LISTED_FIELDS)
        .order_by("priority", "accepted_on", "pk")
    )


#: What ``listed_enrolments_of`` reads of each enrolment.
LISTED_FIELDS = (
    "case__person__first_name",
    "case__person__last_name",
    "adviser__first_name",
    "adviser__last_name",
    "adviser__username",
    "state",
    "interview_on",
    "accepted_on",
    "priority",
    "phase_id",
    "closed_on",
)
#: The enrolments whose deadline the view shows: the applicants and those waiting for a place.
PENDING_STATES = (EnrolmentState.APPLIED, EnrolmentState.WAITING)


class PendingFacts(TypedDict):
    """What ``open_enrolments_of`` reads beside the enrolment for the checks."""

    prison_municipality: str
    earlier_sentences: int | None
    #: None without recorded facts.
    expulsion_order: str | None
    wants_to_leave_crime: str | None
    #: The person's cases, this one included; read for the applicants and those waiting only (None for the others).
    person_cases: int


if TYPE_CHECKING:  # django-stubs' annotated model type takes the TypedDict only in annotations
    from django_stubs_ext import WithAnnotations

    #: An open enrolment with what the checks read of its case (``open_enrolments_of``).
    OpenEnrolment = WithAnnotations[Enrolment, PendingFacts]


def open_enrolments_of(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's open enrolments as ``listed_enrolments_of`` reads them, with what the checks read of the
    case of each applicant or waiting person (``facts_of``) in the same query.

    Those cases, their recorded facts and the person's cases were three queries more, made only when
    someone was pending: the view made 14 queries at 500 cases and 17 at 50,000; so it makes 14 at any size.
    The road's columns and the birth date are read for every open row (0.5 ms of CPU for the 90 open rows
    of Exit at 50,000 cases; the three queries took 1.1 ms); the person's cases are counted for the pending
    rows only (0.4 ms less in the database than for every row, 0.2 ms more to compile). The selector's CPU
    is about what it was (6.3 -> 7.0 ms, 9.4 -> 9.5 ms in two interleaved runs).
    """
    person_cases = (
        Case.objects.filter(person_id=OuterRef("case__person_id"))
        .order_by()
        .values("person_id")
        .annotate(number=models.Count("pk"))
        .values("number")
    )
    return (
        listed_enrolments_of(programme)
        .filter(state__in=OPEN_STATES)
        .only(
            *LISTED_FIELDS,
            "case__person__birth_date",
            "case__home_municipality",
            *(f"case__{name}" for name in ROAD_FIELDS),
        )
        .annotate(
            prison_municipality=F("case__institution__municipality"),
            earlier_sentences=F("case__programme_facts__earlier_sentences"),
            expulsion_order=F("case__programme_facts__expulsion_order"),
            wants_to_leave_crime=F("case__programme_facts__wants_to_leave_crime"),
            person_cases=models.Case(
                models.When(state__in=PENDING_STATES, then=Subquery(person_cases)),
                default=None,
                output_field=models.IntegerField(),
            ),
        )
    )


def pending_facts(enrolment: Enrolment, today: datetime.date) -> eligibility.Facts:
    """``facts_for`` an applicant's or a waiting person's case, from their row of ``open_enrolments_of``."""
    read = cast("OpenEnrolment", enrolment)
    # Earlier cases: the person's cases, less this one (as ``catchment_judged`` counts them).
    return facts_of(
        read.case,
        read.prison_municipality,
        read.person_cases - 1,
        today,
        earlier_sentences=read.earlier_sentences,
        expulsion_order=read.expulsion_order or "",
        wants_to_leave_crime=read.wants_to_leave_crime or "",
    )


#: The ended enrolments, which the view lists newest first.
CLOSED_STATES = (EnrolmentState.COMPLETED, EnrolmentState.LEFT_EARLY)


def closed_enrolments_of(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's ended enrolments, newest first, with what their list shows: the person's name, the state
    and the day it ended (not the application's date nor the adviser, which ``listed_enrolments_of`` joins for
    the open lists: one join fewer in the query and in the count, 0.4 ms less CPU for a page of 20)."""
    return (
        Enrolment.objects.filter(programme=programme, state__in=CLOSED_STATES)
        .select_related("case__person")
        .only("case__person__first_name", "case__person__last_name", "state", "closed_on")
        .order_by(F("closed_on").desc(nulls_last=True), "-pk")
    )


def programme_overview(programme: Programme) -> ProgrammeOverview:
    """The programme's own view: its applicants, waiting list, participants by phase, places, deadlines, cohorts.

    Its criteria, phases and measures are the definition the worker keeps (``kept_definition``).
    """
    definition = kept_definition(programme)
    # The open enrolments only: the ended ones of every year are paged by the database.
    enrolments = list(open_enrolments_of(programme))
    applicants = [e for e in enrolments if e.state == EnrolmentState.APPLIED]
    waiting = [e for e in enrolments if e.state == EnrolmentState.WAITING]
    participants = [e for e in enrolments if e.state == EnrolmentState.PARTICIPANT]
    groups = [PhaseGroup(phase, [e for e in participants if e.phase_id == phase.pk]) for phase in definition.phases]
    today = timezone.localdate()
    rules = definition.rules
    deadlines = []
    for enrolment in applicants + waiting:
        fit = eligibility.evaluate(rules, pending_facts(enrolment, today))
        if fit.end is not None:
            deadlines.append(Deadline(enrolment, fit.end))
    deadlines.sort(key=lambda deadline: (deadline.day, deadline.enrolment.pk))
    # Every enrolment counted by the year its place began and state, in one query: the cohorts (those
    # with a place), and how many have ended, which paging the ended ones would count in a query of its own.
    counted = enrolments_counted(programme)
    cohort_rows = cohorts_of(counted)
    measures = definition.measures
    outcomes = [
        OutcomeDue(
            measure, cohort.year, engine.add_months(datetime.date(cohort.year, 12, 31), measure.follow_up_months)
        )
        for cohort in cohort_rows
        for measure in measures
    ]
    # The places from the rows already read, as ``places_of`` counts them: the participants, and
    # this year's cohort (two queries fewer).
    places = Places(
        programme.annual_places,
        len(participants),
        sum(cohort.started for cohort in cohort_rows if cohort.year == today.year),
    )
    return ProgrammeOverview(
        places=places,
        applicants=applicants,
        waiting=waiting,
        phases=groups,
        closed=closed_enrolments_of(programme),
        closed_count=sum(number for _year, state, number in counted if state in CLOSED_STATES),
        deadlines=deadlines,
        cohorts=cohort_rows,
        measures=measures,
        outcomes=outcomes,
        catchment=catchment_fit(programme),
    )


def later_phases(enrolment: Enrolment) -> list[tuple[str, str]]:
    """The phases after the participant's current one, as (key, name) choices."""
    position = enrolment.phase.position if enrolment.phase is not None else -1
    return [
        (phase.key, _(phase.name))
        for phase in Phase.objects.filter(programme_id=enrolment.programme_id, position__gt=position).order_by(
            "position"
        )
    ]


def phase_of(enrolment: Enrolment, key: str) -> Phase:
    phase = Phase.objects.filter(programme_id=enrolment.programme_id, key=key).first()
    if phase is None:
        raise Http404
    return phase


def steps_of(enrolment: Enrolment) -> list[PhaseStep]:
    return list(PhaseStep.objects.filter(enrolment=enrolment).select_related("phase").order_by("started_on", "pk"))


def fit_of(enrolment: Enrolment) -> eligibility.Eligibility:
    """The programme's own criteria checked for the applicant, as of today."""
    case = enrolment.case
    facts = facts_for(case, recorded_facts(case), earlier_cases_of(case), timezone.localdate())
    return eligibility.evaluate(rules_of(enrolment.programme), facts)


def waiting_position(enrolment: Enrolment) -> int | None:
    """The place in line of a waiting enrolment (1 first), or None."""
    if enrolment.state != EnrolmentState.WAITING:
        return None
    line = list(
        Enrolment.objects.filter(programme_id=enrolment.programme_id, state=EnrolmentState.WAITING)
        .order_by("priority", "accepted_on", "pk")
        .values_list("pk", flat=True)
    )
    return line.index(enrolment.pk) + 1
