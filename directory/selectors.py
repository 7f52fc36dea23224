"""Reads of the directory: the search, one entry, the services of a plan, the referrals.

The search uses PostgreSQL's full-text search where PostgreSQL runs, each entry read with its
country's configuration ('norwegian' or 'danish', so "boliger" finds "bolig"), and a plain
search for every word in the entry's folded text on SQLite. The same filters, order and
reads on both, so the search page costs the same queries whatever it finds.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access.directory import referrals_to_answer, services_to_check_by
from access.policy import CaseAccess, cases_visible_to
from accounts.models import User
from core.kept import Kept
from directory.models import (
    VERIFY_EVERY,
    WEEKDAY_CODES,
    Location,
    Referral,
    ReferralStatus,
    Schedule,
    Service,
    ServiceArea,
    ServiceStatus,
    Setting,
    TaxonomyTerm,
)
from plans.models import Measure
from reference.models import LifeArea

#: The most results one search shows; a narrower search finds the rest.
RESULTS = 50


@dataclass(frozen=True)
class SearchFilters:
    words: str = ""
    life_area: str = ""  # a LifeArea slug
    municipality: str = ""
    setting: str = ""  # "inside" or "outside"; empty: both
    open_now: bool = False


def text_config() -> Case:
    """Each entry's full-text configuration, by its country."""
    return Case(When(country="DK", then=Value("danish")), default=Value("norwegian"))


def _matching_words(services: QuerySet[Service], words: str) -> QuerySet[Service]:
    words = " ".join(words.split())[:200]
    if not words:
        return services
    if connection.vendor == "postgresql":
        config = text_config()
        # An alias, not an annotation: the vector is only matched, never read back with the rows.
        return services.alias(found=SearchVector("search_text", config=config)).filter(
            found=SearchQuery(words, config=config, search_type="websearch")
        )
    for word in words.lower().split():
        services = services.filter(search_text__contains=word)
    return services


def open_at(moment: datetime.datetime) -> Q:
    """The condition on services that their weekly schedule has them open at this moment (local time)."""
    local = timezone.localtime(moment)
    day = local.date()
    schedules = Schedule.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        service_id=OuterRef("pk"),
        byday__contains=WEEKDAY_CODES[day.weekday()],
        opens_at__lte=local.time(),
        closes_at__gt=local.time(),
    )
    return Q(Exists(schedules))


def search(filters: SearchFilters, *, home: str = "") -> list[Service]:
    """The active services that match, those serving ``home`` (the person's municipality) first.

    Only what a result shows is read: the name, description and setting, the organisation's name
    and ``serves_home``; their municipalities and life areas come from ``areas_of`` and ``terms_of``.
    """
    services = Service.objects.filter(status=ServiceStatus.ACTIVE)
    services = _matching_words(services, filters.words)
    if filters.life_area:
        # A subquery, not a join: each service is found once, so the rows need no DISTINCT.
        terms = Service.taxonomy_terms.through.objects.filter(
            service_id=OuterRef("pk"), taxonomyterm__life_area__slug=filters.life_area
        )
        services = services.filter(Exists(terms))
    if filters.municipality:
        services = services.filter(
            Exists(ServiceArea.objects.filter(service_id=OuterRef("pk"), name=filters.municipality))
        )
    if filters.setting in {Setting.INSIDE, Setting.OUTSIDE}:
        services = services.filter(setting__in=[filters.setting, Setting.BOTH])
    if filters.open_now:
        services = services.filter(open_at(timezone.now()))
    serves_home = Exists(ServiceArea.objects.filter(service_id=OuterRef("pk"), name=home)) if home else Value(False)
    return list(
        services.annotate(serves_home=serves_home)
        .select_related("organization")
        .only("name", "description", "setting", "organization__name")
        .order_by("-serves_home", "name", "pk")[:RESULTS]
    )


# The results' municipalities and life areas are read as values into dicts, not prefetched into the
# services: a prefetch builds a model, a related manager and a queryset for each. Reading every
# column with the two prefetches cost the search 7.3 ms CPU at 50 results (10,000 services); now 2.7.


def areas_of(services: list[Service]) -> dict[uuid.UUID, list[str]]:
    """The municipalities each service serves, in name order, by service id; no query for no service."""
    if not services:
        return {}
    areas: dict[uuid.UUID, list[str]] = {}
    for service_id, name in (
        ServiceArea.objects.filter(service_id__in=[service.pk for service in services])
        .order_by("name")
        .values_list("service_id", "name")
    ):
        areas.setdefault(service_id, []).append(name)
    return areas


def terms_of(services: list[Service]) -> dict[uuid.UUID, list[TaxonomyTerm]]:
    """The life areas (taxonomy terms) of each service, in code order, by service id; no query for no service."""
    if not services:
        return {}
    links = list(
        Service.taxonomy_terms.through.objects.filter(service_id__in=[service.pk for service in services]).values_list(
            "service_id", "taxonomyterm_id"
        )
    )
    known = taxonomy().terms
    if any(term_id not in known for _, term_id in links):
        known = taxonomy(fresh=True).terms
    terms: dict[uuid.UUID, list[TaxonomyTerm]] = {}
    for service_id, term_id in links:
        terms.setdefault(service_id, []).append(known[term_id])
    for listed in terms.values():
        listed.sort(key=lambda term: term.code)
    return terms


@dataclass(frozen=True)
class Taxonomy:
    """The life areas the search offers (active, in order) and every term with its life area or tangle."""

    life_areas: list[LifeArea]
    terms: dict[uuid.UUID, TaxonomyTerm]


def read_taxonomy() -> Taxonomy:
    """The taxonomy as the search shows it (2 queries)."""
    return Taxonomy(
        life_areas=list(LifeArea.objects.filter(active=True)),
        terms={term.pk: term for term in TaxonomyTerm.objects.select_related("life_area", "tangle")},
    )


