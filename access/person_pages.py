"""Who sees the person's own pages: the road in plain words, the plan to print (issue 18).

- The person, always (their own case).
- The case's prison staff and the case's lead: they print the plan for the person and see
  what the person reads.
- Nobody else: a covered member works with the case's pages; a look with a reason reads
  the staff pages, not these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.models import Role, User

if TYPE_CHECKING:
    from access.policy import CaseAccess


def sees_person_pages(access: CaseAccess) -> bool:
    return access.is_person or access.runs_the_case


def person_start(user: User) -> str | None:
    """Where a person who asks for a staff page (the caseload, what is due, the inbox, the invitations) goes.

    The person's start page, their latest case (issue 18: the person reaches no staff page);
    None for everyone else, and for a person without a case, who keeps the empty page.
    """
    from access.policy import cases_visible_to  # access.policy imports this module

    if not user.is_authenticated or user.role != Role.PERSON:
        return None
    case = cases_visible_to(user).order_by("-intake_date", "-id").values_list("code", flat=True).first()
    return reverse("cases:overview", kwargs={"code": case}) if case else None
