"""Who sees, records and corrects what the person has achieved (issue 18, point 4; seed 002 §5.14).

- The person sees every achievement of theirs, from every case they have had: the
  certificates are theirs, kept when they move prison, are released or come back on a new
  sentence (``achievements.models``).
- The case's prison staff and the case's lead see and record the achievements of the case,
  and correct or withdraw them: the contact officer and the prison's workshops and school
  report through them.
- The school (DOMAIN.md §2: education in and after prison; KompAS names the school as an
  actor) records a school subject or a course itself, but only as a member the person's
  consent covers (DOMAIN.md §5: without consent an external member sees nothing of the
  case); it corrects or withdraws only what it recorded itself.
- Other members the consent covers see them (a certificate helps NAV find work), except a
  volunteer: the case's facts are not among what a person shares with volunteers.
- Staff see only the achievements recorded under the case they work on: a new prison does
  not read the earlier prison's records (issue 16, hole 1).
- A look with a reason does not open them; nobody else sees them: the same 403 or 404 as
  the case's other facts.

``access.policy.CaseAccess.can`` asks these rules; they read the viewer as ``Viewer``
(CaseAccess is one), so this module does not import the policy that imports it.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q

from access import applications
from access.models import ReasonedAccess
from accounts.models import Role, User
from achievements.models import Achievement
from cases.models import Case, Membership


class Viewer(applications.Viewer, Protocol):
    """What the rules read of a viewer's access to a case (``access.policy.CaseAccess``)."""

    @property
    def case(self) -> Case: ...

    @property
    def viewer(self) -> User: ...

    @property
    def membership(self) -> Membership | None: ...

    @property
    def reasoned(self) -> ReasonedAccess | None: ...


def is_covered_school(access: Viewer) -> bool:
    """A school contact in the group whom the person's active consent covers."""
    membership = access.membership
    return membership is not None and membership.role == Role.SCHOOL and access.covered_by_consent


def sees_achievements(access: Viewer) -> bool:
    """The person, the case's staff and lead, and covered members who are not volunteers."""
    if access.reasoned is not None:
        return False
    return access.is_person or access.runs_the_case or (access.covered_by_consent and not access.is_volunteer)


def records_achievements(access: Viewer) -> bool:
    """The case's prison staff and lead, and a school contact the consent covers; never the person."""
    if access.reasoned is not None or access.is_person:
        return False
    return access.runs_the_case or is_covered_school(access)


def can_correct(access: Viewer, achievement: Achievement) -> bool:
    """Correct or withdraw: the case's staff and lead any of the case's; the school what it recorded itself."""
    if not records_achievements(access) or achievement.case_id != access.case.pk:
        return False
    return access.runs_the_case or achievement.recorded_by_id == access.viewer.pk


def correctable_filter(access: Viewer) -> Q:
    """The condition on achievements that keeps those that may be corrected under this case: its own, not withdrawn."""
    return Q(case_id=access.case.pk, withdrawn_at__isnull=True)


def achievement_filter(access: Viewer) -> Q:
    """The condition on achievements that keeps those this viewer reads, withdrawn ones left out.

    The person reads all of theirs, from every case; staff and covered members read the case's own.
    """
    if not sees_achievements(access):
        return Q(pk__in=[])
    if access.is_person:
        return Q(person_id=access.case.person_id, withdrawn_at__isnull=True)
    return Q(case_id=access.case.pk, withdrawn_at__isnull=True)
