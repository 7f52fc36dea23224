"""Who registers, writes, sends, reads and ticks the summons before the sentence (issue 25): the rules in one place.

- Registering a sentenced person who waits to serve is intake ahead of time: the staff who
  may register a case at intake in their own prison (``can_open_cases``).
- The summons is the case's staff's work: the case's prison staff and its lead write it,
  send it, print it and start the group from the municipality's existing group. A look
  with a reason reads the case but does none of this.
- The person reads their own summons and ticks off their own preparation list; nobody
  ticks for them. The staff who run the case see what is ticked.
- Everybody else (covered members, volunteers, other prisons) gets nothing of it: it tells
  of the person's home, debts, children and health before any consent is given.
"""

from __future__ import annotations

from django.db.models import QuerySet

from access.policy import CaseAccess, can_open_cases, cases_visible_to
from accounts.models import User
from cases.models import Case


def registers_summoned(user: User) -> bool:
    """Register a person who waits to serve: prison staff who may open cases in their own prison."""
    return can_open_cases(user)


def manages_summons(access: CaseAccess) -> bool:
    """Write, send and print the summons and start the group from the existing one: those who run the case."""
    return access.reasoned is None and access.runs_the_case


def reads_summons(access: CaseAccess) -> bool:
    """The person and those who run the case; no look with a reason, no other member."""
    return access.reasoned is None and (access.is_person or access.runs_the_case)


def ticks_list(access: CaseAccess) -> bool:
    """Only the person ticks their own preparation list."""
    return access.reasoned is None and access.is_person


def before_start_cases(user: User) -> QuerySet[Case]:
    """The cases whose summons and group show on the user's "what is due": those they lead."""
    if not registers_summoned(user):  # before the start, the lead is prison staff who registered the case
        return Case.objects.none()
    return cases_visible_to(user).filter(lead__user_id=user.pk)
