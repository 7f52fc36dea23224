"""Reads of the person's applications; ``access.applications`` decides who may read them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from access.policy import CaseAccess
from accounts.models import Agency
from applications.models import Application, ApplicationKind, Outcome
from cases.models import Case, Membership, membership_is_current
from timetable import engine
from timetable.appeals import AppealDeadline, appeal_deadline

#: The step on the road (``timetable.engine.road``) from which an application of a kind may be granted.
ROAD_STEP: dict[str, tuple[str, ...]] = {
    ApplicationKind.LEAVE: ("leave",),
    ApplicationKind.DAY_RELEASE: ("leave",),
    ApplicationKind.OUTSIDE_PRISON: ("institution",),
    ApplicationKind.ELECTRONIC_CONTROL: ("electronic_control", "electronic_tag"),
}


@dataclass(frozen=True)
class Earliest:
    """The earliest day the road gives for a kind of application: always an estimate."""

    kind: str
    label: str
    date: datetime.date
    citation: str


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    appeal: AppealDeadline | None
    earliest: Earliest | None
    #: Still waiting, and the expected answer has passed.
    late: bool


def case_road(case: Case) -> engine.Road | None:
    """The case's road from its sentence alone (no query): the dates the timetable shows."""
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


def earliest_dates(case: Case) -> dict[str, Earliest]:
    """For each kind of application the road knows, the earliest day it may be granted."""
    road = case_road(case)
    if road is None:
        return {}
    found: dict[str, Earliest] = {}
    for kind, keys in ROAD_STEP.items():
        for key in keys:
            milestone = road.milestone(key)
            if milestone is not None and milestone.date is not None:
                label = str(ApplicationKind(kind).label)
                found[str(kind)] = Earliest(str(kind), label, milestone.date, milestone.citation)
                break
    return found


def applications_queryset(access: CaseAccess) -> QuerySet[Application]:
    return Application.objects.filter(case_id=access.case.pk).select_related("decides", "recorded_by")


def is_late(application: Application, today: datetime.date) -> bool:
    return application.pending and application.expected_answer is not None and application.expected_answer < today


def row_for(
    application: Application, case: Case, earliest: dict[str, Earliest], today: datetime.date
) -> ApplicationRow:
    appeal = appeal_deadline(
        kind=application.kind,
        outcome=application.outcome,
        decided_on=application.decided_on,
        reached_on=application.reached_on,
        country=case.country,
    )
    return ApplicationRow(application, appeal, earliest.get(application.kind), is_late(application, today))


def applications_for_case(access: CaseAccess) -> list[ApplicationRow]:
    """The case's applications, newest first, each with its appeal deadline and the road's earliest day."""
    today = timezone.localdate()
    earliest = earliest_dates(access.case)
    return [row_for(application, access.case, earliest, today) for application in applications_queryset(access)]


def application_for_case(access: CaseAccess, application_id: int) -> Application:
    """One application of the viewer's case; another case's, or a missing one, is the same 404."""
    application = applications_queryset(access).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def late_applications(access: CaseAccess) -> list[Application]:
    """The applications still waiting past their expected answer, oldest expected first (for the case's staff)."""
    today = timezone.localdate()
    return list(
        Application.objects.filter(case_id=access.case.pk, outcome=Outcome.PENDING, expected_answer__lt=today).order_by(
            "expected_answer", "pk"
        )
    )


def deciding_agencies(case: Case) -> QuerySet[Agency]:
    """The agencies an application may go to: the case's prison and the agencies of the group's current members."""
    members = Membership.objects.filter(membership_is_current(), case=case).values("agency_id")
    return Agency.objects.filter(Q(pk__in=members) | Q(pk=case.institution_id)).order_by("name")
