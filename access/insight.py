"""Who reaches the figures of benefits realisation (issue 22): a minimal version for the surveys' page.

h22-insight writes the whole of this module; the surveys branch needs only these three names,
modelled on ``access.obstacles.zone_reach``: a reentry coordinator of a prison counts their own
prison or their country; the analyst their country and each of its prisons. Aggregates only.
A scope one may not ask for is refused like one that does not exist (the view answers 404).
"""

from __future__ import annotations

from access.policy import sees_unit
from accounts.models import Agency, AgencyKind, Country, Role, User
from insight.scopes import Scope


def sees_figures(user: User) -> bool:
    """The analyst pages at all: a reentry coordinator of a prison, and the analyst."""
    if not (user.is_authenticated and user.is_active):
        return False
    return sees_unit(user) or user.role == Role.ANALYST


def scopes_for(user: User) -> list[Scope]:
    """The scopes the user may ask for, the first their default."""
    if not sees_figures(user):
        return []
    agency = user.agency
    country = agency.country if agency is not None else Country.NORWAY
    if sees_unit(user) and agency is not None:
        return [Scope("prison", str(agency.pk)), Scope("country", country)]
    prisons = Agency.objects.filter(kind=AgencyKind.PRISON, country=country).order_by("name")
    return [Scope("country", country), *(Scope("prison", str(pk)) for pk in prisons.values_list("pk", flat=True))]


def may_see(user: User, scope: Scope) -> bool:
    return scope in scopes_for(user)
