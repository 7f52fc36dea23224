"""Who sees and records the person's applications and decisions (issue 18, point 1).

- The person sees their own applications, always.
- The case's prison staff and the case's lead see and record them (an application, a decision).
- A member covered by an active consent sees them (they reveal the sentence's road: leave,
  day release, electronic control), but a volunteer never does: the case's facts are not
  among the items a person shares with volunteers.
- A look with a reason reads them (``access.policy.REASONED_ABILITIES``), never records.
- Everyone else, including a member without consent, a removed member and a withdrawn
  consent's members, does not: the same 403 as the case's other facts.

``access.policy.CaseAccess.can`` asks these rules; they read the viewer as ``Viewer``
(CaseAccess is one), so this module does not import the policy that imports it.
"""

from __future__ import annotations

from typing import Protocol


class Viewer(Protocol):
    """What the rules read of a viewer's access to a case (``access.policy.CaseAccess``)."""

    @property
    def is_person(self) -> bool: ...

    @property
    def runs_the_case(self) -> bool: ...

    @property
    def covered_by_consent(self) -> bool: ...

    @property
    def is_volunteer(self) -> bool: ...


def sees_applications(access: Viewer) -> bool:
    """The person, the case's staff and lead, and covered members who are not volunteers."""
    return access.is_person or access.runs_the_case or (access.covered_by_consent and not access.is_volunteer)


def records_applications(access: Viewer) -> bool:
    """The case's prison staff and lead record an application and its decision."""
    return access.runs_the_case
