"""The person reaches no staff page (issue 18): where a person who asks for one is sent."""

from __future__ import annotations

from django.urls import reverse

from access.policy import cases_visible_to
from accounts.models import Role, User


def person_start(user: User) -> str | None:
    """Where a person who asks for a staff page (the caseload, what is due, the inbox, the invitations) goes.

    The person's start page, their latest case; None for everyone else, and for a person
    without a case, who keeps the empty page.
    """
    if not user.is_authenticated or user.role != Role.PERSON:
        return None
    case = cases_visible_to(user).order_by("-intake_date", "-id").values_list("code", flat=True).first()
    return reverse("cases:overview", kwargs={"code": case}) if case else None
