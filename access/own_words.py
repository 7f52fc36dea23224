"""Who writes and who reads the person's own words (issue 18, point 3; ``ownwords``).

- Only the person writes them, on their own case: staff get 403 on the person's forms,
  a look with a reason writes nothing (``access.policy.REASONED_ABILITIES``).
- Who reads words follows who reads the thing they are about:
  - words on a need: exactly those who see that need (``CaseAccess.needs_filter``), so a
    private need's words stay with the person and the contact officer, a member without
    consent sees none, and a volunteer only those on needs the person shares with them;
  - words on a proposal: those who see the measure (``CaseAccess.measures_filter``);
  - wishes and meeting requests: those who see the case's facts (``sees_case_facts``):
    the person, the case's prison staff and the members an active consent covers, never a
    volunteer (not among the items a person shares with volunteers); a look with a reason
    reads them, as it reads the needs map.
- Those who book meetings (``Ability.BOOK_MEETING``: the case's prison staff and its lead)
  mark a meeting request answered; until then, or until a meeting is booked after it, the
  request is on the lead's "what is due" (``requests_for_lead``).

``access.policy.CaseAccess.can`` asks ``writes_own_words``; the reading condition takes the
viewer as ``Reader`` (CaseAccess is one), so this module does not import the policy.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from cases.models import Case, Stage
from meetings.models import Meeting
from needs.models import Need
from ownwords.models import OwnWords, WordsKind
from plans.models import Measure


class Reader(Protocol):
    """What the rules read of a viewer's access to a case (``access.policy.CaseAccess``)."""

    @property
    def case(self) -> Case: ...

    @property
    def is_person(self) -> bool: ...

    @property
    def sees_case_facts(self) -> bool: ...

    @property
    def needs_filter(self) -> Q: ...

    @property
    def measures_filter(self) -> Q: ...


def writes_own_words(access: Reader) -> bool:
    """The person, and only the person, writes their own words."""
    return access.is_person


def readable_condition(access: Reader) -> Q:
    """The condition on a case's own words that keeps those this viewer reads."""
    case_id = access.case.pk
    needs = Need.objects.filter(case_id=case_id).filter(access.needs_filter).values("pk")
    measures = Measure.objects.filter(case_id=case_id).filter(access.measures_filter).values("pk")
    condition = Q(kind=WordsKind.NEED, need_id__in=needs) | Q(kind=WordsKind.PROPOSAL, measure_id__in=measures)
    if access.sees_case_facts:
        condition |= Q(kind__in=[WordsKind.WISH, WordsKind.MEETING])
    return condition


def open_request_condition() -> Q:
    """A meeting request not marked answered, with no meeting booked on its case since it was written."""
    booked_since = Meeting.objects.filter(case_id=OuterRef("case_id"), booked_at__gte=OuterRef("written_at"))
    return Q(kind=WordsKind.MEETING, answered_at__isnull=True) & ~Q(Exists(booked_since))


def requests_for_lead(user: User) -> QuerySet[OwnWords]:
    """The open meeting requests on the open cases the user leads (their "what is due"), oldest first."""
    return (
        OwnWords.objects.filter(
            open_request_condition(), case__lead__user_id=user.pk, case__lead__ended_at__isnull=True
        )
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case__person")
        .order_by("written_at", "pk")
    )
