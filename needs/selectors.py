"""Reads of needs and resources, limited to what the viewer may see."""

from collections import OrderedDict

from django.db.models import QuerySet

from access.policy import CaseAccess, NeedsLimits, needs_condition
from core.compiled import CompiledQueries, CompiledQuery
from needs.models import Need, NeedsConversation, Resource, VolunteerSharing
from reference.models import Tangle


def _needs(limits: NeedsLimits, case_id: int) -> QuerySet[Need]:
    return (
        Need.objects.filter(case_id=case_id)
        .filter(needs_condition(limits))
        .select_related("tangle", "life_area", "knot")
        .order_by("tangle__code", "life_area__position", "id")
    )


#: The needs of a case, per what hides needs from the viewer, compiled once (core.compiled).
VISIBLE_NEEDS = CompiledQueries(_needs, case_id=int)


def needs_for_case(access: CaseAccess) -> QuerySet[Need]:
    """Return the case's needs this viewer may see (consent, privacy and volunteer rules)."""
    return _needs(access.needs_limits, access.case.pk)


def visible_needs(access: CaseAccess) -> list[Need]:
    """``list(needs_for_case(access))``, from SQL built once per kind of viewer."""
    return VISIBLE_NEEDS[access.needs_limits].all(case_id=access.case.pk)


TANGLES = CompiledQuery(lambda: Tangle.objects.order_by("code"))


def needs_by_tangle(access: CaseAccess) -> "OrderedDict[Tangle, list[Need]]":
    """Group the visible needs under every tangle, empty tangles included."""
    grouped: OrderedDict[Tangle, list[Need]] = OrderedDict((tangle, []) for tangle in TANGLES.all())
    by_id = {tangle.pk: tangle for tangle in grouped}
    for need in visible_needs(access):
        grouped[by_id[need.tangle_id]].append(need)
    return grouped


def _sees_resources(access: CaseAccess) -> bool:
    return access.sees_needs and not (access.is_volunteer and not access.is_prison_staff)


def _sees_conversations(access: CaseAccess) -> bool:
    return access.is_prison_staff or access.is_person


def _resources(case_id: int) -> QuerySet[Resource]:
    return Resource.objects.filter(case_id=case_id).select_related("life_area").order_by("id")


def _conversations(case_id: int) -> QuerySet[NeedsConversation]:
    return NeedsConversation.objects.filter(case_id=case_id).order_by("held_on", "id")


# Read by the overview and the needs map; their SQL is built once (core.compiled).
RESOURCES = CompiledQuery(_resources, case_id=int)
CONVERSATIONS = CompiledQuery(_conversations, case_id=int)


def resources_for_case(access: CaseAccess) -> QuerySet[Resource]:
    return _resources(access.case.pk) if _sees_resources(access) else Resource.objects.none()


def conversations_for_case(access: CaseAccess) -> QuerySet[NeedsConversation]:
    return _conversations(access.case.pk) if _sees_conversations(access) else NeedsConversation.objects.none()


def resource_list(access: CaseAccess) -> list[Resource]:
    """``list(resources_for_case(access))``, from SQL built once."""
    return RESOURCES.all(case_id=access.case.pk) if _sees_resources(access) else []


def conversation_list(access: CaseAccess) -> list[NeedsConversation]:
    """``list(conversations_for_case(access))``, from SQL built once."""
    return CONVERSATIONS.all(case_id=access.case.pk) if _sees_conversations(access) else []


def need_for_case(access: CaseAccess, need_id: int) -> Need:
    """Fetch one visible need of the case, or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(needs_for_case(access), pk=need_id)


def volunteer_sharing(access: CaseAccess) -> VolunteerSharing | None:
    """What the person shares with volunteers besides needs; for the person's own page."""
    return VolunteerSharing.objects.filter(case=access.case).first()


def volunteers_in_group(access: CaseAccess) -> list:
    """The volunteers currently in the person's group, so the person knows who sees what they share."""
    from accounts.models import Role
    from cases.models import Membership, membership_is_current

    return list(
        Membership.objects.filter(membership_is_current(), case=access.case, role=Role.VOLUNTEER)
        .select_related("user", "agency")
        .order_by("start_date", "id")
    )
