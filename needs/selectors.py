"""Reads of needs and resources, limited to what the viewer may see."""

import datetime
from collections import OrderedDict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from access.policy import CaseAccess, current_volunteers
from cases.models import Membership
from needs.models import Need, NeedsConversation, Resource, VolunteerSharing
from reference.models import Tangle


def needs_for_case(access: CaseAccess) -> QuerySet[Need]:
    """Return the case's needs this viewer may see (consent, privacy and volunteer rules)."""
    return (
        Need.objects.filter(case=access.case)
        .filter(access.needs_filter)
        .select_related("tangle", "life_area", "knot")
        .order_by("tangle__code", "life_area__position", "id")
    )


def needs_by_tangle(access: CaseAccess) -> "OrderedDict[Tangle, list[Need]]":
    """Group the visible needs under every tangle, empty tangles included."""
    grouped: OrderedDict[Tangle, list[Need]] = OrderedDict((tangle, []) for tangle in Tangle.objects.order_by("code"))
    by_id = {tangle.pk: tangle for tangle in grouped}
    for need in needs_for_case(access):
        grouped[by_id[need.tangle_id]].append(need)
    return grouped


def _sees_resources(access: CaseAccess) -> bool:
    return access.sees_needs and not (access.is_volunteer and not access.is_prison_staff)


def _sees_conversations(access: CaseAccess) -> bool:
    return access.is_prison_staff or access.is_person


def resources_for_case(access: CaseAccess) -> QuerySet[Resource]:
    if not _sees_resources(access):
        return Resource.objects.none()
    return Resource.objects.filter(case=access.case).select_related("life_area").order_by("id")


def conversations_for_case(access: CaseAccess) -> QuerySet[NeedsConversation]:
    if not _sees_conversations(access):
        return NeedsConversation.objects.none()
    return NeedsConversation.objects.filter(case=access.case).order_by("held_on", "id")


def part_one_held(conversations: Iterable[NeedsConversation]) -> datetime.date | None:
    """The day part 1 of the needs conversation was completed, from sessions already read (no query)."""
    completed = sorted(
        (session.held_on, session.pk) for session in conversations if session.part == 1 and session.completed
    )
    return completed[0][0] if completed else None


def need_for_case(access: CaseAccess, need_id: int) -> Need:
    """Fetch one visible need of the case, or 404."""
    return get_object_or_404(needs_for_case(access), pk=need_id)


def volunteer_sharing(access: CaseAccess) -> VolunteerSharing | None:
    """What the person shares with volunteers besides needs; for the person's own page."""
    return VolunteerSharing.objects.filter(case=access.case).first()


def volunteers_in_group(access: CaseAccess) -> list[Membership]:
    """The volunteers currently in the person's group, so the person knows who sees what they share."""
    return list(current_volunteers(access.case).select_related("user", "agency").order_by("start_date", "id"))
