# ruff: noqa: S311 (seeded pseudo-randomness is the point: the same seed gives the same rows)
"""A deterministic synthetic population of cases, through the real models with bulk inserts.

The generator works in two phases. First the organisation: prisons, probation offices, NAV
offices, municipal services, health units, schools and voluntary organisations in Norway
and Denmark, with their staff; all scale with the number of cases, so that a contact
officer's caseload is alike at 500 and at 50,000 cases. Then the cases, drawn from the
calibration in :mod:`population.calibration`, sorted by intake date and written in chunks.

Each chunk runs the :data:`SECTIONS` in order; a section adds one kind of activity (group
memberships, needs, consent, meetings, reads) and appends the journal rows its changes
would have written through the services. Sections for measures, plans, deadlines and
messages are added by appending a function to :data:`SECTIONS`.

Randomness is seeded per section and per case (``"{seed}:{section}:{case}"``), so the same
seed gives the same rows, and a new section does not change the rows of the others.
Timestamps are historical: the ``auto_now`` fields are switched off while the generator
writes, so a journal row carries the time the change happened.
"""

from __future__ import annotations

import contextlib
import datetime
import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from stdnum.no import fodselsnummer

from access.policy import LEAD_ROLES
from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
from accounts.regions import region_for
from applications.models import Application, ApplicationKind, Outcome
from applications.services import FIELDS as APPLICATION_FIELDS
from cases.identity import EncryptedTextField, national_id_digest
from cases.models import CASE_FIELDS, CODE_ALPHABET, Case, FollowUpPhase, LegalStatus, Membership, Person, Stage
from cases.services import MEMBERSHIP_FIELDS, PERSON_FIELDS
from consent.models import Consent
from consent.services import CONSENT_FIELDS
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import TRANSITION_FIELDS
from journal import chain
from journal.models import AccessEvent, AccessPurpose, JournalEntry
from journal.services import snapshot
from meetings.models import Meeting, MeetingKind
from meetings.services import MEETING_FIELDS
from needs.models import Need, NeedsConversation, NeedStatus, Resource
from needs.services import CONVERSATION_FIELDS, NEED_FIELDS, RESOURCE_FIELDS
from obstacles.models import Challenge, Obstacle, Source
from obstacles.services import OBSTACLE_FIELDS
from outcomes.models import FollowUp, NewCharge, Situation
from outcomes.services import CHARGE_FIELDS, FOLLOW_UP_FIELDS
from population import calibration as cal
from programmes.models import Enrolment, EnrolmentState, PhaseStep, Programme, ProgrammeStaff
from programmes.services import ENROLMENT_FIELDS
from reference.models import Knot, LifeArea
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from release.services import ITEM_FIELDS
from timetable import engine
from timetable.models import NoticeRecipient, ReleaseNotice

#: Every generated username starts with this; the command refuses a database that has one.
USERNAME_PREFIX = "gen."
#: Generated users cannot log in until the benchmark gives a persona a password.
UNUSABLE_PASSWORD = "!generated-population"  # noqa: S105 (an unusable hash, not a password)
BATCH = 2000
OSLO = ZoneInfo("Europe/Oslo")

TOWNS = {
    Country.NORWAY: [
        "Oslo", "Bergen", "Trondheim", "Stavanger", "Kristiansand", "Tromsø", "Drammen", "Fredrikstad",
        "Skien", "Ålesund", "Bodø", "Hamar", "Arendal", "Halden", "Kongsvinger", "Molde", "Haugesund",
        "Lillehammer", "Gjøvik", "Harstad", "Alta", "Larvik", "Tønsberg", "Sarpsborg", "Steinkjer",
    ],
    Country.DENMARK: [
        "København", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Horsens", "Vejle",
        "Roskilde", "Herning", "Silkeborg", "Næstved", "Fredericia", "Viborg", "Køge", "Holstebro",
        "Slagelse", "Svendborg", "Nyborg", "Sønderborg", "Hjørring", "Holbæk", "Frederikshavn",
    ],
}  # fmt: skip
FIRST_NAMES = {
    (Country.NORWAY, True): ["Jonas", "Emil", "Lars", "Ole", "Magnus", "Henrik", "Kristian", "Martin", "Anders",
                             "Thomas", "Sander", "Mathias", "Even", "Eirik", "Sindre", "Jørgen", "Kjetil", "Per"],
    (Country.NORWAY, False): ["Sofie", "Ingrid", "Nora", "Emma", "Ida", "Hanne", "Kari", "Silje", "Marte", "Tone"],
    (Country.DENMARK, True): ["Mikkel", "Rasmus", "Frederik", "Mads", "Jesper", "Søren", "Kasper", "Niels",
                              "Christian", "Morten", "Jakob", "Nikolaj", "Anders", "Peter", "Lasse", "Bo"],
    (Country.DENMARK, False): ["Mette", "Anne", "Camilla", "Louise", "Maja", "Freja", "Sara", "Line", "Pia"],
    (None, True): ["Mohammed", "Ahmad", "Ali", "Piotr", "Tomasz", "Andrei", "Ionut", "Yusuf", "Omar", "Darius",
                   "Mihai", "Abdi", "Hassan", "Marek", "Aleksander", "Juan", "Luca", "Kamil"],
    (None, False): ["Fatima", "Aisha", "Olga", "Maria", "Elena", "Amina", "Ewa", "Leila"],
}  # fmt: skip
LAST_NAMES = {
    Country.NORWAY: ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
                     "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Bakken"],
    Country.DENMARK: ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
                      "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen"],
    None: ["Hussein", "Ahmed", "Nowak", "Kowalski", "Popescu", "Ionescu", "Yilmaz", "Ali", "Khan", "Mohamed",
           "Kaya", "Wiśniewski", "Rossi", "García", "Abdullahi", "Petrov"],
}  # fmt: skip
NEED_WORDS = [
    "I need help with this before I get out.",
    "This has been hard for a long time.",
    "I don't know where to start.",
    "I want to sort this out myself, with some help.",
    "Nobody has asked me about this before.",
]
NEED_SUMMARIES = [
    "Needs a concrete plan and a named contact.",
    "Must be clarified before release.",
    "Agreed to raise it with the group.",
    "Follow-up started; check at the next meeting.",
    "Earlier mapping led to no measure; take it up again.",
]
RESOURCE_WORDS = [
    "Good contact with a sibling.",
    "Has work experience from construction.",
    "Motivated to finish upper secondary school.",
    "Plays football and wants to keep at it.",
    "Good at cooking; works in the prison kitchen.",
]
VIEWS = ["cases:overview", "needs:map", "cases:group", "consent:page"]

#: Stays after which a sentenced case is closed: aftercare after release, in days.
AFTERCARE_DAYS = 180
ANONYMISE_AFTER = datetime.timedelta(days=2 * 365)


@dataclass(slots=True)
class CasePlan:
    """One case's drawn facts, before anything is written."""

    index: int
    country: str
    prison: int
    man: bool
    citizen: bool
    age: int
    birth_date: datetime.date
    legal_status: str
    intake: datetime.date
    sentence_days: int | None
    remand_days: int
    expected_release: datetime.date | None
    leaves_on: datetime.date  # the day the person leaves prison (release, or end of remand)
    closes_on: datetime.date  # the day the case is closed (after aftercare)
    stage: str
    home: int  # index of the home municipality among the country's municipal services
    person: int = -1  # index of the person (several cases may share one)
    previous: int | None = None  # index of the person's previous case


@dataclass
class Organisation:
    """The agencies and staff, by country and kind."""

    agencies: dict[tuple[str, str], list[Agency]] = field(default_factory=dict)
    staff: dict[tuple[int, str], list[User]] = field(default_factory=dict)  # (agency id, role) -> users
    towns: dict[int, str] = field(default_factory=dict)  # agency id -> town
    admin: User | None = None
    analyst: User | None = None

    def of(self, country: str, kind: str) -> list[Agency]:
        return self.agencies.get((country, kind), [])

    def users(self, agency: Agency, role: str) -> list[User]:
        return self.staff.get((agency.pk, role), [])


@dataclass
class Chunk:
    """The cases of one chunk as they are written, shared by the sections."""

    generator: Generator
    plans: list[CasePlan]
    cases: dict[int, Case] = field(default_factory=dict)  # plan index -> case
    members: dict[int, list[Membership]] = field(default_factory=dict)
    journal: list[JournalEntry] = field(default_factory=list)
    part1_done: dict[int, NeedsConversation | None] = field(default_factory=dict)
    needs: dict[int, list[Need]] = field(default_factory=dict)
    participants: set[int] = field(default_factory=set)  # plan indexes with a place in a programme

    def rng(self, section: str, plan: CasePlan) -> random.Random:
        return random.Random(f"{self.generator.seed}:{section}:{plan.index}")

    def lead(self, plan: CasePlan) -> Membership:
        return self.members[plan.index][0]

    def log(
        self, *, actor: User, action: str, obj: models.Model, case: Case | None, at: datetime.datetime, new, old=None
    ):
        self.journal.append(
            build(
                JournalEntry,
                at=at,
                actor_id=actor.pk,
                actor_role=actor.role,
                actor_agency_id=actor.agency_id,
                case_id=case.pk if case is not None else None,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                old=old,
                new=new,
            )
        )


_LAYOUTS: dict[type[models.Model], dict[str, object]] = {}


