"""Reads for the summons before the sentence; the views decide who may read (``access.summons``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import Case, Membership, membership_is_open
from summons.models import ExistingGroup, GroupStart, PreparationItem, Summons
from timetable import engine


def registered_before_start() -> Q:
    """The condition, on a Case queryset, of a case registered before its sentence starts (POP step 0)."""
    return Q(created_at__date__lt=F("intake_date"))


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
class BeforeStart:
    """A case registered before its sentence starts, as "what is due" shows it: the summons and the group."""

    case: Case
    start: datetime.date
    send_by: datetime.date
    sent_on: datetime.date | None
    group_by: datetime.date
    group_set_up: bool
    today: datetime.date

    @property
    def summons_late(self) -> bool:
        """Not sent by the day, or sent after it."""
        if self.sent_on is not None:
            return self.sent_on > self.send_by
        return self.send_by < self.today

    @property
    def group_late(self) -> bool:
        return not self.group_set_up and self.group_by < self.today

    @property
    def open(self) -> bool:
        """Still something to do: the summons unsent, or the group not set up."""
        return self.sent_on is None or not self.group_set_up


#: How long after the start a group not yet set up stays on "what is due".
GROUP_LATE_SHOWN_DAYS = 14


def before_start_due(cases: QuerySet[Case], today: datetime.date | None = None) -> list[BeforeStart]:
    """The given cases registered before their start, with a summons unsent or a group not set up (one query
    where there are none, two otherwise).

    Before the start; a group not set up stays for ``GROUP_LATE_SHOWN_DAYS`` after it.
    The dates are the timetable's (``timetable.engine``).
    """
    today = today or timezone.localdate()
    others = Membership.objects.filter(membership_is_open(today), case_id=OuterRef("pk")).exclude(
        pk=OuterRef("lead_id")
    )
    candidates = cases.filter(
        registered_before_start(),
        intake_date__gt=today - datetime.timedelta(days=GROUP_LATE_SHOWN_DAYS),
        closed_on__isnull=True,
    )
    # Most staff have none (every staff user opens "what is due"): asked first, the reading with its
    # summons and group is not built for nothing (2.3 ms of CPU for a contact officer at 50,000 cases;
    # one query more where there are some).
    if not candidates.exists():
        return []
    rows = (
        candidates.select_related("person")
        .annotate(sent_at=F("summons__sent_at"), has_group=Exists(others))
        .order_by("intake_date", "pk")
    )
    due = []
    for case in rows:
        item = BeforeStart(
            case=case,
            start=case.intake_date,
            send_by=engine.summons_send_by(case.intake_date),
            sent_on=timezone.localdate(case.sent_at) if case.sent_at else None,
            group_by=engine.group_set_up_by(case.intake_date),
            group_set_up=bool(case.has_group),
            today=today,
        )
        if item.open and (item.start > today or item.group_late):
            due.append(item)
    return due
