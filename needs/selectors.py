"""Reads of needs and resources, limited to what the viewer may see."""

import functools
from collections import OrderedDict

from django.db.models import QuerySet

from access.policy import CaseAccess, NeedsLimits, needs_condition
from core.compiled import CompiledQuery
from needs.models import Need, NeedsConversation, Resource
from reference.models import Tangle


def needs_for_case(access: CaseAccess) -> QuerySet[Need]:
    """Return the case's needs this viewer may see (consent, privacy and volunteer rules)."""
    return (
        Need.objects.filter(case=access.case)
        .filter(access.needs_filter)
        .select_related("tangle", "life_area", "knot")
        .order_by("tangle__code", "life_area__position", "id")
    )


@functools.cache
def _visible_needs(limits: NeedsLimits) -> CompiledQuery:
    """``needs_for_case`` for viewers with these limits, compiled once (core.compiled)."""

    def build(case_id: int) -> QuerySet[Need]:
        return (
            Need.objects.filter(case_id=case_id)
            .filter(needs_condition(limits))
            .select_related("tangle", "life_area", "knot")
            .order_by("tangle__code", "life_area__position", "id")
        )

    return CompiledQuery(build, case_id=int)


def visible_needs(access: CaseAccess) -> list[Need]:
    """``list(needs_for_case(access))``, from SQL built once per kind of viewer."""
    return _visible_needs(access.needs_limits).all(case_id=access.case.pk)


TANGLES = CompiledQuery(lambda: Tangle.objects.order_by("code"))


def needs_by_tangle(access: CaseAccess) -> "OrderedDict[Tangle, list[Need]]":
    """Group the visible needs under every tangle, empty tangles included."""
    grouped: OrderedDict[Tangle, list[Need]] = OrderedDict((tangle, []) for tangle in TANGLES.all())
    by_id = {tangle.pk: tangle for tangle in grouped}
    for need in visible_needs(access):
        grouped[by_id[need.tangle_id]].append(need)
    return grouped


def resources_for_case(access: CaseAccess) -> QuerySet[Resource]:
    if not access.sees_needs or (access.is_volunteer and not access.is_prison_staff):
        return Resource.objects.none()
    return Resource.objects.filter(case=access.case).select_related("life_area").order_by("id")


def conversations_for_case(access: CaseAccess) -> QuerySet[NeedsConversation]:
    if not (access.is_prison_staff or access.is_person):
        return NeedsConversation.objects.none()
    return NeedsConversation.objects.filter(case=access.case).order_by("held_on", "id")


def need_for_case(access: CaseAccess, need_id: int) -> Need:
    """Fetch one visible need of the case, or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(needs_for_case(access), pk=need_id)