def build(model: type[models.Model], **values: object) -> models.Model:
    """Construct a model instance cheaply: foreign keys by ``*_id``, other fields by name.

    The instance is what ``Model.from_db`` would make for an unsaved row: the field values
    in its ``__dict__`` and a fresh state, without the per-field descriptor calls of
    ``__init__``, which dominate the generator's time. Fields not given take their default,
    so a field another app adds later needs no change here.
    """
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = _LAYOUTS[model] = {
            model_field.attname: None if model_field.primary_key else model_field.get_default()
            for model_field in model._meta.concrete_fields
        }
    unknown = values.keys() - layout.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    obj = model.__new__(model)
    obj._state = ModelState()
    obj.__dict__.update(layout)
    obj.__dict__.update(values)
    return obj


Section = Callable[[Chunk], None]


def moment(day: datetime.date, rng: random.Random, now: datetime.datetime | None = None) -> datetime.datetime:
    """Return a time in office hours on the day, never after now."""
    at = datetime.datetime.combine(day, datetime.time(8 + rng.randrange(8), rng.randrange(60)), tzinfo=OSLO)
    return min(at, now) if now is not None else at


@contextlib.contextmanager
def historical_timestamps() -> Iterator[None]:
    """Let the generator write past times into ``auto_now``/``auto_now_add`` fields."""
    switched = []
    for model in (
        Case, Membership, Meeting, NeedsConversation, Need, Resource, Consent, JournalEntry, AccessEvent,
        Transition, ReadinessItem, ReleaseNotice,
    ):  # fmt: skip
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                switched.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in switched:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


