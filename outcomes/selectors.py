"""Reads of a case's outcomes after release; ``access.outcomes`` decides who reads which."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404

from access.outcomes import charge_filter
from access.policy import CaseAccess
from outcomes.models import FollowUp, NewCharge
from timetable import engine


@dataclass(frozen=True)
class CaseOutcomes:
    """What the case's page shows: the release, the follow-up's days, what is recorded."""

    released_on: datetime.date | None
    follow_up_due: datetime.date | None
    follow_up_opens: datetime.date | None
    charges_until: datetime.date | None
    follow_up: FollowUp | None
    charges: list[NewCharge]

    @property
    def released(self) -> bool:
        return self.released_on is not None


def outcomes_for(access: CaseAccess, today: datetime.date) -> CaseOutcomes:
    case = access.case
    released = case.released_on if case.released_on is not None and case.released_on <= today else None
    return CaseOutcomes(
        released_on=released,
        follow_up_due=engine.outcome_follow_up_due(released) if released else None,
        follow_up_opens=engine.outcome_follow_up_opens(released) if released else None,
        charges_until=engine.outcome_window_ends(released, engine.CHARGE_MONTHS) if released else None,
        follow_up=FollowUp.objects.filter(case_id=case.pk).first(),
        charges=list(NewCharge.objects.filter(charge_filter(access, case.pk))),
    )


def charge_to_remove(access: CaseAccess, charge_id: int) -> NewCharge:
    """One charge of the viewer's own case that still counts; another case's, or a removed one, is 404."""
    charge = NewCharge.objects.filter(charge_filter(access, access.case.pk), pk=charge_id).first()
    if charge is None:
        raise Http404
    return charge
