"""Who logs, sees, codes and counts obstacles (DOMAIN.md §8, issue 19 point 6): the rules in one place.

- The person and every current member of the case's group may log an obstacle on the case.
- Obstacles are case data: the person, the case's prison staff and the members the consent
  covers (not volunteers) see all of the case's obstacles; anyone else who may log sees only
  the ones they logged themselves. A look with a reason reads them as it reads the needs.
- The one who logged an obstacle, and those who run the case, write later what was done.
- A reentry coordinator codes the obstacles of their own prison's cases (places them on the
  map) and sees those obstacles to do so: the unit's obstacles.
- The map's aggregate figures are for everyone signed in who is staff or analyst; the
  obstacles behind a box open only to those who see them by the rules above.
- The failure zones between agencies (counts by stage, by pair of agencies and over time,
  and their CSV export) are for a reentry coordinator of a prison (their prison, or their
  country) and the analyst (the country). Both see aggregates only, small counts hidden;
  no one may ask for another prison's figures, and there is no export by case.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from access.policy import CaseAccess, sees_unit
from accounts.models import Country, Role, User
from obstacles.models import Obstacle


def can_log(access: CaseAccess) -> bool:
    """The person and the group's current members (not a look with a reason, which is read-only)."""
    return access.reasoned is None and (access.is_person or access.membership is not None)


def sees_all_of_case(access: CaseAccess) -> bool:
    """All obstacles of the case, as case data under the consent rules: person, case staff, covered members."""
    return access.sees_case_facts


def obstacle_filter(access: CaseAccess) -> Q:
    """The condition that keeps the case's obstacles this viewer may read."""
    if sees_all_of_case(access):
        return Q(case_id=access.case.pk)
    return Q(case_id=access.case.pk, logged_by_id=access.viewer.pk)


def can_record_done(access: CaseAccess, obstacle: Obstacle) -> bool:
    """Who writes what was done about an obstacle: the one who logged it and those who run the case."""
    if access.reasoned is not None or obstacle.case_id != access.case.pk:
        return False
    return access.runs_the_case or (obstacle.logged_by_id is not None and obstacle.logged_by_id == access.viewer.pk)


def codes_obstacles(user: User) -> bool:
    """A reentry coordinator of a prison codes its cases' obstacles."""
    return sees_unit(user)


def unit_obstacles_for(user: User) -> QuerySet[Obstacle]:
    """The obstacles a coordinator codes: those on the cases of their own prison; none for anyone else."""
    if not codes_obstacles(user):
        return Obstacle.objects.none()
    return Obstacle.objects.filter(case__institution_id=user.agency_id)


#: Roles that read the map's aggregate figures (no case data: counts 1-4 are suppressed).
MAP_ROLES = frozenset(
    {
        Role.CONTACT_OFFICER,
        Role.SOCIAL_WORKER,
        Role.REENTRY_COORDINATOR,
        Role.PROBATION,
        Role.NAV,
        Role.MUNICIPALITY,
        Role.ANALYST,
        Role.ADMIN,
    }
)


def sees_map(user: User) -> bool:
    """The map of counts: staff of the agencies, the analyst and the administrator; not the person or volunteers."""
    return user.is_authenticated and user.is_active and user.role in MAP_ROLES


def map_opens_for(user: User) -> QuerySet[Obstacle]:
    """The obstacles a click on a box opens for this user: their unit's for a coordinator, else none.

    Case members read a case's obstacles on the case's own page, where the consent rules hold.
    """
    return unit_obstacles_for(user)


def sees_zones(user: User) -> bool:
    """The failure zones and their export: a reentry coordinator of a prison, and the analyst."""
    if not (user.is_authenticated and user.is_active):
        return False
    return sees_unit(user) or user.role == Role.ANALYST


@dataclass(frozen=True)
class ZoneReach:
    """Whose obstacles the failure zones count: one prison's, or a country's."""

    kind: str  # "prison" or "country"
    prison_id: int | None
    country: str


def zone_reach(user: User, scope: str | None, unit: str | None) -> ZoneReach | None:
    """The reach a user asked for, if it is theirs to count; ``None`` (the view answers 404) if not.

    A coordinator counts their own prison (the default) or their country; the analyst counts
    the country. Naming a unit is allowed only for a coordinator's own prison: any other unit,
    or a unit asked for by the analyst, is refused, as one that does not exist.
    """
    if not sees_zones(user):
        return None
    agency = user.agency
    own = agency.pk if agency is not None and sees_unit(user) else None
    country = agency.country if agency is not None else Country.NORWAY
    scope = scope or ("prison" if own is not None else "country")
    if unit not in (None, "") and (own is None or unit != str(own)):
        return None
    if scope == "prison" and own is not None:
        return ZoneReach("prison", own, country)
    if scope == "country":
        return ZoneReach("country", None, country)
    return None
