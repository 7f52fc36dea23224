"""Reads of meetings: the list, one meeting, its attendance, decisions, its agenda and the handover review."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access.policy import CaseAccess
from accounts.models import USER_NAME_FIELDS, User
from cases.models import Case, Membership, lead_flag, membership_is_open
from directory.models import Service
from handover import rules
from handover.models import Transition, TransitionState
from journal.display import describe_changes, name_of, references
from journal.models import JournalEntry
from meetings.models import Attendance, Decision, MeasureHandover, Meeting, MeetingKind, NeedReview
from needs.models import Need, NeedsConversation
from needs.selectors import needs_for_case
from plans.models import OPEN_STATUSES, Measure
from plans.selectors import responsible_candidates, visible_measures

#: The journal's object types that make up "changes to needs and plan" (POP step 6.3).
AGENDA_OBJECT_TYPES = ("needs.need", "plans.measure")
#: What the agenda reads of a change: not its hash chain, nor the rest of who made it.
AGENDA_ENTRY_FIELDS = (
    "at",
    "action",
    "object_type",
    "object_id",
    "old",
    "new",
    *(f"actor__{name}" for name in USER_NAME_FIELDS),
    "actor_agency__name",
)


@dataclass(frozen=True)
class AgendaItem:
    entry: JournalEntry
    label: str
    kind: str  # "need" or "measure"


def meetings_for_case(access: CaseAccess) -> QuerySet[Meeting]:
    # Without who booked it: no page or file shows that, and the join cost every read of a meeting.
    return Meeting.objects.filter(case=access.case).order_by("starts_at", "id")


def meeting_for_case(access: CaseAccess, meeting_id: int) -> Meeting:
    """Fetch one meeting of the case, or 404."""
    return get_object_or_404(meetings_for_case(access), pk=meeting_id)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the same kind on the same case, with only its time read.

    The agenda starts at that time; the rest of the meeting (its minutes above all) is not needed.
    """
    return (
        Meeting.objects.filter(case_id=meeting.case_id, kind=meeting.kind)
        .filter(Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, id__lt=meeting.pk))
        .only("starts_at")
        .order_by("-starts_at", "-id")
        .first()
    )


