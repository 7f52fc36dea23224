"""Reads of the notice outbox: what each agency was sent, and the days of notice it got.

The days of notice (DOMAIN §10, "days of notice NAV got before release") are measured
from the delivery records: the release date minus the day the first notice telling that
date arrived at the agency. A notice of another, earlier date does not count: the agency
was told of a day that did not hold.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from access.policy import Ability, CaseAccess
from cases.models import Case
from notices.models import Notice
from notices.services import current_release_date


@dataclass(frozen=True)
class AgencyNotice:
    """What one agency was told of one case's current release date."""

    case_id: int
    agency_id: int
    agency: str
    release_date: datetime.date | None
    first_delivered: datetime.datetime | None
    days: int | None  # release date minus the day it first arrived; None if it never arrived
    state: str  # of the latest notice to the agency: pending, delivered or failed
    attempts: int
    acknowledged: datetime.datetime | None


def _cases(scope: Case | Iterable[Case]) -> list[Case]:
    return [scope] if isinstance(scope, Case) else list(scope)


def days_of_notice(scope: Case | Iterable[Case]) -> list[AgencyNotice]:
    """Per case and agency sent a notice: the days of notice it got of the case's current release date.

    ``scope`` is one case or several (a unit, a period); two queries for any number.
    """
    cases = _cases(scope)
    dates = {case.pk: current_release_date(case) for case in cases}
    notices = (
        Notice.objects.filter(case_id__in=dates)
        .select_related("agency")
        .order_by("case_id", "agency__name", "agency_id", "created_at", "id")
    )
    grouped: dict[tuple[int, int], list[Notice]] = {}
    for notice in notices:
        grouped.setdefault((notice.case_id, notice.agency_id), []).append(notice)
    rows = []
    for (case_id, agency_id), sent in grouped.items():
        release_date = dates[case_id]
        arrived = [
            notice.delivered_at
            for notice in sent
            if notice.delivered_at is not None and notice.release_date == release_date
        ]
        first = min(arrived) if arrived else None
        days = (release_date - timezone.localdate(first)).days if first is not None and release_date else None
        latest = sent[-1]
        acknowledged = [notice.acknowledged_at for notice in sent if notice.acknowledged_at is not None]
        rows.append(
            AgencyNotice(
                case_id=case_id,
                agency_id=agency_id,
                agency=latest.agency.name,
                release_date=release_date,
                first_delivered=first,
                days=days,
                state=latest.state,
                attempts=latest.attempts,
                acknowledged=max(acknowledged) if acknowledged else None,
            )
        )
    return rows


def notices_for(access: CaseAccess) -> list[AgencyNotice]:
    """The case's notices per agency, for those who run the case (the release page's staff part); else none."""
    if not access.can(Ability.MANAGE_HANDOVER):
        return []
    return days_of_notice(access.case)


def cases_with_undelivered_notice(case_ids: Iterable[int]) -> set[int]:
    """Of these cases, those with a notice given up after the last attempt and none delivered to that agency since.

    The alert the prison's reentry coordinator sees on the unit overview, beside the release risks.
    """
    delivered_since = Notice.objects.filter(
        case_id=OuterRef("case_id"), agency_id=OuterRef("agency_id"), pk__gt=OuterRef("pk"), delivered_at__isnull=False
    )
    return set(
        Notice.objects.filter(case_id__in=list(case_ids), failed_at__isnull=False)
        .filter(~Exists(delivered_since))
        .values_list("case_id", flat=True)
    )