class Generator:
    """Generate ``cases`` cases from ``seed``; ``today`` fixes the snapshot day."""

    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        today: datetime.date | None = None,
        chunk_size: int = 1000,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        if cases < 1:
            raise ValueError("cases must be at least 1")
        self.n = cases
        self.seed = seed
        self.today = today or timezone.localdate()
        self.now = min(timezone.now(), datetime.datetime.combine(self.today, datetime.time(23, 59), tzinfo=OSLO))
        self.chunk_size = chunk_size
        self.progress = progress or (lambda done, total: None)
        self.org = Organisation()
        self.person_users: dict[int, User] = {}
        self.persons: dict[int, Person] = {}
        self.case_ids: dict[int, int] = {}
        self.used_national_ids: set[str] = set()
        self.programmes: list[Programme] = []
        self.advisers: dict[int, User] = {}  # programme id -> its adviser
        self.enrol_share: dict[int, float] = {}  # programme id -> share of its catchment's cases enrolled

    # -- the whole run --------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        """Write the population; return the number of rows written per model."""
        self.life_areas = list(LifeArea.objects.filter(active=True).order_by("tangle__code", "position"))
        self.knots_by_tangle: dict[int, list[Knot]] = {}
        for knot in Knot.objects.order_by("code"):
            self.knots_by_tangle.setdefault(knot.tangle_id, []).append(knot)
        if not self.life_areas:
            raise RuntimeError("The needs taxonomy is missing; run the migrations first.")
        self.challenge_ids = dict(Challenge.objects.values_list("code", "pk"))
        with historical_timestamps():
            with transaction.atomic():
                self.build_organisation()
                self.build_programmes()
            plans = self.draw_cases()
            self.calibrate_programmes(plans)
            self.progress(0, len(plans))
            for start in range(0, len(plans), self.chunk_size):
                with transaction.atomic():
                    self.write_chunk(plans[start : start + self.chunk_size])
                self.progress(min(start + self.chunk_size, len(plans)), len(plans))
        return counts()

    # -- phase 1: the organisation --------------------------------------------------------

    def _scaled(self, key: str, share: float, minimum: int = 1) -> int:
        return max(minimum, round(self.n * share / cal.CASES_PER[key]))

    def build_organisation(self) -> None:
        rng = random.Random(f"{self.seed}:organisation")
        layout = [
            # (kind, office key, staff roles with their key, name pattern)
            (AgencyKind.PRISON, "prison", [(Role.CONTACT_OFFICER, "contact_officer"),
                                           (Role.SOCIAL_WORKER, "social_worker")]),
            (AgencyKind.NAV, "nav_office", [(Role.NAV, "nav")]),
            (AgencyKind.MUNICIPALITY, "municipality_office", [(Role.MUNICIPALITY, "municipality")]),
            (AgencyKind.PROBATION, "probation_office", [(Role.PROBATION, "probation")]),
            (AgencyKind.HEALTH, "health_office", [(Role.HEALTH, "health")]),
            (AgencyKind.SCHOOL, "school_office", [(Role.SCHOOL, "school")]),
            (AgencyKind.NGO, "ngo", [(Role.VOLUNTEER, "volunteer")]),
        ]  # fmt: skip
        names = {
            AgencyKind.PRISON: {Country.NORWAY: "{town} fengsel {n}", Country.DENMARK: "Fængsel {town} {n}"},
            AgencyKind.NAV: {Country.NORWAY: "NAV {town} {n}"},
            AgencyKind.MUNICIPALITY: {Country.NORWAY: "{town} kommune {n}", Country.DENMARK: "{town} Kommune {n}"},
            AgencyKind.PROBATION: {Country.NORWAY: "Friomsorgen {town} {n}", Country.DENMARK: "KIF {town} {n}"},
            AgencyKind.HEALTH: {Country.NORWAY: "Helse {town} {n}", Country.DENMARK: "Region {town} {n}"},
            AgencyKind.SCHOOL: {Country.NORWAY: "{town} videregående {n}", Country.DENMARK: "{town} VUC {n}"},
            AgencyKind.NGO: {Country.NORWAY: "Frivillig {town} {n}", Country.DENMARK: "Frivillig {town} {n}"},
        }
        agencies: list[Agency] = []
        staffing: list[tuple[list[Agency], str, str, float]] = []
        number = 0
        for kind, office_key, roles in layout:
            for country, share in ((Country.NORWAY, cal.NORWAY), (Country.DENMARK, 1 - cal.NORWAY)):
                pattern = names[kind].get(country)
                if pattern is None:
                    continue
                towns = TOWNS[country]
                offices = []
                for i in range(self._scaled(office_key, share)):
                    number += 1
                    town = towns[i % len(towns)]
                    agency = Agency(
                        name=pattern.format(town=town, n=number),
                        kind=kind,
                        country=country,
                        municipality=town,
                        security_level=(SecurityLevel.HIGH if rng.random() < 0.6 else SecurityLevel.LOW)
                        if kind == AgencyKind.PRISON
                        else "",
                        region=region_for(country, town) if kind == AgencyKind.PRISON else "",
                    )
                    agency._town = town
                    offices.append(agency)
                agencies.extend(offices)
                self.org.agencies[(country, kind)] = offices
                for role, key in roles:
                    staffing.append((offices, role, key, share))
        insert(agencies)
        for agency in agencies:
            self.org.towns[agency.pk] = agency._town

        users: list[User] = []
        counter: dict[str, int] = {}
        for offices, role, key, share in staffing:
            total = max(len(offices), self._scaled(key, share))
            for i in range(total):
                agency = offices[i % len(offices)]
                counter[key] = counter.get(key, 0) + 1
                country = agency.country
                man = rng.random() < 0.5
                user = User(
                    username=f"{USERNAME_PREFIX}{key}.{counter[key]:05d}",
                    first_name=rng.choice(FIRST_NAMES[(country, man)]),
                    last_name=rng.choice(LAST_NAMES[country]),
                    role=role,
                    agency=agency,
                    email=f"{key}.{counter[key]:05d}@generated.invalid",
                    password=UNUSABLE_PASSWORD,
                    date_joined=self.now,
                )
                users.append(user)
                self.org.staff.setdefault((agency.pk, role), []).append(user)
        for username, role in (("admin", Role.ADMIN), ("analyst", Role.ANALYST)):
            user = User(
                username=f"{USERNAME_PREFIX}{username}",
                first_name=username.title(),
                last_name="Generated",
                role=role,
                password=UNUSABLE_PASSWORD,
                date_joined=self.now,
            )
            users.append(user)
            setattr(self.org, username, user)
        # One reentry coordinator per prison: they see their unit's counts per stage, no case.
        # Their own random stream, so adding them changes no other row of the population.
        coordinator_rng = random.Random(f"{self.seed}:coordinators")
        prisons = [agency for agency in agencies if agency.kind == AgencyKind.PRISON]
        for number, prison in enumerate(prisons, start=1):
            man = coordinator_rng.random() < 0.5
            user = User(
                username=f"{USERNAME_PREFIX}coordinator.{number:05d}",
                first_name=coordinator_rng.choice(FIRST_NAMES[(prison.country, man)]),
                last_name=coordinator_rng.choice(LAST_NAMES[prison.country]),
                role=Role.REENTRY_COORDINATOR,
                agency=prison,
                email=f"coordinator.{number:05d}@generated.invalid",
                password=UNUSABLE_PASSWORD,
                date_joined=self.now,
            )
            users.append(user)
            self.org.staff.setdefault((prison.pk, Role.REENTRY_COORDINATOR), []).append(user)
        insert(users)

    def build_programmes(self) -> None:
        """Each seeded programme gets an agency in its catchment town and one adviser (issue 20).

        TOG is run by a prison in Oslo (seed 002 ch. 3: a unit of Oslo prison), EX/IN and Exit by
        their municipality (seed 000: Bydel Søndre Nordstrand; seed 003: Københavns Kommune).
        """
        self.programmes = list(Programme.objects.prefetch_related("phases").order_by("slug"))
        users: list[User] = []
        for programme in self.programmes:
            kind = AgencyKind.PRISON if programme.slug == "tog" else AgencyKind.MUNICIPALITY
            town = (programme.catchment or [""])[0]
            offices = self.org.of(programme.country, kind)
            agency = next((office for office in offices if self.org.towns[office.pk] == town), None)
            if agency is None and town == "Søndre Nordstrand":  # a district of Oslo
                agency = next((office for office in offices if self.org.towns[office.pk] == "Oslo"), None)
            if agency is None:
                continue
            if programme.agency_id is None:
                programme.agency = agency
                programme.save(update_fields=["agency"])
            user = User(
                username=f"{USERNAME_PREFIX}programme.{programme.slug}",
                first_name="Rådgiver",
                last_name=programme.name[:40],
                role=Role.PROGRAMME_STAFF,
                agency_id=programme.agency_id,
                email=f"programme.{programme.slug}@generated.invalid",
                password=UNUSABLE_PASSWORD,
                date_joined=self.now,
            )
            users.append(user)
            self.advisers[programme.pk] = user
        insert(users)
        ProgrammeStaff.objects.bulk_create(
            ProgrammeStaff(programme_id=programme_id, user=user, title="Rådgiver")
            for programme_id, user in self.advisers.items()
        )

    def catchment_of(self, plan: CasePlan, programme: Programme) -> bool:
        """Whether the case lies in the programme's catchment: its prison (TOG) or home town."""
        if plan.country != programme.country or plan.age < 18:
            return False
        if programme.slug == "exin" and plan.age > 25:  # young adults 18-25 (seed 000, ch. 1)
            return False
        if programme.slug == "tog":
            agency = self.org.of(plan.country, AgencyKind.PRISON)[plan.prison]
        else:
            agency = self.org.of(plan.country, AgencyKind.MUNICIPALITY)[plan.home]
        town = self.org.towns[agency.pk]
        return town in programme.catchment or (programme.slug == "exin" and town == "Oslo")

    def calibrate_programmes(self, plans: list[CasePlan]) -> None:
        """The share of each catchment's cases to enrol: its places over the history, scaled to this size."""
        for programme in self.programmes:
            if programme.pk not in self.advisers:
                continue
            places = cal.PROGRAMME_PLACES.get(programme.slug, 0) * cal.HISTORY_YEARS * self.n / cal.FULL_POPULATION
            catchment = sum(1 for plan in plans if plan.intake <= self.today and self.catchment_of(plan, programme))
            self.enrol_share[programme.pk] = min(1.0, places / catchment) if catchment else 0.0

    # -- phase 2: draw every case ---------------------------------------------------------

    def draw_cases(self) -> list[CasePlan]:
        """Draw the facts of every case, sorted by intake, and assign persons to them."""
        rng = random.Random(f"{self.seed}:cases")
        plans = []
        history_days = cal.HISTORY_YEARS * 365
        for index in range(self.n):
            country = Country.NORWAY if rng.random() < cal.NORWAY else Country.DENMARK
            prisons = self.org.of(country, AgencyKind.PRISON)
            man = rng.random() < cal.MEN
            citizen = rng.random() < cal.CITIZENS
            age = rng.randrange(18, 25) if rng.random() < cal.UNDER_25 else min(79, 25 + int(rng.expovariate(1 / 12)))
            # About 1 % are summoned ahead of time (preparation), the rest spread over the history.
            if rng.random() < 0.01:
                intake = self.today + datetime.timedelta(days=rng.randrange(1, 60))
            else:
                intake = self.today - datetime.timedelta(days=rng.randrange(0, history_days))
            birth_date = intake - datetime.timedelta(days=age * 365 + rng.randrange(0, 365))
            remand = rng.random() < cal.REMAND
            if remand:
                legal_status = LegalStatus.REMAND
                sentence_days = None
                remand_days = 0
                expected_release = None
                leaves_on = intake + datetime.timedelta(days=7 + int(rng.expovariate(1 / 90)))
                closes_on = leaves_on
            else:
                legal_status = LegalStatus.SENTENCED
                years = math.exp(rng.gauss(cal.SENTENCE_MU, cal.SENTENCE_SIGMA))
                sentence_days = max(cal.SENTENCE_MIN_DAYS, min(cal.SENTENCE_MAX_YEARS * 365, round(years * 365)))
                remand_days = min(sentence_days, int(rng.expovariate(1 / 60))) if rng.random() < 0.4 else 0
                # Parole at two thirds including remand (at least 60 days served), full time under 74 days.
                served = sentence_days if sentence_days < 74 else max(60, math.ceil(sentence_days * 2 / 3))
                expected_release = intake + datetime.timedelta(days=max(1, served - remand_days))
                leaves_on = expected_release
                closes_on = leaves_on + datetime.timedelta(days=AFTERCARE_DAYS)
            plans.append(
                CasePlan(
                    index=index,
                    country=country,
                    prison=rng.randrange(len(prisons)),
                    man=man,
                    citizen=citizen,
                    age=age,
                    birth_date=birth_date,
                    legal_status=legal_status,
                    intake=intake,
                    sentence_days=sentence_days,
                    remand_days=remand_days,
                    expected_release=expected_release,
                    leaves_on=leaves_on,
                    closes_on=closes_on,
                    stage=self._stage(intake, leaves_on, closes_on, remand),
                    home=rng.randrange(len(self.org.of(country, AgencyKind.MUNICIPALITY))),
                )
            )
        plans.sort(key=lambda plan: (plan.intake, plan.index))
        for position, plan in enumerate(plans):
            plan.index = position
        # Returning persons: a new case may take over a person whose earlier case has closed
        # (released within the last three years).
        running: list[tuple[datetime.date, int]] = []  # heap of (closing day, plan index)
        released: list[CasePlan | None] = []  # in closing order; None once the person has returned
        oldest = 0  # released[:oldest] closed more than three years before the current intake
        persons = 0
        for plan in plans:
            while running and running[0][0] < plan.intake:
                released.append(plans[heapq.heappop(running)[1]])
            horizon = plan.intake - datetime.timedelta(days=3 * 365)
            while oldest < len(released) and (released[oldest] is None or released[oldest].closes_on < horizon):
                oldest += 1
            earlier = None
            if oldest < len(released) and rng.random() < cal.RETURNING:
                # Keep the age band drawn for this case, so that returning persons keep the calibration.
                young = plan.age < 25
                for _attempt in range(5):
                    position = rng.randrange(oldest, len(released))
                    candidate = released[position]
                    if candidate is not None and ((plan.intake - candidate.birth_date).days < 25 * 365) == young:
                        earlier = candidate
                        released[position] = None
                        break
            if earlier is not None:
                plan.person = earlier.person
                plan.previous = earlier.index
                plan.country, plan.man, plan.citizen = earlier.country, earlier.man, earlier.citizen
                plan.birth_date = earlier.birth_date
                plan.age = (plan.intake - plan.birth_date).days // 365
                plan.prison = plan.prison % len(self.org.of(plan.country, AgencyKind.PRISON))
                plan.home = earlier.home
            else:
                plan.person = persons
                persons += 1
            heapq.heappush(running, (plan.closes_on, plan.index))
        return plans

    def _stage(self, intake, leaves_on, closes_on, remand: bool) -> str:
        today = self.today
        if intake > today:
            return Stage.PREPARATION
        if closes_on < today:
            return Stage.CLOSED
        if leaves_on < today:
            return Stage.AFTER_RELEASE
        days = (today - intake).days
        if days < 7:
            return Stage.UNDERSTAND_NEEDS
        if remand:
            return Stage.CARRY_OUT
        if days < 21:
            return Stage.MAKE_PLAN
        if (leaves_on - today).days <= 56:
            return Stage.HANDOVER
        return Stage.CARRY_OUT

    # -- phase 2: write one chunk ---------------------------------------------------------

    def write_chunk(self, plans: list[CasePlan]) -> None:
        chunk = Chunk(generator=self, plans=plans)
        for section in SECTIONS:
            section(chunk)
        chain.link(chunk.journal)
        insert(chunk.journal)

    def national_id(self, plan: CasePlan, rng: random.Random, used: set[str]) -> str:
        """Return a valid, unused number; sex in the individual digits, D-number or none for non-citizens."""
        if not plan.citizen and plan.country == Country.DENMARK:
            return ""
        born = plan.birth_date
        for _attempt in range(200):
            day = born.day + (0 if plan.citizen else 40)
            base = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
            if plan.country == Country.NORWAY:
                low, high = (0, 500) if born.year < 2000 else (500, 1000)
                individual = rng.randrange(low, high)
                if (individual % 2 == 1) != plan.man:
                    individual = individual + 1 if individual + 1 < high else individual - 1
                number = f"{base}{individual:03d}"
                first = fodselsnummer.calc_check_digit1(number + "00")
                if len(first) != 1:
                    continue
                second = fodselsnummer.calc_check_digit2(number + first + "0")
                if len(second) != 1:
                    continue
                number += first + second
            else:
                low, high = (0, 4000) if born.year < 2000 else (4000, 5000)
                serial = rng.randrange(low, high)
                if (serial % 2 == 1) != plan.man:
                    serial = serial + 1 if serial + 1 < high else serial - 1
                number = f"{base}{serial:04d}"
            if number not in used:
                used.add(number)
                return number
        return ""


