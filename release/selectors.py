"""Reads of release readiness, scoped by the viewer through the access module.

An item is **missing** while its state is missing, except the "told" item, which is
done once both NAV and the home municipality have been told of the release date
(``timetable.ReleaseNotice``). The rule is one database condition (``missing_q``), so
the pages, the caseload flag, the urgent list and the sudden release agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from access.policy import CaseAccess
from accounts.models import User
from cases.models import Membership, Stage
from handover.models import Transition, TransitionKind, TransitionState
from release.models import KEY_ORDER, ReadinessItem, ReadinessKey, ReadinessState
from timetable.models import NoticeRecipient, ReleaseNotice

#: How long after a release at short notice a case with missing items is flagged in the lists.
SUDDEN_FLAG_DAYS = 30


def _notice_exists(recipient: str, prefix: str = "") -> Exists:
    """Whether the recipient was told of this item's release date (planned, or the actual day)."""
    return Exists(
        ReleaseNotice.objects.filter(case_id=OuterRef(f"{prefix}transition__case_id"), recipient=recipient).filter(
            Q(release_date=OuterRef(f"{prefix}transition__planned_date"))
            | Q(release_date=OuterRef(f"{prefix}transition__completed_on"))
        )
    )


def told_q(prefix: str = "") -> Q:
    """The condition, on readiness items, that the item is the "told" item and both were told."""
    return (
        Q(**{f"{prefix}key": ReadinessKey.TOLD})
        & _notice_exists(NoticeRecipient.NAV, prefix)
        & _notice_exists(NoticeRecipient.MUNICIPALITY, prefix)
    )


def missing_q(prefix: str = "") -> Q:
    """The condition, on readiness items (or a relation to them, by ``prefix``), that the item is missing."""
    return Q(**{f"{prefix}state": ReadinessState.MISSING}) & ~told_q(prefix)


def release_transitions(case_id: int) -> QuerySet[Transition]:
    """The case's releases that were not cancelled, latest first."""
    return (
        Transition.objects.filter(case_id=case_id, kind__in=TransitionKind.releases())
        .exclude(state=TransitionState.CANCELLED)
        .order_by("-created_at", "-id")
    )


def is_current_member(membership: Membership | None, today: datetime.date | None = None) -> bool:
    """The same test as ``cases.models.membership_is_current``, on a loaded row."""
    if membership is None:
        return False
    return membership.counts_on(today or timezone.localdate())


def effective_state(item: ReadinessItem) -> str:
    """The state shown: the "told" item is done once both notices are recorded."""
    return ReadinessState.DONE if getattr(item, "told", False) else item.state


@dataclass
class Readiness:
    """A case's release checklist as one viewer sees it."""

    transition: Transition | None
    items: list[ReadinessItem]
    full: bool
    notices: list[ReleaseNotice] = field(default_factory=list)

    @property
    def counted(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.shown_state != ReadinessState.NOT_NEEDED]

    @property
    def done(self) -> int:
        return sum(1 for item in self.counted if item.shown_state == ReadinessState.DONE)

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def missing(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.is_missing]

    @property
    def urgent(self) -> list[ReadinessItem]:
        return [item for item in self.missing if item.urgent_since is not None]

    @property
    def told_dates(self) -> dict[str, datetime.date]:
        """The latest day NAV and the municipality were told of this release's date."""
        if self.transition is None:
            return {}
        dates = {self.transition.planned_date, self.transition.completed_on}
        told: dict[str, datetime.date] = {}
        for notice in self.notices:
            if notice.release_date in dates and notice.told_on > told.get(notice.recipient, datetime.date.min):
                told[notice.recipient] = notice.told_on
        return told


def _items(transition_id: int) -> QuerySet[ReadinessItem]:
    return (
        ReadinessItem.objects.filter(transition=transition_id)
        .select_related("transition", "owner__user", "owner__agency")
        .annotate(told=ExpressionWrapper(told_q(), output_field=BooleanField()))
    )


def _decorate(items: list[ReadinessItem]) -> list[ReadinessItem]:
    today = timezone.localdate()
    for item in items:
        item.shown_state = effective_state(item)
        item.owner_current = is_current_member(item.owner, today)
        item.is_missing = item.shown_state == ReadinessState.MISSING
    return sorted(items, key=lambda item: KEY_ORDER.get(item.key, len(KEY_ORDER)))