def _measure_titles_and_names(
    access: CaseAccess, wanted: dict[type[models.Model], set[Any]]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The titles of the measures this viewer sees, and the names of the people and services the changes name.

    One query, whatever the changes name: the people and services are read with the titles
    (a union, each row with its kind, its id as text and the columns its name is made of).
    Read each on its own, the contact officer's agenda took up to 2 more queries as its changes
    named them (``journal.display`` reads the reference data they name from what the worker keeps).
    Returns the titles, and the names by model label for ``describe_changes(known=...)``.
    """
    users, services = wanted.get(User), wanted.get(Service)
    # Unordered: a lookup by id needs no order, and compiling the plan's order cost a fifth of the read.
    measures = visible_measures(access).order_by()
    if not users and not services:  # most agendas: the titles alone, the plain read costs less to compile
        return {str(pk): title for pk, title in measures.values_list("pk", "title")}, {}
    blank = Value("", output_field=CharField())
    key = Cast("pk", CharField())
    parts: list[QuerySet[Any, Any]] = [measures.values_list(Value("measure"), key, "title", blank, blank)]
    if users:
        parts.append(User.objects.filter(pk__in=users).order_by().values_list(Value("user"), key, *USER_NAME_FIELDS))
    if services:
        parts.append(
            Service.objects.filter(pk__in=services).order_by().values_list(Value("service"), key, "name", blank, blank)
        )
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    titles: dict[str, str] = {}
    names: dict[str, dict[str, str]] = {"accounts.user": {}, "directory.service": {}}
    for kind, pk, first, second, third in combined:
        if kind == "measure":
            titles[pk] = first
        elif kind == "user":
            names["accounts.user"][pk] = name_of(User(username=first, first_name=second, last_name=third))
        else:  # SQLite keeps a service's id as 32 hex digits, the journal as text with hyphens
            names["directory.service"][str(uuid.UUID(pk))] = name_of(Service(name=first))
    return titles, names


def agenda(access: CaseAccess, meeting: Meeting, previous: Meeting | None) -> list[AgendaItem]:
    """Every change to needs and measures since the previous meeting of the same kind, up to this one."""
    return agenda_and_measures(access, meeting, previous)[0]


def agenda_and_measures(
    access: CaseAccess, meeting: Meeting, previous: Meeting | None
) -> tuple[list[AgendaItem], dict[str, str]]:
    """Every change to needs and measures since the previous meeting of the same kind, up to this one;
    and the titles of the case's measures the viewer sees, by id as text (as the journal names objects).

    Limited to the needs and measures this viewer may see, so the agenda never shows a
    private need or a measure outside the viewer's rights: the changes to the others are
    left out as they are read. Each change is said in a sentence, its fields in words
    (``journal.display``), naming only the needs and measures this viewer sees. The same
    queries whatever the size and whatever the changes name: the needs (with their needs
    conversation), the changes, and the measures with the people and services the changes name.
    """
    entries = JournalEntry.objects.filter(
        case=access.case, object_type__in=AGENDA_OBJECT_TYPES, at__lte=meeting.starts_at
    )
    if previous is not None:
        entries = entries.filter(at__gt=previous.starts_at)
    read = list(entries.select_related("actor", "actor_agency").only(*AGENDA_ENTRY_FIELDS).order_by("at", "id"))
    wanted = references(read)
    # Only the names are read: whole needs with their tangle and knot took twice as long (0.79 ms, now 0.38).
    needs_read = needs_for_case(access).select_related(None).order_by()  # named by id: their order is the entries'
    named_conversations = bool(wanted.get(NeedsConversation))
    if named_conversations:
        # A need's changes name its needs conversation, set when the need is recorded and never changed.
        needs_read = needs_read.select_related("life_area", "conversation").only(
            "summary", "own_words", "life_area", "conversation__part", "conversation__held_on"
        )
    else:
        needs_read = needs_read.select_related("life_area").only("summary", "own_words", "life_area")
    visible_needs = list(needs_read)
    needs = {str(need.pk): f"{need.life_area.name}: {need.summary or need.own_words}" for need in visible_needs}
    # A measure's needs are named by their life area: the words of a need belong to its own changes.
    areas = {str(need.pk): need.life_area.name for need in visible_needs}
    conversations = {
        str(need.conversation_id): name_of(need.conversation)
        for need in visible_needs
        if named_conversations and need.conversation is not None
    }
    measures, names = _measure_titles_and_names(access, wanted)
    shown = [entry for entry in read if entry.object_id in (needs if entry.object_type == "needs.need" else measures)]
    known = {"needs.need": areas, "plans.measure": measures, "needs.needsconversation": conversations, **names}
    describe_changes(shown, known=known, titles={"needs.need": needs}, kept_reference=True)
    items = [
        AgendaItem(
            entry,
            needs[entry.object_id] if entry.object_type == "needs.need" else measures[entry.object_id],
            "need" if entry.object_type == "needs.need" else "measure",
        )
        for entry in shown
    ]
    return items, measures


def attendance_for(meeting: Meeting) -> list[Attendance]:
    """Who was recorded present or absent, with the member's name and agency (all the page shows of them)."""
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__user", "membership__agency")
        .only("present", *(f"membership__user__{name}" for name in USER_NAME_FIELDS), "membership__agency__name")
    )


def decisions_for(access: CaseAccess, meeting: Meeting, measures: dict[str, str]) -> list[Decision]:
    """The meeting's decisions the viewer reads (their audience, or their own); a linked measure is named only to
    those who may see it.

    A measure can reveal a private need, so a decision's measure is named (``measure_title``)
    only if it is among ``measures``, the titles ``agenda_and_measures`` read: the access module's
    measure condition, read once for the agenda and the decisions.
    """
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .filter(access.audience_filter("recorded_by_id"))
        .select_related("recorded_by")
        .only("text", "audience", "measure_id", *(f"recorded_by__{name}" for name in USER_NAME_FIELDS))
        .order_by("recorded_at")
    )
    for decision in decisions:
        decision.measure_title = measures.get(str(decision.measure_id)) if decision.measure_id else None
    return decisions


def members_on(meeting: Meeting) -> list[Membership]:
    """Members who counted on the meeting's day: those who can be recorded as attending."""
    day = timezone.localtime(meeting.starts_at).date()
    return list(
        Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=meeting.starts_at))
        .filter(case_id=meeting.case_id, accepted_at__isnull=False, start_date__lte=day)
        .select_related("user", "agency")
        .annotate(leads=lead_flag())
        .order_by("-leads", "start_date", "id")
    )


def transition_for(meeting: Meeting) -> Transition | None:
    """The transition a handover review or farewell prepares: the open one, else one completed since its day."""
    current = rules.open_transition(meeting.case_id)
    if current is not None:
        return current
    day = timezone.localtime(meeting.starts_at).date()
    return (
        Transition.objects.filter(case_id=meeting.case_id, state=TransitionState.COMPLETED, completed_on__gte=day)
        .select_related("from_agency", "to_agency")
        .order_by("-completed_on", "-id")
        .first()
    )


