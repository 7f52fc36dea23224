"""Who reads the figures of benefits realisation (issue 22): the rules in one place.

Minimal version written on the report's branch (h22-report) with the names of the contract
(brief 22): ``sees_figures``, ``scopes_for``, ``may_see``. h22-insight owns this module; the lead
keeps theirs where the two differ.

- A reentry coordinator of a prison reads the figures of their own prison (and its units) and
  of their country.
- The analyst reads any scope.
- The cost-benefit's assumptions (costbenefit/) are read, edited and drawn by the analyst
  alone, who counts the country.
- No one else reads them. Figures are aggregates only, small counts hidden
  (``obstacles.aggregates``); a scope one may not ask for is refused as one that does not exist.
"""

from __future__ import annotations

from access.policy import sees_unit
from accounts.models import Agency, AgencyKind, Country, Role, User
from insight.scopes import Scope
from programmes.models import Programme


def sees_figures(user: User) -> bool:
    """The analyst pages of benefits realisation: a reentry coordinator of a prison and the analyst."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == Role.ANALYST or sees_unit(user)


def scopes_for(user: User) -> list[Scope]:
    """The scopes the user may ask for, the one to show first at the head."""
    if not sees_figures(user):
        return []
    if user.role == Role.ANALYST:
        countries = [Scope("country", code) for code in (Country.NORWAY, Country.DENMARK)]
        prisons = [
            Scope("prison", str(pk))
            for pk in Agency.objects.filter(kind=AgencyKind.PRISON)
            .order_by("country", "name")
            .values_list("pk", flat=True)
        ]
        programmes = [
            Scope("programme", slug) for slug in Programme.objects.order_by("name").values_list("slug", flat=True)
        ]
        return [*countries, *prisons, *programmes]
    agency = user.agency
    assert agency is not None  # sees_unit: a prison's coordinator
    return [Scope("prison", str(agency.pk)), Scope("country", agency.country)]


def may_see(user: User, scope: Scope) -> bool:
    """Whether the user may read this scope's figures; the view answers 404 if not."""
    if not sees_figures(user):
        return False
    if user.role == Role.ANALYST:
        return True
    agency = user.agency
    if agency is None:
        return False
    if scope.kind == "prison":
        return scope.key == str(agency.pk)
    if scope.kind == "unit":
        return scope.key.partition(":")[0] == str(agency.pk)
    if scope.kind == "country":
        return scope.key == agency.country
    return False


def may_edit_assumptions(user: User) -> bool:
    """The analyst reads and edits the cost-benefit's assumptions and sees the gain they give."""
    return user.is_authenticated and user.is_active and user.role == Role.ANALYST
