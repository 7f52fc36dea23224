"""Who reads the indicators, measurements and the baseline (issue 22): the rules in one place.

- The figures are aggregates only, for two roles: a reentry coordinator of a prison counts their
  own prison (and its units) or their country; the analyst counts any scope of their country
  (an analyst with no agency: of every country). No one else reaches the pages (403).
- A scope one may not ask for is refused as one that does not exist (the views answer 404):
  another prison, another country, a made-up key.
- The analyst alone takes a measurement on demand, marks the baseline, and edits the
  cost-benefit's assumptions. The nightly measurement is taken by the system user.
- Counts from 1 to 4 and shares of fewer than 10 cases are hidden on every page (insight.privacy).
"""

from __future__ import annotations

from access.policy import sees_unit
from accounts.models import Role, User
from insight.scope_names import country_of, named_scopes
from insight.scopes import Scope


def _analyst(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ANALYST


def sees_figures(user: User) -> bool:
    """Who reaches the analyst's pages at all: the analyst and a reentry coordinator of a prison."""
    return _analyst(user) or sees_unit(user)


def _own_country(user: User) -> str | None:
    return user.agency.country if user.agency is not None else None


def may_see(user: User, scope: Scope) -> bool:
    """Whether the user may read the figures of this scope (False also when the scope does not exist)."""
    if not sees_figures(user):
        return False
    country = country_of(scope)
    if country is None:
        return False
    if _analyst(user):
        own = _own_country(user)
        return own is None or own == country
    prison = str(user.agency_id)
    if scope.kind == "prison":
        return scope.key == prison
    if scope.kind == "unit":
        return scope.key.partition(":")[0] == prison
    if scope.kind == "country":
        return scope.key == _own_country(user)
    return False


def scopes_for(user: User) -> list[Scope]:
    """The scopes the user may ask for, as the page offers them (the first is the default)."""
    if not sees_figures(user):
        return []
    if _analyst(user):
        return named_scopes(_own_country(user))
    assert user.agency is not None
    return [Scope("prison", str(user.agency_id)), Scope("country", user.agency.country)]


def may_measure(user: User) -> bool:
    """Taking a measurement on demand: the analyst."""
    return _analyst(user)


def may_mark_baseline(user: User) -> bool:
    """Marking a scope's baseline: the analyst."""
    return _analyst(user)


def may_edit_assumptions(user: User) -> bool:
    """Editing the cost-benefit's assumptions (h22-costs): the analyst."""
    return _analyst(user)