def insert(objects: list[models.Model]) -> None:
    """Insert new rows of one model fast, setting their primary keys.

    The same rows ``bulk_create`` would write, without its per-value SQL compilation: ids
    are taken from the table's sequence first (PostgreSQL) or after the current maximum
    (SQLite, inside the generator's transaction), then the rows go in with ``COPY``
    (PostgreSQL) or ``executemany`` (SQLite). Constraints and foreign keys are checked by
    the database as for any insert.
    """
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields = meta.concrete_fields
    for obj in objects:
        if obj._state.__dict__.get("fields_cache"):  # related objects assigned, not just ids
            obj._prepare_related_fields_for_save(operation_name="insert")
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model_field.column) for model_field in fields)
    # Only values the driver cannot take as they are go through the field's own conversion.
    convert = (models.JSONField, EncryptedTextField)
    if connection.vendor == "sqlite":
        convert += (models.DateField,)
    converters = [
        (lambda value, f=model_field: f.get_db_prep_save(value, connection))
        if isinstance(model_field, convert)
        else None
        for model_field in fields
    ]
    attnames = [model_field.attname for model_field in fields]

    def rows():
        for obj in objects:
            row = [getattr(obj, attname) for attname in attnames]
            for position, converter in enumerate(converters):
                if converter is not None and row[position] is not None:
                    row[position] = converter(row[position])
            yield row

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = value
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            # The table's and the columns' names are the model's own, quoted by the backend; the
            # values go in as parameters. Nothing a user typed becomes SQL.
            pk = connection.ops.quote_name(meta.pk.column)
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608  # nosec B608  # see above
            (last,) = cursor.fetchone()
            for offset, obj in enumerate(objects, start=1):
                obj.pk = last + offset
            placeholders = ", ".join(["%s"] * len(fields))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608  # see above
            cursor.executemany(insert, list(rows()))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _case_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(13))


# -- sections ------------------------------------------------------------------------------


def section_persons_and_cases(chunk: Chunk) -> None:
    """Persons (with a login for about half of those in prison now), then their cases."""
    generator = chunk.generator
    org = generator.org
    used_ids = generator.used_national_ids
    new_persons: list[tuple[CasePlan, Person, random.Random]] = []
    users: list[User] = []
    for plan in chunk.plans:
        if plan.person in generator.persons:
            continue
        rng = chunk.rng("person", plan)
        origin = plan.country if plan.citizen else None
        person = Person(
            first_name=rng.choice(FIRST_NAMES[(origin, plan.man)]),
            last_name=rng.choice(LAST_NAMES[origin]),
            birth_date=plan.birth_date,
            national_id=generator.national_id(plan, rng, used_ids),
        )
        person.national_id_hash = national_id_digest(person.national_id)
        if plan.stage not in {Stage.CLOSED, Stage.PREPARATION} and rng.random() < 0.5:
            user = User(
                username=f"{USERNAME_PREFIX}person.{plan.person:06d}",
                first_name=person.first_name,
                last_name=person.last_name,
                role=Role.PERSON,
                password=UNUSABLE_PASSWORD,
                date_joined=moment(min(plan.intake, generator.today), rng, generator.now),
            )
            users.append(user)
            person.user = user
        generator.persons[plan.person] = person
        new_persons.append((plan, person, rng))
    insert(users)
    for _plan, person, _rng in new_persons:
        person.user_id = person.user.pk if person.user else None
    insert([person for _plan, person, _rng in new_persons])

    cases: list[tuple[Case, int | None]] = []
    for plan in chunk.plans:
        rng = chunk.rng("case", plan)
        prison = org.of(plan.country, AgencyKind.PRISON)[plan.prison]
        officers = org.users(prison, Role.CONTACT_OFFICER)
        lead = officers[rng.randrange(len(officers))]
        home = org.of(plan.country, AgencyKind.MUNICIPALITY)[plan.home]
        opened = moment(min(plan.intake, generator.today), rng, generator.now)
        case = Case(
            code=_case_code(rng),
            person=generator.persons[plan.person],
            institution=prison,
            unit=f"Avdeling {chr(ord('A') + rng.randrange(6))}",
            security_level=prison.security_level,
            country=plan.country,
            legal_status=plan.legal_status,
            intake_date=plan.intake,
            sentence_start=plan.intake if plan.sentence_days else None,
            sentence_days=plan.sentence_days,
            remand_days=plan.remand_days,
            isolation_days=0,
            expected_release=plan.expected_release,
            home_municipality=org.towns[home.pk],
            stage=plan.stage,
            released_on=plan.leaves_on if plan.stage in {Stage.AFTER_RELEASE, Stage.CLOSED} else None,
            follow_up_phase=FollowUpPhase.AFTERCARE if plan.stage in {Stage.AFTER_RELEASE, Stage.CLOSED} else "",
            closed_on=plan.closes_on if plan.stage == Stage.CLOSED else None,
            closing_reason="Oppfølgingen er avsluttet." if plan.stage == Stage.CLOSED else "",
            anonymise_on=plan.closes_on + ANONYMISE_AFTER if plan.stage == Stage.CLOSED else None,
            created_at=opened,
            created_by=lead,
        )
        case._lead, case._opened = lead, opened
        cases.append((case, plan.previous))
        chunk.cases[plan.index] = case
    # A returning person's earlier case may be in this chunk: write in passes, earlier cases first.
    index_of = {id(case): plan.index for plan, case in zip(chunk.plans, (c for c, _ in cases), strict=True)}
    while cases:
        ready, waiting = [], []
        for case, previous in cases:
            if previous is None or previous in generator.case_ids:
                case.previous_case_id = generator.case_ids[previous] if previous is not None else None
                ready.append(case)
            else:
                waiting.append((case, previous))
        insert(ready)
        for case in ready:
            generator.case_ids[index_of[id(case)]] = case.pk
        cases = waiting

    for plan, person, _rng in new_persons:
        case = chunk.cases[plan.index]
        chunk.log(
            actor=case._lead,
            action="person.create",
            obj=person,
            case=None,
            at=case._opened,
            new=snapshot(person, PERSON_FIELDS),
        )
    for plan in chunk.plans:
        case = chunk.cases[plan.index]
        chunk.log(
            actor=case._lead, action="case.open", obj=case, case=case, at=case._opened, new=snapshot(case, CASE_FIELDS)
        )


def section_memberships(chunk: Chunk) -> None:
    """The lead contact officer and the group: prison social worker, NAV, municipality, ..."""
    generator = chunk.generator
    org = generator.org
    today = generator.today
    memberships: list[Membership] = []
    ends: list[tuple[Membership, datetime.date]] = []
    for plan in chunk.plans:
        rng = chunk.rng("members", plan)
        case = chunk.cases[plan.index]
        lead_user = case._lead
        start = min(plan.intake, today)
        prison_end = plan.leaves_on if plan.leaves_on < today else None
        if plan.stage == Stage.CLOSED:
            prison_end = plan.closes_on if plan.legal_status == LegalStatus.REMAND else plan.leaves_on
        group = [
            Membership(
                case=case,
                user=lead_user,
                role=lead_user.role,
                agency=case.institution,
                purpose="Ansvarlig for saken i fengselet",
                start_date=start,
                # The lead stays until the case closes: the synthetic population does not
                # model handing the lead over after release.
                end_date=plan.closes_on if plan.stage == Stage.CLOSED else None,
                accepted_at=case._opened,
                added_by=lead_user,
                added_at=case._opened,
            )
        ]
        if plan.stage != Stage.PREPARATION:
            external_end = plan.closes_on if plan.stage == Stage.CLOSED else None
            home = org.of(plan.country, AgencyKind.MUNICIPALITY)[plan.home]
            wanted = [
                ("social_worker", case.institution, Role.SOCIAL_WORKER, prison_end),
                ("nav", AgencyKind.NAV, Role.NAV, external_end),
                ("municipality", home, Role.MUNICIPALITY, external_end),
                ("probation", AgencyKind.PROBATION, Role.PROBATION, external_end),
                ("health", AgencyKind.HEALTH, Role.HEALTH, external_end),
                ("school", AgencyKind.SCHOOL, Role.SCHOOL, external_end),
                ("volunteer", AgencyKind.NGO, Role.VOLUNTEER, external_end),
            ]
            seen = {lead_user.pk}
            for key, where, role, end in wanted:
                share = cal.GROUP_SHARE[key]
                if key == "school" and plan.age < 25:
                    share = 0.5
                if key == "probation" and plan.legal_status == LegalStatus.REMAND:
                    share = 0.1
                if rng.random() >= share:
                    continue
                if isinstance(where, Agency):
                    agency = where
                else:
                    offices = org.of(plan.country, where)
                    if not offices:
                        continue
                    agency = offices[plan.home % len(offices)]
                candidates = org.users(agency, role)
                if not candidates:
                    continue
                user = candidates[rng.randrange(len(candidates))]
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                joined = min(today, plan.intake + datetime.timedelta(days=rng.randrange(0, 10)))
                member_end = end
                if member_end is not None and member_end < joined:
                    joined = member_end
                group.append(
                    Membership(
                        case=case,
                        user=user,
                        role=role,
                        agency=agency,
                        purpose="",
                        start_date=joined,
                        end_date=member_end,
                        accepted_at=moment(joined, rng, generator.now),
                        added_by=lead_user,
                        added_at=moment(joined, rng, generator.now),
                    )
                )
        chunk.members[plan.index] = group
        memberships.extend(group)
    # The journal shows each membership as added open, then ended: write them open first.
    for membership in memberships:
        if membership.end_date is not None:
            ends.append((membership, membership.end_date))
    ends_rng = random.Random(f"{generator.seed}:member-end:{chunk.plans[0].index}")
    insert(memberships)
    # The lead is the first member of each group; the case points at it once both exist.
    with connections[router.db_for_write(Case)].cursor() as cursor:
        cursor.executemany(
            "UPDATE cases_case SET lead_id = %s WHERE id = %s",
            [(chunk.lead(plan).pk, chunk.cases[plan.index].pk) for plan in chunk.plans],
        )
    for plan in chunk.plans:
        chunk.cases[plan.index].lead_id = chunk.lead(plan).pk
    for membership in memberships:
        new = snapshot(membership, MEMBERSHIP_FIELDS)
        new["end_date"] = None
        chunk.log(
            actor=membership.added_by,
            action="membership.add",
            obj=membership,
            case=membership.case,
            at=membership.added_at,
            new=new,
        )
    for membership, end in ends:
        old = snapshot(membership, MEMBERSHIP_FIELDS)
        old["end_date"] = None
        chunk.log(
            actor=membership.added_by,
            action="membership.end",
            obj=membership,
            case=membership.case,
            at=moment(end, ends_rng, generator.now),
            old=old,
            new=snapshot(membership, MEMBERSHIP_FIELDS),
        )