def incoming_members(transition: Transition | None) -> list[Membership]:
    """The incoming members of a transition who have not declined or left."""
    if transition is None:
        return []
    today = timezone.localdate()
    return list(
        transition.incoming.filter(membership_is_open(today))
        .select_related("user", "agency")
        .order_by("start_date", "id")
    )


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    #: Still held by a member who leaves (outgoing in the transition, or with an end date) or has left.
    pending: bool
    #: What this review did with the measure, if anything.
    handover: MeasureHandover | None


@dataclass(frozen=True)
class HandoverReview:
    """The checklist of a handover review (POP step 7), as far as the viewer may see it."""

    transition: Transition | None
    needs: list[tuple[Need, NeedReview | None]]
    measures: list[MeasureRow]
    incoming: list[Membership]
    next_meeting: Meeting | None
    #: Current members who are not leaving: those a measure can be given to.
    takers: list[Membership]

    @property
    def needs_done(self) -> int:
        return sum(1 for _need, review in self.needs if review is not None)

    @property
    def measures_done(self) -> int:
        return sum(1 for row in self.measures if not row.pending)

    @property
    def next_booked(self) -> bool:
        """The next meeting is booked with the incoming actor: a later meeting, and someone incoming."""
        return self.next_meeting is not None and bool(self.incoming)

    @property
    def total(self) -> int:
        return len(self.needs) + len(self.measures) + 1

    @property
    def done(self) -> int:
        return self.needs_done + self.measures_done + int(self.next_booked)


def handover_review(access: CaseAccess, meeting: Meeting) -> HandoverReview:
    """Build a handover review's checklist from what the viewer may see; the same queries whatever the size.

    Needs come through ``needs_for_case`` and measures through the viewer's measure filter,
    so the checklist never shows a private need (or a measure answering one) to someone
    who may not see it.
    """
    case = access.case
    transition = transition_for(meeting)
    outgoing = {member.user_id for member in rules.outgoing_members(transition)} if transition else set()
    # Someone whose membership has an end date is leaving too, like the outgoing agency's members.
    members = [member for member in responsible_candidates(case) if member.end_date is None]
    staying = {member.user_id for member in members} - outgoing
    needs = list(needs_for_case(access))
    reviews = {
        review.need_id: review
        for review in NeedReview.objects.filter(meeting=meeting, need__in=[need.pk for need in needs]).select_related(
            "reviewed_by"
        )
    }
    visible = Measure.objects.filter(case=case).filter(access.measures_filter).distinct()
    pending = [
        measure
        for measure in visible.filter(status__in=OPEN_STATUSES).select_related("responsible_user", "responsible_agency")
        if measure.responsible_user_id not in staying
    ]
    handovers: dict[int, MeasureHandover] = {}
    for handover in MeasureHandover.objects.filter(meeting=meeting, measure__in=visible.values("pk")).select_related(
        "measure__responsible_user", "measure__responsible_agency", "from_user", "to_user"
    ):
        handovers[handover.measure_id] = handover  # ordered by time: the latest wins
    rows = [MeasureRow(measure, True, handovers.get(measure.pk)) for measure in pending]
    pending_ids = {measure.pk for measure in pending}
    rows += [
        MeasureRow(handover.measure, False, handover)
        for measure_id, handover in handovers.items()
        if measure_id not in pending_ids
    ]
    rows.sort(key=lambda row: (row.measure.due_date, row.measure.pk))
    return HandoverReview(
        transition=transition,
        needs=[(need, reviews.get(need.pk)) for need in needs],
        measures=rows,
        incoming=incoming_members(transition),
        next_meeting=Meeting.objects.filter(case=case, starts_at__gt=meeting.starts_at)
        .order_by("starts_at", "id")
        .first(),
        takers=[member for member in members if member.user_id not in outgoing],
    )


def farewell_held(case: Case) -> Meeting | None:
    """The latest farewell conversation that has taken place and has minutes (POP step 8), or None."""
    return (
        Meeting.objects.filter(case=case, kind=MeetingKind.FAREWELL, starts_at__lte=timezone.now())
        .exclude(minutes="")
        .order_by("-starts_at", "-id")
        .first()
    )


def review_for_case(access: CaseAccess, meeting_id: int) -> Meeting:
    """Fetch one handover review of the case, or 404."""
    return get_object_or_404(meetings_for_case(access).filter(kind=MeetingKind.HANDOVER_REVIEW), pk=meeting_id)
