"""Reads of meetings: the list, one meeting, its attendance, decisions and its agenda."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access.policy import CaseAccess
from cases.models import Meeting, Membership, lead_flag
from journal.models import JournalEntry
from meetings.models import Attendance, Decision
from needs.selectors import needs_for_case
from plans.models import Measure

#: The journal's object types that make up "changes to needs and plan" (POP step 6.3).
AGENDA_OBJECT_TYPES = ("needs.need", "plans.measure")


@dataclass(frozen=True)
class AgendaItem:
    entry: JournalEntry
    label: str
    kind: str  # "need" or "measure"


def meetings_for_case(access: CaseAccess) -> QuerySet[Meeting]:
    return Meeting.objects.filter(case=access.case).select_related("booked_by").order_by("starts_at", "id")


def meeting_for_case(access: CaseAccess, meeting_id: int) -> Meeting:
    """Fetch one meeting of the case, or 404."""
    return get_object_or_404(meetings_for_case(access), pk=meeting_id)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the same kind on the same case."""
    return (
        Meeting.objects.filter(case_id=meeting.case_id, kind=meeting.kind)
        .filter(Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, id__lt=meeting.pk))
        .order_by("-starts_at", "-id")
        .first()
    )


def agenda(access: CaseAccess, meeting: Meeting, previous: Meeting | None) -> list[AgendaItem]:
    """Every change to needs and measures since the previous meeting of the same kind, up to this one.

    Limited to the needs and measures this viewer may see, so the agenda never shows a
    private need or a measure outside the viewer's rights. Four queries whatever the size.
    """
    needs = {str(need.pk): need for need in needs_for_case(access)}
    measures = dict(
        (str(pk), title)
        for pk, title in Measure.objects.filter(case=access.case)
        .filter(access.measures_filter)
        .distinct()
        .values_list("pk", "title")
    )
    entries = JournalEntry.objects.filter(case=access.case, at__lte=meeting.starts_at).filter(
        Q(object_type="needs.need", object_id__in=list(needs))
        | Q(object_type="plans.measure", object_id__in=list(measures))
    )
    if previous is not None:
        entries = entries.filter(at__gt=previous.starts_at)
    items = []
    for entry in entries.select_related("actor", "actor_agency").order_by("at", "id"):
        if entry.object_type == "needs.need":
            need = needs[entry.object_id]
            items.append(AgendaItem(entry, f"{need.life_area.name}: {need.summary or need.own_words}", "need"))
        else:
            items.append(AgendaItem(entry, measures[entry.object_id], "measure"))
    return items


def attendance_for(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("membership__user", "membership__agency")


def decisions_for(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).select_related("recorded_by", "measure").order_by("recorded_at")


def members_on(meeting: Meeting) -> QuerySet[Membership]:
    """Members who counted on the meeting's day: those who can be recorded as attending."""
    day = timezone.localtime(meeting.starts_at).date()
    return (
        Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .filter(case_id=meeting.case_id, accepted_at__isnull=False, start_date__lte=day)
        .select_related("user", "agency")
        .annotate(is_lead=lead_flag())
        .order_by("-is_lead", "start_date", "id")
    )