def section_needs(chunk: Chunk) -> None:
    """Needs conversation sessions, the needs recorded in them, and strengths."""
    generator = chunk.generator
    today = generator.today
    conversations: list[NeedsConversation] = []
    pending: list[tuple[CasePlan, random.Random, list[NeedsConversation]]] = []
    for plan in chunk.plans:
        if plan.stage == Stage.PREPARATION or (today - plan.intake).days < 2:
            continue
        rng = chunk.rng("needs", plan)
        lead = chunk.cases[plan.index]._lead
        sessions = []
        day = plan.intake + datetime.timedelta(days=rng.randrange(1, 8))
        parts = [1] * (1 + (rng.random() < 0.35))
        if plan.stage not in {Stage.UNDERSTAND_NEEDS, Stage.MAKE_PLAN} and rng.random() < 0.7:
            parts.append(2)
        for number, part in enumerate(parts):
            if day > today:
                break
            last_of_part = number + 1 == len(parts) or parts[number + 1] != part
            sessions.append(
                NeedsConversation(
                    case=chunk.cases[plan.index],
                    part=part,
                    held_on=day,
                    note="",
                    completed=last_of_part and (day < today or rng.random() < 0.5),
                    recorded_by=lead,
                    recorded_at=moment(day, rng, generator.now),
                )
            )
            day += datetime.timedelta(days=rng.randrange(2, 12))
        conversations.extend(sessions)
        pending.append((plan, rng, sessions))
    insert(conversations)

    needs: list[Need] = []
    resources: list[Resource] = []
    need_context: list[tuple[Case, User]] = []
    for plan, rng, sessions in pending:
        if not sessions:
            continue
        case = chunk.cases[plan.index]
        lead = case._lead
        chunk.part1_done[plan.index] = next(
            (session for session in sessions if session.part == 1 and session.completed), None
        )
        for session in sessions:
            chunk.log(
                actor=lead,
                action="conversation.record",
                obj=session,
                case=case,
                at=session.recorded_at,
                new=snapshot(session, CONVERSATION_FIELDS),
            )
        first = sessions[0]
        count = min(25, 1 + int(rng.gammavariate(2.0, (cal.NEEDS_MEAN - 1) / 2.0)))
        for _ in range(count):
            area = generator.life_areas[rng.randrange(len(generator.life_areas))]
            knots = generator.knots_by_tangle.get(area.tangle_id, [])
            knot = knots[rng.randrange(len(knots))] if knots and rng.random() < 0.5 else None
            session = sessions[rng.randrange(len(sessions))] if sessions[0].part == 1 else first
            finished = plan.stage in {Stage.CLOSED, Stage.AFTER_RELEASE}
            final = (
                rng.choice([NeedStatus.MET, NeedStatus.MET, NeedStatus.NOT_RELEVANT, NeedStatus.ADDRESSED])
                if finished
                else rng.choice([NeedStatus.OPEN, NeedStatus.ADDRESSED, NeedStatus.ADDRESSED])
            )
            recorded = session.recorded_at
            need = build(
                Need,
                case_id=case.pk,
                tangle_id=area.tangle_id,
                life_area_id=area.pk,
                knot_id=knot.pk if knot else None,
                own_words=rng.choice(NEED_WORDS) if rng.random() < 0.7 else "",
                summary=f"{area.name_nb}: {rng.choice(NEED_SUMMARIES)}",
                acute=rng.random() < 0.08,
                status=final,
                private=rng.random() < 0.08,
                shared_with_volunteers=rng.random() < 0.15,
                conversation_id=session.pk,
                recorded_by_id=lead.pk,
                recorded_at=recorded,
                updated_at=recorded,
                version=1,
            )
            if final != NeedStatus.OPEN:
                changed_on = min(today, session.held_on + datetime.timedelta(days=rng.randrange(7, 120)))
                need.updated_at = max(recorded, moment(changed_on, rng, generator.now))
                need.version = 2
            needs.append(need)
            need_context.append((case, lead))
            chunk.needs.setdefault(plan.index, []).append(need)
        for _ in range(min(6, int(rng.expovariate(1 / cal.RESOURCES_MEAN)))):
            area = generator.life_areas[rng.randrange(len(generator.life_areas))] if rng.random() < 0.8 else None
            resources.append(
                Resource(
                    case=case,
                    life_area=area,
                    description=rng.choice(RESOURCE_WORDS),
                    recorded_by=lead,
                    recorded_at=first.recorded_at,
                )
            )
    insert(needs)
    insert(resources)
    for need, (case, lead) in zip(needs, need_context, strict=True):
        # The row holds the latest version; the journal shows it recorded open, then changed.
        current = snapshot(need, NEED_FIELDS)
        created = current | {"status": NeedStatus.OPEN}
        chunk.log(actor=lead, action="need.create", obj=need, case=case, at=need.recorded_at, new=created)
        if need.version == 2:
            chunk.log(
                actor=lead,
                action="need.update",
                obj=need,
                case=case,
                at=need.updated_at,
                old=created,
                new=current,
            )
    for resource in resources:
        chunk.log(
            actor=resource.recorded_by,
            action="resource.create",
            obj=resource,
            case=resource.case,
            at=resource.recorded_at,
            new=snapshot(resource, RESOURCE_FIELDS),
        )


def section_consent(chunk: Chunk) -> None:
    """The comprehensive consent at the end of part 1, covering the external members."""
    generator = chunk.generator
    done = chunk.part1_done
    consents: list[tuple[Consent, list[Membership]]] = []
    for plan in chunk.plans:
        session = done.get(plan.index)
        if session is None:
            continue
        rng = chunk.rng("consent", plan)
        if rng.random() >= cal.CONSENT:
            continue
        case = chunk.cases[plan.index]
        lead = case._lead
        external = [member for member in chunk.members[plan.index] if member.role not in LEAD_ROLES]
        if not external:
            continue
        # Given at the end of part 1, or as soon as the group is in place if it came later.
        given_on = max(session.held_on, *(member.start_date for member in external))
        ended = [member.end_date for member in external if member.end_date is not None]
        if ended and min(ended) < given_on:
            continue
        consent = Consent(
            case=case,
            given_on=given_on,
            explained_by=lead,
            note="",
            recorded_by=lead,
            recorded_at=max(session.recorded_at, moment(given_on, rng, generator.now)),
        )
        if rng.random() < cal.CONSENT_WITHDRAWN:
            withdrawn_on = min(generator.today, given_on + datetime.timedelta(days=rng.randrange(5, 200)))
            consent.withdrawn_at = max(consent.recorded_at, moment(withdrawn_on, rng, generator.now))
            consent.withdrawn_by = lead
            consent.withdrawal_note = "Trukket tilbake av personen."
        consents.append((consent, external))
    insert([consent for consent, _ in consents])
    through = Consent.scope.through
    insert([through(consent_id=consent.pk, membership_id=member.pk) for consent, scope in consents for member in scope])
    for consent, scope in consents:
        given = snapshot(consent, CONSENT_FIELDS)
        given.update(withdrawn_at=None, withdrawn_by=None, withdrawal_note="", scope=sorted(m.pk for m in scope))
        chunk.log(
            actor=consent.recorded_by,
            action="consent.give",
            obj=consent,
            case=consent.case,
            at=consent.recorded_at,
            new=given,
        )
        if consent.withdrawn_at is not None:
            withdrawn = snapshot(consent, CONSENT_FIELDS) | {"scope": given["scope"]}
            chunk.log(
                actor=consent.withdrawn_by,
                action="consent.withdraw",
                obj=consent,
                case=consent.case,
                at=consent.withdrawn_at,
                old=given,
                new=withdrawn,
            )


def section_meetings(chunk: Chunk) -> None:
    """Intake, needs conversation, meetings with the person and group meetings; a few ahead."""
    generator = chunk.generator
    today = generator.today
    meetings: list[tuple[Meeting, Case, User]] = []
    for plan in chunk.plans:
        rng = chunk.rng("meetings", plan)
        case = chunk.cases[plan.index]
        lead = case._lead
        if plan.stage == Stage.PREPARATION:
            schedule = [(plan.intake, MeetingKind.INTAKE)]
        else:
            schedule = [
                (plan.intake, MeetingKind.INTAKE),
                (plan.intake + datetime.timedelta(days=5), MeetingKind.NEEDS_CONVERSATION),
            ]
            open_case = plan.stage not in {Stage.CLOSED}
            last = min(plan.leaves_on, today + datetime.timedelta(days=60)) if open_case else plan.leaves_on
            regular = []
            for every, kind in ((cal.MEETING_EVERY_DAYS, MeetingKind.GROUP), (28, MeetingKind.WITH_PERSON)):
                day = plan.intake + datetime.timedelta(days=14 + rng.randrange(every))
                while day <= last:
                    regular.append((day, kind))
                    day += datetime.timedelta(days=every)
            regular.sort()
            past = [item for item in regular if item[0] <= today][-(cal.MEETINGS_MAX - 4) :]
            ahead = [item for item in regular if item[0] > today][:2]
            schedule += past + ahead
        for day, kind in schedule:
            starts = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(6), 0), tzinfo=OSLO)
            booked_day = max(min(plan.intake, today), day - datetime.timedelta(days=rng.randrange(3, 21)))
            meeting = build(
                Meeting,
                case_id=case.pk,
                kind=kind,
                starts_at=starts,
                place="Møterom 2" if rng.random() < 0.8 else "",
                video_link="" if rng.random() < 0.8 else "https://video.example.invalid/room",
                booked_by_id=lead.pk,
                booked_at=moment(min(booked_day, today), rng, generator.now),
            )
            meetings.append((meeting, case, lead))
    insert([meeting for meeting, _case, _lead in meetings])
    for meeting, case, lead in meetings:
        chunk.log(
            actor=lead,
            action="meeting.book",
            obj=meeting,
            case=case,
            at=meeting.booked_at,
            new=snapshot(meeting, MEETING_FIELDS),
        )


