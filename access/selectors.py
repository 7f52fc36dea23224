"""Reads of the looks with a reason: what the case's staff and its lead are shown (issue 17, point 10)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from access.models import ReasonedAccess, ReasonKind
from access.policy import CaseAccess
from accounts.models import User

#: How long an emergency access stays flagged to the case's staff and lead.
EMERGENCY_FLAG_DAYS = 14


def _recent_emergencies() -> QuerySet[ReasonedAccess]:
    since = timezone.now() - datetime.timedelta(days=EMERGENCY_FLAG_DAYS)
    return (
        ReasonedAccess.objects.filter(kind=ReasonKind.EMERGENCY, opened_at__gte=since)
        .select_related("user", "agency")
        .order_by("-opened_at", "-id")
    )


def emergencies_on(access: CaseAccess) -> list[ReasonedAccess]:
    """The case's emergency accesses of the last two weeks, for those who run the case; none for anyone else."""
    if not access.runs_the_case:
        return []
    return list(_recent_emergencies().filter(case_id=access.case.pk))


def emergencies_for_lead(user: User) -> list[ReasonedAccess]:
    """The emergency accesses of the last two weeks to the open cases the user leads ("what is due", paged there)."""
    recent = (
        _recent_emergencies()
        .filter(case__lead__user_id=user.pk, case__lead__ended_at__isnull=True)
        .exclude(case__stage="closed")
    )
    # Seldom any: asked first, the reading with who opened the case and why is not built for nothing
    # (about 1 ms of CPU on every "what is due"; one query more where there are some).
    if not recent.exists():
        return []
    return list(recent.select_related("case__person"))
