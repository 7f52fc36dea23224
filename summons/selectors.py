"""Reads for the summons before the sentence; the views decide who may read (``access.summons``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case
from summons.models import ExistingGroup, GroupStart, PreparationItem, Summons


def summons_for_case(case: Case) -> Summons | None:
    """The case's summons with its preparation list (two queries), or None."""
    summons = Summons.objects.filter(case_id=case.pk).first()
    if summons is not None:
        summons.case = case
    return summons


def items_of(summons: Summons | None) -> list[PreparationItem]:
    if summons is None:
        return []
    return list(PreparationItem.objects.filter(summons_id=summons.pk).order_by("id"))


def item_of_case(case: Case, item_id: int) -> PreparationItem | None:
    """An item of this case's list; None for an item of another case (the same answer as a missing one)."""
    return PreparationItem.objects.filter(pk=item_id, summons__case_id=case.pk).first()


def existing_groups_for(case: Case) -> QuerySet[ExistingGroup]:
    """The groups the person's home municipality already has around them."""
    return (
        ExistingGroup.objects.filter(person_id=case.person_id, municipality=case.home_municipality)
        .select_related("coordinator__agency")
        .prefetch_related("members__agency")
        .order_by("pk")
    )


def existing_group_of_case(case: Case, existing_id: int) -> ExistingGroup | None:
    return existing_groups_for(case).filter(pk=existing_id).first()


def group_starts_for(case: Case) -> QuerySet[GroupStart]:
    return GroupStart.objects.filter(case_id=case.pk).select_related("ip_coordinator__user").order_by("pk")


@dataclass(frozen=True)
class SummonsDue:
    """A case before the sentence whose summons is not sent in time (``timetable`` shows it on what is due)."""

    case: Case
    start: datetime.date
    send_by: datetime.date
    late: bool


def summonses_due(cases: QuerySet[Case], days_ahead: int, today: datetime.date | None = None) -> list[SummonsDue]:
    """The cases, of those given, before their start with no summons sent: by when it must go, and whether late."""
    today = today or timezone.localdate()
    waiting = (
        cases.filter(intake_date__gt=today, closed_on__isnull=True)
        .exclude(summons__sent_at__isnull=False)
        .select_related("person")
        .order_by("intake_date", "pk")
    )
    due = []
    for case in waiting:
        send_by = case.intake_date - datetime.timedelta(days=days_ahead)
        due.append(SummonsDue(case=case, start=case.intake_date, send_by=send_by, late=send_by < today))
    return due