MEASURE_TITLES = [
    "Housing application",
    "Debt settlement",
    "Bank account and BankID",
    "ID papers",
    "Tax card",
    "NAV income in place at release",
    "School place",
    "Work training",
    "Treatment continued after release",
    "Family contact",
    "Leisure activity",
    "Peer mentor",
]


def section_measures(chunk: Chunk) -> None:
    """Measures proposed for the needs once the plan is made, chosen or not, and the plan's version."""
    if not apps.is_installed("plans"):
        return
    from plans.models import Measure, MeasureStatus, PlanVersion
    from plans.services import MEASURE_FIELDS

    generator = chunk.generator
    today = generator.today
    fields = [name for name in MEASURE_FIELDS if name != "needs"]
    measures: list[tuple[Measure, Case, User, list[Need]]] = []
    for plan in chunk.plans:
        case_needs = chunk.needs.get(plan.index)
        if not case_needs or plan.stage in {Stage.PREPARATION, Stage.UNDERSTAND_NEEDS, Stage.MAKE_PLAN}:
            continue
        rng = chunk.rng("measures", plan)
        case = chunk.cases[plan.index]
        members = chunk.members[plan.index]
        finished = plan.stage in {Stage.CLOSED, Stage.AFTER_RELEASE}
        planned_on = min(today, plan.intake + datetime.timedelta(days=rng.randrange(14, 35)))
        for _ in range(min(10, 1 + int(rng.gammavariate(2.0, 1.25)))):
            member = members[rng.randrange(len(members))]
            answers = rng.sample(case_needs, min(len(case_needs), 1 + (rng.random() < 0.3)))
            start = planned_on + datetime.timedelta(days=rng.randrange(0, 30))
            due = start + datetime.timedelta(days=rng.randrange(30, 180))
            statuses = [MeasureStatus.PROPOSED, MeasureStatus.CHOSEN, MeasureStatus.STARTED, MeasureStatus.DONE,
                        MeasureStatus.REJECTED, MeasureStatus.CANCELLED]  # fmt: skip
            weights = [2, 3, 10, 60, 10, 15] if finished else [15, 20, 45, 10, 5, 5]
            status = rng.choices(statuses, weights=weights)[0]
            started_on = min(today, start) if status in {MeasureStatus.STARTED, MeasureStatus.DONE} else None
            done_on = (
                min(today, max(start, due - datetime.timedelta(days=rng.randrange(0, 20))))
                if status == MeasureStatus.DONE
                else None
            )
            proposed_at = moment(planned_on, rng, generator.now)
            measure = build(
                Measure,
                case_id=case.pk,
                title=rng.choice(MEASURE_TITLES),
                description="",
                responsible_agency_id=member.agency_id,
                responsible_user_id=member.user_id,
                start_date=start,
                due_date=due,
                requires_of_person=rng.choice(["Meet on time.", "Bring ID papers.", "Nothing.", "Sign the form."]),
                status=status,
                status_reason="Not possible now."
                if status in {MeasureStatus.REJECTED, MeasureStatus.CANCELLED}
                else "",
                decided_with_person=status != MeasureStatus.PROPOSED,
                started_on=started_on,
                done_on=done_on,
                proposed_by_id=member.user_id,
                proposed_at=proposed_at,
                updated_at=proposed_at
                if status == MeasureStatus.PROPOSED
                else moment(min(today, start), rng, generator.now),
                version=1 if status == MeasureStatus.PROPOSED else 2,
            )
            measures.append((measure, case, member.user, answers))
    insert([measure for measure, _case, _user, _needs in measures])
    through = Measure.needs.through
    insert(
        [through(measure_id=measure.pk, need_id=need.pk) for measure, _c, _u, answers in measures for need in answers]
    )
    versions = []
    in_plan: dict[int, list[Measure]] = {}
    for measure, case, user, answers in measures:
        proposed = snapshot(measure, fields) | {
            "needs": sorted(need.pk for need in answers),
            "status": MeasureStatus.PROPOSED,
        }
        chunk.log(actor=user, action="measure.propose", obj=measure, case=case, at=measure.proposed_at, new=proposed)
        if measure.status != MeasureStatus.PROPOSED:
            chunk.log(
                actor=case._lead,
                action=f"measure.{measure.status}",
                obj=measure,
                case=case,
                at=max(measure.proposed_at, measure.updated_at),
                old={"status": MeasureStatus.PROPOSED},
                new={"status": measure.status},
            )
        if measure.status in {MeasureStatus.CHOSEN, MeasureStatus.STARTED, MeasureStatus.DONE}:
            in_plan.setdefault(case.pk, []).append(measure)
    for case_id, chosen in in_plan.items():
        rows = [
            {
                "id": measure.pk,
                "title": measure.title,
                "responsible_agency": measure.responsible_agency_id,
                "responsible_user": measure.responsible_user_id,
                "start_date": measure.start_date.isoformat(),
                "due_date": measure.due_date.isoformat(),
                "requires_of_person": measure.requires_of_person,
                "status": measure.status,
            }
            for measure in chosen
        ]
        versions.append(
            build(
                PlanVersion,
                case_id=case_id,
                number=1,
                created_at=max(m.updated_at for m in chosen),
                created_by_id=chosen[0].proposed_by_id,
                cause="choice",
                measures=rows,
            )
        )
    insert(versions)


def section_reads(chunk: Chunk) -> None:
    """Access events: members reading the case while they are in the group, and the person."""
    generator = chunk.generator
    events: list[AccessEvent] = []
    for plan in chunk.plans:
        rng = chunk.rng("reads", plan)
        case = chunk.cases[plan.index]
        members = chunk.members[plan.index]
        person_user = case.person.user
        count = int(rng.gammavariate(2.0, cal.ACCESS_EVENTS_MEAN / 2.0))
        for _ in range(count):
            if person_user is not None and rng.random() < 0.1:
                reader, agency_id, purpose = person_user, None, AccessPurpose.OWN_CASE
                start, end = plan.intake, generator.today
            else:
                member = members[rng.randrange(len(members))] if rng.random() < 0.5 else members[0]
                reader, agency_id = member.user, member.agency_id
                purpose = AccessPurpose.CASELOAD if rng.random() < 0.3 else AccessPurpose.CASE_WORK
                start, end = member.start_date, member.end_date or generator.today
            end = min(end, generator.today)
            if end < start:
                continue
            day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
            events.append(
                build(
                    AccessEvent,
                    at=moment(day, rng, generator.now),
                    user_id=reader.pk,
                    role=reader.role,
                    agency_id=agency_id,
                    case_id=case.pk,
                    purpose=purpose,
                    view="cases:caseload" if purpose == AccessPurpose.CASELOAD else rng.choice(VIEWS),
                )
            )
    insert(events)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def section_obstacles(chunk: Chunk) -> None:
    """Obstacles logged by the lead, by stage and pair of agencies as ``calibration.OBSTACLE_*`` says; most coded."""
    generator = chunk.generator
    codes = generator.challenge_ids
    obstacles: list[Obstacle] = []
    for plan in chunk.plans:
        if plan.intake > generator.today:
            continue
        rng = chunk.rng("obstacles", plan)
        left = plan.leaves_on <= generator.today
        stages = cal.OBSTACLE_STAGES if left else {"during_sentence": 0.2, "expectations": 0.15}
        names, weights = list(stages), list(stages.values())
        case = chunk.cases[plan.index]
        coordinators = generator.org.staff.get((case.institution_id, Role.REENTRY_COORDINATOR), [])
        for _ in range(_poisson(rng, cal.OBSTACLES_MEAN if left else cal.OBSTACLES_INSIDE_MEAN)):
            stage = rng.choices(names, weights)[0]
            kinds = cal.OBSTACLE_KINDS[stage]
            failed, bore, code, _weight = rng.choices(kinds, [kind[3] for kind in kinds])[0]
            inside_until = min(plan.leaves_on, generator.today)
            if stage == "during_sentence":
                on = plan.intake + datetime.timedelta(days=rng.randrange(max(1, (inside_until - plan.intake).days)))
            elif stage == "preparing_release":
                on = plan.leaves_on - datetime.timedelta(days=rng.randrange(1, 57))
            elif stage == "release":
                on = plan.leaves_on
            else:
                end = min(plan.closes_on, generator.today)
                on = plan.intake + datetime.timedelta(days=rng.randrange(max(1, (end - plan.intake).days)))
            on = max(plan.intake, min(on, generator.today))
            logged_at = moment(min(on + datetime.timedelta(days=rng.randrange(4)), generator.today), rng, generator.now)
            coded = coordinators and rng.random() < cal.OBSTACLES_CODED
            obstacle = build(
                Obstacle,
                case_id=case.pk,
                source=Source.GROUP,
                logged_by_id=case._lead.pk,
                logged_at=logged_at,
                what_happened="Hindring i overgangen mellom etatene.",
                happened_on=on,
                stage=stage,
                failed_agency=failed,
                bore_agency=bore,
                challenge_id=codes.get(code) if coded else None,
                coded_by_id=coordinators[0].pk if coded else None,
                coded_at=min(logged_at + datetime.timedelta(days=rng.randrange(1, 15)), generator.now)
                if coded
                else None,
                version=2 if coded else 1,
            )
            obstacle._case = case
            obstacles.append(obstacle)
    insert(obstacles)
    for obstacle in obstacles:
        logged = snapshot(obstacle, OBSTACLE_FIELDS) | {"challenge": None}
        chunk.log(
            actor=obstacle._case._lead,
            action="obstacle.log",
            obj=obstacle,
            case=obstacle._case,
            at=obstacle.logged_at,
            new=logged,
        )
        if obstacle.coded_at is not None:
            chunk.log(
                actor=generator.org.staff[(obstacle._case.institution_id, Role.REENTRY_COORDINATOR)][0],
                action="obstacle.code",
                obj=obstacle,
                case=obstacle._case,
                at=obstacle.coded_at,
                old=logged,
                new=snapshot(obstacle, OBSTACLE_FIELDS),
            )