#: The taxonomy as this worker keeps it (``core.kept``). The terms change only by migration, the
#: life areas' and tangles' names and use in the admin: the worker that saves forgets at once
#: (``directory.apps``), every other worker within a minute.
KEPT_TAXONOMY = Kept(read_taxonomy)


def taxonomy(*, fresh: bool = False) -> Taxonomy:
    """The directory's taxonomy, read at most once a minute per worker (reference data, 2 queries).

    Each search page read the life areas for its form (0.4 ms CPU) and the terms of its results.
    """
    return KEPT_TAXONOMY(fresh=fresh)


def forget_taxonomy() -> None:
    """Read the taxonomy again when next asked (the tests' rows are rolled back without a signal)."""
    KEPT_TAXONOMY.forget()


def municipalities() -> list[str]:
    """Every municipality some entry serves, for the search's list."""
    return list(ServiceArea.objects.order_by("name").values_list("name", flat=True).distinct())


def service_detail(service_id: uuid.UUID) -> Service:
    """One entry with everything its page shows, or 404."""
    return get_object_or_404(
        Service.objects.select_related("organization", "owner", "agency").prefetch_related(
            Prefetch("service_areas", queryset=ServiceArea.objects.order_by("name")),
            Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("life_area")),
            "contacts",
            "phones",
            "schedules",
            Prefetch("service_at_locations__location", queryset=Location.objects.all()),
        ),
        pk=service_id,
    )


def active_service(service_id: str) -> Service | None:
    """An active entry by its id, for linking; None for a missing, inactive or malformed one."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        return None
    return Service.objects.filter(pk=key, status=ServiceStatus.ACTIVE).first()


@dataclass(frozen=True)
class PlanService:
    """What the plan shows of a measure's service: who, where, how to get there, how to reach them."""

    service: Service
    locations: list[Location]
    phones: list[str]
    hours: list[str]


def services_for_measures(measures: Iterable[Measure]) -> dict[int, PlanService]:
    """The linked service of each measure, by measure id; no query when no measure names one."""
    by_measure = {measure.pk: measure.service_id for measure in measures if measure.service_id is not None}
    if not by_measure:
        return {}
    services = {
        service.pk: service
        for service in Service.objects.filter(pk__in=set(by_measure.values()))
        .select_related("organization")
        .prefetch_related("phones", "schedules", "service_at_locations__location")
    }
    shown = {}
    for measure_id, service_id in by_measure.items():
        service = services[service_id]
        shown[measure_id] = PlanService(
            service=service,
            locations=[link.location for link in service.service_at_locations.all()],
            phones=[
                f"{phone.number} ({phone.description})" if phone.description else phone.number
                for phone in service.phones.all()
            ],
            hours=[schedule.description for schedule in service.schedules.all() if schedule.description],
        )
    return shown


def referrals_for_measures(access: CaseAccess, measures: Iterable[Measure]) -> dict[int, list[Referral]]:
    """The referrals of the measures this viewer sees (the measures given), newest first, by measure id."""
    ids = [measure.pk for measure in measures if measure.service_id is not None]
    if not ids:
        return {}
    found: dict[int, list[Referral]] = {}
    for referral in (
        Referral.objects.filter(case=access.case, measure_id__in=ids)
        .select_related("service", "answered_by", "sent_by")
        .order_by("-sent_at", "-id")
    ):
        found.setdefault(referral.measure_id, []).append(referral)
    return found


def incoming_referrals(user: User) -> QuerySet[Referral]:
    """The referrals to the user's agency, those waiting first; the sender's words and the measure only (paged)."""
    return (
        referrals_to_answer(user)
        .select_related("service", "measure", "case__person", "case__institution", "sent_by")
        .order_by(Case(When(status=ReferralStatus.SENT, then=Value(0)), default=Value(1)), "-sent_at", "-id")
    )


def waiting_referrals_sent_by(user: User) -> list[Referral]:
    """The referrals the user sent that are still waiting for an answer ("what is due", paged there)."""
    # Most staff have none waiting: asked first without the cases they may see, the reading is not built
    # for nothing (1.6 ms of CPU on every "what is due"; one query more where there are some).
    if not Referral.objects.filter(sent_by_id=user.pk, status=ReferralStatus.SENT).exists():
        return []
    return list(
        Referral.objects.filter(sent_by_id=user.pk, status=ReferralStatus.SENT, case__in=cases_visible_to(user))
        .exclude(case__stage="closed")
        .select_related("service", "measure", "case__person")
        .order_by("sent_at", "id")
    )


def referrals_waiting_for(user: User) -> list[Referral]:
    """The referrals to the user's agency still waiting for an answer ("what is due", paged there), oldest first."""
    waiting = referrals_to_answer(user).filter(status=ReferralStatus.SENT)
    # Asked first, as above: 0.8 ms of CPU on every "what is due" where none wait; one query more where some do.
    if not waiting.exists():
        return []
    return list(waiting.select_related("service", "measure", "case__person").order_by("sent_at", "id"))


def unchecked_for_keeper(user: User, today: datetime.date) -> QuerySet[Service]:
    """The active entries the user checks (``access.directory.services_to_check_by``) that are flagged.

    Never checked, or not for twelve months (``Service.needs_verifying``); the oldest first.
    """
    stale = Q(last_verified__isnull=True) | Q(last_verified__lt=today - VERIFY_EVERY)
    return (
        services_to_check_by(user)
        .filter(stale, status=ServiceStatus.ACTIVE)
        .select_related("organization")
        .order_by(F("last_verified").asc(nulls_first=True), "name", "id")
    )