def readiness_for(access: CaseAccess, *, with_notices: bool = True) -> Readiness:
    """Return the latest release's checklist: all of it, or the viewer's own items.

    Most cases have no release planned yet: a plain query finds the latest release first, and
    the checklist's query (its joins and the notices' subqueries take several times as long to
    build) runs only when there is one. One query without a release, two or three with one.
    """
    latest = release_transitions(access.case.pk).values_list("pk", flat=True).first()
    if latest is None:
        return Readiness(transition=None, items=[], full=access.sees_readiness)
    rows = _items(latest)
    full = access.sees_readiness
    if not full:
        rows = rows.filter(owner__user=access.viewer)
    items = _decorate(list(rows))
    transition = items[0].transition if items else None
    notices = []
    if with_notices and full and any(item.key == ReadinessKey.TOLD for item in items):
        notices = list(ReleaseNotice.objects.filter(case=access.case).order_by("told_on", "id"))
    return Readiness(transition=transition, items=items, full=full, notices=notices)


def readiness_summary(access: CaseAccess) -> Readiness | None:
    """The checklist for the case overview, for those who see all of it; one query."""
    if not access.sees_readiness:
        return None
    readiness = readiness_for(access, with_notices=False)
    return readiness if readiness.items else None


def item_for(access: CaseAccess, item_id: int) -> ReadinessItem | None:
    """One item of the case that the viewer may see, or None (a 404 either way)."""
    items = ReadinessItem.objects.filter(pk=item_id, transition__case=access.case)
    if not access.sees_readiness:
        items = items.filter(owner__user=access.viewer)
    return items.select_related("transition", "owner__user").first()


def owner_current_q(today: datetime.date, prefix: str = "owner__") -> Q:
    """The condition, on readiness items, that the owner is a current member (``membership_is_current``)."""
    return Q(
        **{f"{prefix}accepted_at__isnull": False, f"{prefix}start_date__lte": today, f"{prefix}ended_at__isnull": True}
    ) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today}))


def held_by_q(user: User, today: datetime.date) -> Q:
    """The condition, on readiness items, that the item is the user's to see to.

    Theirs as its current owner; and, as the case's lead, every item nobody holds: with no
    owner, or an owner who is no longer (or not yet) a current member (issue 17, point 3).
    An item without an owner belongs to the lead until someone takes it.
    """
    owned = Q(owner__user_id=user.pk) & owner_current_q(today)
    unowned = Q(transition__case__lead__user_id=user.pk) & (Q(owner__isnull=True) | ~owner_current_q(today))
    return owned | unowned


def urgent_for(user: User) -> list[ReadinessItem]:
    """The missing items that a release at short notice made urgent and that are the user's, oldest first.

    The user's own, and, where they lead the case, those nobody holds (``held_by_q``).
    Nearly always there are none. A plain query (quick to build) says so; the full one, with its
    joins and the notices' subqueries, costs several milliseconds of CPU to build and runs only
    when that one finds a candidate, which it must: its conditions are part of the full one's.
    """
    today = timezone.localdate()
    candidates = ReadinessItem.objects.filter(
        Q(owner__user_id=user.pk) | Q(transition__case__lead__user_id=user.pk),
        state=ReadinessState.MISSING,
        urgent_since__isnull=False,
    )
    if not candidates.exists():
        return []
    return _decorate(
        list(
            ReadinessItem.objects.filter(missing_q(), held_by_q(user, today), urgent_since__isnull=False)
            .exclude(transition__case__stage=Stage.CLOSED)
            .select_related("transition__case__person", "owner__user", "owner__agency")
            .order_by("urgent_since", "id")
        )
    )


def sudden_release_flag() -> Exists:
    """The condition, on a Case queryset, of a release at short notice in the last 30 days with missing items."""
    since = timezone.localdate() - datetime.timedelta(days=SUDDEN_FLAG_DAYS)
    return Exists(
        ReadinessItem.objects.filter(
            missing_q(),
            transition__case=OuterRef("pk"),
            transition__sudden=True,
            transition__state=TransitionState.COMPLETED,
            transition__completed_on__gte=since,
        )
    )
