"""Who sees and records the outcomes after release of a case (issue 22, point 3).

- The case's lead records the three-month follow-up and the new charges: after the release the
  lead is the one accountable for the case (DOMAIN.md §2), the timetable gives them the deadline.
  The services refuse before the release and once the case is closed.
- The case's prison staff and its lead see what is recorded (they run the case); nobody else
  does: the outcomes are counted for the figures, never shared with the group's other members,
  a volunteer, or the person's next prison (issue 16, hole 1: a prison must not pull in a
  person's history). The person reads what is recorded about them in the journal's export, not here.
- A look with a reason does not open them.
- A new sentence is never shown on a case: it is seen only in the cohort figures.
- The cohort figures (aggregates, small counts hidden) are for those who see the figures
  (``access.insight.sees_figures``).

``access.policy.CaseAccess.can`` asks these rules; they read the viewer as ``Viewer``
(CaseAccess is one), so this module does not import the policy that imports it.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q

from access.models import ReasonedAccess


class Viewer(Protocol):
    """What the rules read of a viewer's access to a case (``access.policy.CaseAccess``)."""

    @property
    def reasoned(self) -> ReasonedAccess | None: ...

    @property
    def is_lead(self) -> bool: ...

    @property
    def runs_the_case(self) -> bool: ...


def sees_outcomes(access: Viewer) -> bool:
    """The case's prison staff and its lead; not a look with a reason."""
    return access.reasoned is None and access.runs_the_case


def records_outcomes(access: Viewer) -> bool:
    """The case's lead only."""
    return access.reasoned is None and access.is_lead


def charge_filter(access: Viewer, case_id: int) -> Q:
    """The charges this viewer reads on the case: its own that still count; none for anyone else."""
    if not sees_outcomes(access):
        return Q(pk__in=[])
    return Q(case_id=case_id, removed_at__isnull=True)
