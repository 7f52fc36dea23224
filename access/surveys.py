"""Who answers the satisfaction surveys, who types in paper forms, and who reads the figures (issue 22, point 5).

- The person answers their own questions, on their own case, and only they: staff get 403 on
  the person's form (``Ability.ANSWER_SURVEY``), a look with a reason answers nothing.
- Staff answer their own quarter's questions: the roles that work with persons in an agency
  (not volunteers, who are not staff; not the analyst or the administrator, who see no case).
- Prison staff of a prison (contact officer, social worker, reentry coordinator) print the
  blank paper form and type in a filled one: it counts in their own prison and names no one.
- The figures are aggregates only, for those who reach the analyst pages (``access.insight``),
  for a scope they may ask for; no one reads one answer: there is no page, export or id for it.
"""

from __future__ import annotations

from typing import Protocol

from accounts.models import PRISON_STAFF_ROLES, Role, User

#: The roles asked the staff survey each quarter.
STAFF_SURVEY_ROLES = frozenset(
    {
        Role.CONTACT_OFFICER,
        Role.SOCIAL_WORKER,
        Role.REENTRY_COORDINATOR,
        Role.PROBATION,
        Role.NAV,
        Role.MUNICIPALITY,
        Role.HEALTH,
        Role.SCHOOL,
        Role.PROGRAMME_STAFF,
    }
)


class Answerer(Protocol):
    @property
    def is_person(self) -> bool: ...


def answers_survey(access: Answerer) -> bool:
    """The person, and only the person, answers their own questions."""
    return access.is_person


def answers_staff_survey(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in STAFF_SURVEY_ROLES and user.agency_id is not None


def enters_paper(user: User) -> bool:
    """Prison staff of a prison print the paper form and type in a filled one."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in PRISON_STAFF_ROLES
        and user.agency is not None
        and user.agency.is_prison
    )