def section_programmes(chunk: Chunk) -> None:
    """Applications to the programmes, a calibrated share of each catchment (issue 20), and what became of them.

    Each enrolment is one of the person's applications (kind "programme"), decided by the
    programme's agency about two weeks later: refused with a reason, or accepted and then a place
    in a phase (before release in a phase inside, after release in the first phase outside), and
    for a closed case completed or left early with a reason. The latest applications wait for
    their answer, some accepted ones for a place.
    """
    generator = chunk.generator
    applications: list[Application] = []
    enrolments: list[Enrolment] = []
    steps: list[PhaseStep] = []
    for plan in chunk.plans:
        if plan.intake > generator.today:
            continue
        for programme in generator.programmes:
            share = generator.enrol_share.get(programme.pk, 0.0)
            if not share or not generator.catchment_of(plan, programme):
                continue
            rng = chunk.rng(f"programme:{programme.slug}", plan)
            if rng.random() >= share:
                continue
            applied_on = plan.intake + datetime.timedelta(days=rng.randrange(7, 60))
            if applied_on > generator.today:
                continue
            case = chunk.cases[plan.index]
            adviser = generator.advisers[programme.pk]
            decided_on = applied_on + datetime.timedelta(days=14)
            applied_at = moment(applied_on, rng, generator.now)
            application = build(
                Application,
                case_id=case.pk,
                kind=ApplicationKind.PROGRAMME,
                by_person=rng.random() < 0.6,
                applied_on=applied_on,
                recorded_by_id=case._lead.pk,
                decides_id=programme.agency_id,
                expected_answer=decided_on,
                next_step="Programmet inviterer deg til en samtale.",
                created_at=applied_at,
                version=1,
            )
            enrolment = build(
                Enrolment,
                programme_id=programme.pk,
                case_id=case.pk,
                state=EnrolmentState.APPLIED,
                created_at=applied_at,
                version=1,
            )
            enrolment._application = application
            decided = decided_on <= generator.today
            if decided and rng.random() < cal.PROGRAMME_REFUSED:
                application.outcome, application.decided_on = Outcome.REFUSED, decided_on
                application.reason = "Du ønsket ikke å ta del i programmet nå."
                enrolment.state, enrolment.interview_on = EnrolmentState.REFUSED, decided_on
            elif decided:
                application.outcome, application.decided_on = Outcome.GRANTED, decided_on
                enrolment.interview_on = enrolment.accepted_on = decided_on
                enrolment.adviser_id = adviser.pk
                place_from = decided_on + datetime.timedelta(days=rng.randrange(0, 60))
                if place_from > generator.today:
                    enrolment.state = EnrolmentState.WAITING
                else:
                    after = plan.leaves_on <= generator.today
                    phases = [p for p in programme.phases.all() if p.after_release == after] or list(
                        programme.phases.all()
                    )
                    phase = phases[0] if after or len(phases) < 2 else phases[1]
                    enrolment.state, enrolment.place_from, enrolment.phase_id = (
                        EnrolmentState.PARTICIPANT,
                        place_from,
                        phase.pk,
                    )
                    enrolment._phase = phase
                    if plan.closes_on <= generator.today:
                        enrolment.closed_on = max(place_from, plan.closes_on)
                        if rng.random() < cal.PROGRAMME_LEFT_EARLY:
                            enrolment.state = EnrolmentState.LEFT_EARLY
                            enrolment.close_reason = "Avsluttet før tiden."
                        else:
                            enrolment.state = EnrolmentState.COMPLETED
            if enrolment.place_from is not None:
                chunk.participants.add(plan.index)
            applications.append(application)
            enrolments.append(enrolment)
            enrolment._case, enrolment._lead, enrolment._adviser = case, case._lead, adviser
    insert(applications)
    for enrolment in enrolments:
        application = enrolment._application
        enrolment.application_id = application.pk
        chunk.log(
            actor=enrolment._lead,
            action="application.record",
            obj=application,
            case=enrolment._case,
            at=application.created_at,
            new=snapshot(application, APPLICATION_FIELDS),
        )
    insert(enrolments)
    for enrolment in enrolments:
        chunk.log(
            actor=enrolment._lead,
            action="programme.apply",
            obj=enrolment,
            case=enrolment._case,
            at=enrolment.created_at,
            new=snapshot(enrolment, ENROLMENT_FIELDS),
        )
        if enrolment.state != EnrolmentState.APPLIED:
            decided_at = moment(
                enrolment._application.decided_on or enrolment.interview_on, random.Random(enrolment.pk)
            )
            chunk.log(
                actor=enrolment._adviser,
                action="programme.decide",
                obj=enrolment,
                case=enrolment._case,
                at=min(decided_at, generator.now),
                new=snapshot(enrolment, ENROLMENT_FIELDS),
            )
        if enrolment.place_from is not None:
            steps.append(
                build(
                    PhaseStep,
                    enrolment_id=enrolment.pk,
                    phase_id=enrolment.phase_id,
                    started_on=enrolment.place_from,
                    recorded_by_id=enrolment._adviser.pk,
                    recorded_at=min(moment(enrolment.place_from, random.Random(enrolment.pk)), generator.now),
                )
            )
    insert(steps)


def section_outcomes(chunk: Chunk) -> None:
    """Outcomes after release (issue 22): the situation three months after, new charges within a year.

    For every case released before the run's day: once its three months have passed, the lead's
    follow-up (``cal.WORK_OR_EDUCATION_3M``, programme participants as the Exit programme measured),
    written about the day it was due; charges within the year (``cal.NO_NEW_CHARGE_1Y``), each on a
    day of the year that has come. A new sentence is a returning person's next case (``draw_cases``).
    """
    generator = chunk.generator
    today = generator.today
    follow_ups: list[FollowUp] = []
    charges: list[NewCharge] = []
    for plan in chunk.plans:
        case = chunk.cases[plan.index]
        released = case.released_on
        if released is None or released >= today:
            continue
        rng = chunk.rng("outcomes", plan)
        group = "participant" if plan.index in chunk.participants else "other"
        due = engine.outcome_follow_up_due(released)
        if due < today:
            if rng.random() < cal.WORK_OR_EDUCATION_3M[group]:
                situation: str | None = Situation.WORK if rng.random() < cal.IN_WORK else Situation.EDUCATION
            elif rng.random() < cal.NEITHER_WRITTEN:
                situation = Situation.NEITHER
            else:
                situation = Situation.UNKNOWN if rng.random() < cal.NOT_KNOWN_WRITTEN else None
            if situation is not None:
                assessed_on = min(today, due + datetime.timedelta(days=rng.randrange(-14, 22)))
                follow_up = build(
                    FollowUp,
                    case_id=case.pk,
                    situation=situation,
                    assessed_on=assessed_on,
                    recorded_by_id=case._lead.pk,
                    recorded_at=min(moment(assessed_on, rng, generator.now), generator.now),
                    version=1,
                )
                follow_up._case, follow_up._lead = case, case._lead
                follow_ups.append(follow_up)
        if rng.random() >= cal.NO_NEW_CHARGE_1Y[group]:
            year_ends = engine.outcome_window_ends(released, engine.CHARGE_MONTHS)
            span = (year_ends - released).days
            times = 2 if rng.random() < cal.CHARGED_TWICE else 1
            days = sorted({released + datetime.timedelta(days=rng.randrange(1, span + 1)) for _ in range(times)})
            for day in days:
                if day > today:
                    continue
                charge = build(
                    NewCharge,
                    case_id=case.pk,
                    charged_on=day,
                    recorded_by_id=case._lead.pk,
                    recorded_at=min(moment(day, rng, generator.now), generator.now),
                    version=1,
                )
                charge._case, charge._lead = case, case._lead
                charges.append(charge)
    insert(follow_ups)
    insert(charges)
    for follow_up in follow_ups:
        chunk.log(
            actor=follow_up._lead,
            action="outcome.follow_up",
            obj=follow_up,
            case=follow_up._case,
            at=follow_up.recorded_at,
            new=snapshot(follow_up, FOLLOW_UP_FIELDS),
        )
    for charge in charges:
        chunk.log(
            actor=charge._lead,
            action="outcome.charge",
            obj=charge,
            case=charge._case,
            at=charge.recorded_at,
            new=snapshot(charge, CHARGE_FIELDS),
        )


