"""Reads of needs and resources, limited to what the viewer may see."""

import datetime
from collections import OrderedDict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from access.policy import CaseAccess, current_volunteers
from cases.models import Membership
from needs.models import Need, NeedsConversation, Resource, VolunteerSharing
from ownwords.models import OwnWords, WordsKind
from reference.models import Tangle

#: The names of a life area in every language (``LifeArea.name`` picks one): what a list of needs shows of it.
LIFE_AREA_NAMES = ("life_area__name_en", "life_area__name_nb", "life_area__name_da")


def _visible_needs(access: CaseAccess) -> QuerySet[Need]:
    return Need.objects.filter(case=access.case).filter(access.needs_filter)


def needs_for_case(access: CaseAccess) -> QuerySet[Need]:
    """Return the case's needs this viewer may see (consent, privacy and volunteer rules)."""
    return (
        _visible_needs(access)
        .select_related("tangle", "life_area", "knot")
        .order_by("tangle__code", "life_area__position", "id")
    )


def need_names(access: CaseAccess) -> list[Need]:
    """The visible needs in ``needs_for_case`` order, with only what names each (the plan's table by need).

    A need is named by its life area, its summary or the person's words: whole needs with their
    tangle and knot cost 0.8 ms of CPU, these 0.55.
    """
    return list(
        needs_for_case(access)
        .select_related(None)
        .select_related("life_area")
        .only("summary", "own_words", *LIFE_AREA_NAMES)
    )


def needs_by_tangle(access: CaseAccess, *, words_marked: bool = False) -> "OrderedDict[Tangle, list[Need]]":
    """Group the visible needs under every tangle, empty tangles included.

    Each need holds what the list shows (needs/_needs_list.html, the case overviews): its life
    area's name, its knot's code, its words, summary and flags. With ``words_marked``, also
    ``has_words``: whether the person wrote on it, for ``words_by_need``.
    """
    grouped: OrderedDict[Tangle, list[Need]] = OrderedDict((tangle, []) for tangle in Tangle.objects.order_by("code"))
    by_id = {tangle.pk: tangle for tangle in grouped}
    # The tangles come in order above, so the needs are ordered within one only: no join of the
    # tangles, and only the columns shown (0.8 -> 0.55 ms of CPU at 50,000 cases).
    needs = (
        _visible_needs(access)
        .select_related("life_area", "knot")
        .only(
            "tangle_id",
            "own_words",
            "summary",
            "acute",
            "status",
            "private",
            "shared_with_volunteers",
            "knot__code",
            *LIFE_AREA_NAMES,
        )
        .order_by("life_area__position", "id")
    )
    if words_marked:
        needs = needs.annotate(has_words=Exists(OwnWords.objects.filter(need_id=OuterRef("pk"), kind=WordsKind.NEED)))
    for need in needs:
        grouped[by_id[need.tangle_id]].append(need)
    return grouped


def words_by_need(access: CaseAccess, needs: Iterable[Need]) -> dict[int, list[OwnWords]]:
    """The person's own words on the needs given, those this viewer reads, oldest first, by need.

    ``ownwords.selectors.case_words(access).by_need`` without the other kinds (its test of open
    meeting requests is a subquery the needs map never shows). Read only if the person wrote on
    one of the needs, as ``needs_by_tangle(access, words_marked=True)`` marks them: the reader's
    condition costs 0.8-2 ms of CPU to build and compile, the mark 0.3. An unmarked need counts
    as written on.
    """
    shown = {need.pk for need in needs if getattr(need, "has_words", True)}
    if not shown:
        return {}
    found: dict[int, list[OwnWords]] = {}
    words = (
        OwnWords.objects.filter(case_id=access.case.pk, kind=WordsKind.NEED)
        .filter(access.own_words_filter)
        .only("need_id", "text", "suits", "written_at")
        .order_by("written_at", "pk")
    )
    for each in words:
        if each.need_id in shown:
            found.setdefault(each.need_id, []).append(each)
    return found


def _sees_resources(access: CaseAccess) -> bool:
    return access.sees_needs and not (access.is_volunteer and not access.is_prison_staff)


def _sees_conversations(access: CaseAccess) -> bool:
    return access.is_prison_staff or access.is_person


def resources_for_case(access: CaseAccess) -> QuerySet[Resource]:
    if not _sees_resources(access):
        return Resource.objects.none()
    # The pages show a strength's words and its life area's name, nothing else.
    return (
        Resource.objects.filter(case=access.case)
        .select_related("life_area")
        .only("description", *LIFE_AREA_NAMES)
        .order_by("id")
    )


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