#: The release checklist's items the generator writes: the three the indicator ``release_ready`` reads.
RELEASE_ITEMS = (ReadinessKey.HOUSING, ReadinessKey.INCOME, ReadinessKey.MUNICIPAL_CONTACT)
#: The owner's role of each item (``release.services.DEFAULT_OWNER``; in Denmark the jobcentre is the
#: municipality's, so income falls to its member there).
RELEASE_ITEM_OWNER = {
    ReadinessKey.HOUSING: Role.MUNICIPALITY,
    ReadinessKey.INCOME: Role.NAV,
    ReadinessKey.MUNICIPAL_CONTACT: Role.MUNICIPALITY,
}
#: The members who come in at a release and can take hold before it.
INCOMING_ROLES = frozenset({Role.NAV, Role.MUNICIPALITY, Role.PROBATION})
TRANSITION_SCALAR_FIELDS = [name for name in TRANSITION_FIELDS if name != "incoming"]


def _nav_told_on(rng: random.Random, plan: CasePlan, released: datetime.date, sudden: bool, today: datetime.date):
    """The day NAV was first told of the release (``cal.NAV_NOTICE``), or None if never."""
    shares = cal.NAV_NOTICE_SUDDEN if sudden else cal.NAV_NOTICE
    when = rng.choices(list(shares), list(shares.values()))[0]
    if when == "never":
        return None
    if when == "on_the_day_or_after":
        return min(today, released + datetime.timedelta(days=rng.randrange(0, 4)))
    low, high = cal.NAV_NOTICE_DAYS[when]
    return max(plan.intake, released - datetime.timedelta(days=rng.randrange(low, high + 1)))


def section_releases(chunk: Chunk) -> None:
    """The release of every case that has left prison, as the handover and release services record it (issue 22).

    One completed transition of the release kind on the day the case was released, at short notice for
    a remand case; planned some weeks before otherwise. The incoming members (NAV, municipality,
    probation) had taken hold before it, unless the release left a gap (``cal.HANDOVER_GAP``; always a
    gap when the group has none of them). The checklist's housing, income and municipal contact, each
    not needed, done before the day, done after it or still missing (``cal.READINESS``). In Norway, the
    day NAV was first told of the release date (``cal.NAV_NOTICE``), if ever. Its own random stream per
    case: no other row of the population changes.
    """
    generator = chunk.generator
    today = generator.today
    org = generator.org
    transitions: list[Transition] = []
    for plan in chunk.plans:
        case = chunk.cases[plan.index]
        released = case.released_on
        if released is None or released > today:
            continue
        rng = chunk.rng("releases", plan)
        sudden = plan.legal_status == LegalStatus.REMAND
        lead = case._lead
        members = chunk.members[plan.index]
        planned_on = released if sudden else max(plan.intake, released - datetime.timedelta(days=rng.randrange(28, 85)))
        created_at = moment(planned_on, rng, generator.now)
        incoming = [
            member
            for member in members[1:]
            if member.role in INCOMING_ROLES and member.start_date <= released and member.accepted_at is not None
        ]
        gap = rng.random() < cal.HANDOVER_GAP["sudden" if sudden else "planned"] or not incoming
        transition = build(
            Transition,
            case_id=case.pk,
            kind=TransitionKind.RELEASE,
            state=TransitionState.COMPLETED,
            planned_date=released,
            completed_on=released,
            from_agency_id=case.institution_id,
            to_agency_id=org.of(plan.country, AgencyKind.MUNICIPALITY)[plan.home].pk,
            sudden=sudden,
            handover_gap=gap,
            created_by_id=lead.pk,
            created_at=created_at,
            version=2,
        )
        transition._case, transition._lead, transition._incoming = case, lead, [] if gap else incoming
        transition._completed_at = max(created_at, moment(released, rng, generator.now))
        by_role: dict[str, Membership] = {}
        for member in members[1:]:
            by_role.setdefault(member.role, member)
        items = []
        for key in RELEASE_ITEMS:
            not_needed, before, after = cal.READINESS[key]
            if sudden:
                before, after = before * (1 - cal.READINESS_SUDDEN_LATE), after + before * cal.READINESS_SUDDEN_LATE
            owner = by_role.get(RELEASE_ITEM_OWNER[key]) or (
                by_role.get(Role.MUNICIPALITY) if plan.country == Country.DENMARK else None
            )
            draw = rng.random()
            state, done_on, changed_on = ReadinessState.MISSING, None, None
            if draw < not_needed:
                state, changed_on = ReadinessState.NOT_NEEDED, min(released, planned_on + datetime.timedelta(days=7))
            elif draw < not_needed + before:
                state = ReadinessState.DONE
                done_on = changed_on = max(planned_on, released - datetime.timedelta(days=rng.randrange(0, 42)))
            elif draw < not_needed + before + after:
                day = released + datetime.timedelta(days=rng.randrange(1, 29))
                if day <= today:
                    state, done_on, changed_on = ReadinessState.DONE, day, day
            item = build(
                ReadinessItem,
                key=key,
                owner_id=owner.pk if owner is not None else None,
                state=state,
                note="Ikke nødvendig: personen har dette selv." if state == ReadinessState.NOT_NEEDED else "",
                done_on=done_on,
                updated_by_id=lead.pk,
                updated_at=created_at,
                version=1,
            )
            item._created = snapshot(item, ITEM_FIELDS) | {"state": ReadinessState.MISSING, "done_on": None, "note": ""}
            item._actor = lead
            if changed_on is not None:
                if state == ReadinessState.DONE and owner is None:
                    item.owner_id = members[0].pk  # the lead answers for what has no owner
                actor = owner.user if owner is not None else lead
                item.updated_by_id, item._actor = actor.pk, actor
                item.updated_at = max(created_at, moment(changed_on, rng, generator.now))
                item.version = 2
            items.append(item)
        transition._items = items
        transition._told_on = (
            _nav_told_on(rng, plan, released, sudden, today) if plan.country == Country.NORWAY else None
        )
        transitions.append(transition)
    insert(transitions)
    through = Transition.incoming.through
    insert(
        [
            through(transition_id=transition.pk, membership_id=member.pk)
            for transition in transitions
            for member in transition._incoming
        ]
    )
    items = []
    for transition in transitions:
        for item in transition._items:
            item.transition_id = transition.pk
            item._created["transition"] = transition.pk
            items.append(item)
    insert(items)
    notices = []
    for transition in transitions:
        if transition._told_on is None:
            continue
        plan_release = transition._case.expected_release or transition.completed_on
        notice = build(
            ReleaseNotice,
            case_id=transition.case_id,
            recipient=NoticeRecipient.NAV,
            release_date=plan_release,
            told_on=transition._told_on,
            recorded_by_id=transition._lead.pk,
            recorded_at=min(moment(transition._told_on, random.Random(transition.pk)), generator.now),
        )
        notice._transition = transition
        notices.append(notice)
    insert(notices)
    for transition in transitions:
        case, lead = transition._case, transition._lead
        completed = snapshot(transition, TRANSITION_SCALAR_FIELDS)
        planned = completed | {
            "state": TransitionState.PLANNED,
            "completed_on": None,
            "handover_gap": False,
            "incoming": [],
        }
        completed["incoming"] = sorted(member.pk for member in transition._incoming)
        chunk.log(
            actor=lead, action="transition.plan", obj=transition, case=case, at=transition.created_at, new=planned
        )
        for item in transition._items:
            chunk.log(
                actor=lead, action="readiness.create", obj=item, case=case, at=transition.created_at, new=item._created
            )
            if item.version == 2:
                chunk.log(
                    actor=item._actor,
                    action="readiness.update",
                    obj=item,
                    case=case,
                    at=item.updated_at,
                    old=item._created,
                    new=snapshot(item, ITEM_FIELDS),
                )
        chunk.log(
            actor=lead,
            action="transition.complete",
            obj=transition,
            case=case,
            at=transition._completed_at,
            old=planned | {"incoming": completed["incoming"]},
            new=completed,
        )
    for notice in notices:
        chunk.log(
            actor=notice._transition._lead,
            action="timetable.release_notice_recorded",
            obj=notice,
            case=notice._transition._case,
            at=notice.recorded_at,
            new=snapshot(notice, ["recipient", "release_date", "told_on"]),
        )


#: The sections every chunk runs, in order. Add measures, plans, deadlines and messages here.
SECTIONS: list[Section] = [
    section_persons_and_cases,
    section_memberships,
    section_needs,
    section_consent,
    section_meetings,
    section_measures,
    section_obstacles,
    section_programmes,
    section_outcomes,
    section_releases,
    section_reads,
]

#: The models whose rows the generator writes, for the summary and the determinism test.
COUNTED: list[type[models.Model]] = [
    Agency,
    User,
    Person,
    Case,
    Membership,
    NeedsConversation,
    Need,
    Resource,
    Consent,
    Consent.scope.through,
    Meeting,
    Obstacle,
    Application,
    Enrolment,
    FollowUp,
    NewCharge,
    Transition,
    Transition.incoming.through,
    ReadinessItem,
    ReleaseNotice,
    JournalEntry,
    AccessEvent,
]


def counted_models() -> list[type[models.Model]]:
    """The counted models, with those of the apps that are installed (plans)."""
    extra = []
    if apps.is_installed("plans"):
        from plans.models import Measure, PlanVersion

        extra = [Measure, Measure.needs.through, PlanVersion]
    return COUNTED + extra


def counts() -> dict[str, int]:
    """Return the number of rows per counted model."""
    return {model._meta.label: model.objects.count() for model in counted_models()}
