"""Writes to meetings: booking, attendance, minutes, decisions and the handover review; each journaled."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Membership
from cases.validation import refuse_if_closed
from core.audience import Audience
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot
from meetings.models import (
    Attendance,
    Decision,
    MeasureHandover,
    MeasureHandoverAction,
    Meeting,
    MeetingKind,
    NeedReview,
)
from needs.models import Need
from plans.models import Measure, MeasureStatus
from plans.services import measure_move, measure_propose, measure_update

MEETING_FIELDS = [
    "kind",
    "starts_at",
    "duration_minutes",
    "place",
    "video_link",
    "series",
    "repeat_every_days",
    "person_attends",
    "minutes",
    "minutes_audience",
]
#: How many meetings of a recurring series are booked at once.
MAX_OCCURRENCES = 26
ATTENDANCE_FIELDS = ["meeting", "membership", "present"]
DECISION_FIELDS = ["meeting", "text", "measure", "audience"]
NEED_REVIEW_FIELDS = ["meeting", "need", "note"]
MEASURE_HANDOVER_FIELDS = ["meeting", "measure", "action", "from_user", "to_user", "reason"]


def meeting_book(
    *,
    actor: User,
    case: Case,
    kind: str,
    starts_at: datetime.datetime,
    place: str = "",
    video_link: str = "",
    duration_minutes: int = 60,
    repeat_every_days: int | None = None,
    occurrences: int = 1,
    person_attends: bool = False,
) -> Meeting:
    """Book a meeting on the case, or a series at a fixed interval; return the first."""
    refuse_if_closed(case)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose a kind of meeting.")})
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    if starts_at < timezone.now() - datetime.timedelta(minutes=5):
        raise ValidationError({"starts_at": _("A new meeting cannot be booked in the past.")})
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": _("Give a place or a video link.")})
    occurrences = occurrences or 1
    if occurrences > 1 and not repeat_every_days:
        raise ValidationError({"repeat_every_days": _("Give the interval between the meetings of the series.")})
    if not 1 <= occurrences <= MAX_OCCURRENCES:
        raise ValidationError(
            {"occurrences": _("Book between 1 and %(max)d meetings at a time.") % {"max": MAX_OCCURRENCES}}
        )
    first: Meeting | None = None
    with transaction.atomic():
        for number in range(occurrences):
            local_start = timezone.localtime(starts_at)
            # Step in local calendar days so a series keeps its clock time across summer time.
            day_start = timezone.make_aware(
                datetime.datetime.combine(
                    local_start.date() + datetime.timedelta(days=(repeat_every_days or 0) * number),
                    local_start.time(),
                )
            )
            meeting = Meeting(
                case=case,
                kind=kind,
                starts_at=day_start,
                duration_minutes=duration_minutes,
                place=place.strip(),
                video_link=video_link.strip(),
                series=first,
                repeat_every_days=repeat_every_days if occurrences > 1 else None,
                person_attends=person_attends,
                booked_by=actor,
            )
            meeting.full_clean()
            meeting.save()
            record_change(
                actor=actor,
                action="meeting.book",
                obj=meeting,
                case=case,
                old=None,
                new=snapshot(meeting, MEETING_FIELDS),
            )
            first = first or meeting
    assert first is not None  # occurrences is at least 1
    return first


def member_at(meeting: Meeting, membership: Membership) -> bool:
    """Return whether the membership counted on the day of the meeting (accepted, started, not ended)."""
    day = timezone.localtime(meeting.starts_at).date()
    if membership.ended_at is not None and membership.ended_at < meeting.starts_at:
        return False
    return (
        membership.case_id == meeting.case_id
        and membership.accepted_at is not None
        and membership.start_date <= day
        and (membership.end_date is None or membership.end_date >= day)
    )


def attendance_record(*, actor: User, meeting: Meeting, membership: Membership, present: bool) -> Attendance:
    """Record whether a member attended; only members of the group on the meeting's day can."""
    if not member_at(meeting, membership):
        raise ValidationError({"membership": _("Only members of the group can be recorded as attending.")})
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(meeting=meeting, membership=membership).first()
        old = snapshot(attendance, ATTENDANCE_FIELDS) if attendance else None
        if attendance is None:
            attendance = Attendance(meeting=meeting, membership=membership, present=present, recorded_by=actor)
        attendance.present = present
        attendance.recorded_by = actor
        attendance.full_clean(validate_constraints=False)
        attendance.save()
        new = snapshot(attendance, ATTENDANCE_FIELDS)
        if new != old:
            record_change(actor=actor, action="meeting.attendance", obj=attendance, case=meeting.case, old=old, new=new)
    return attendance


def minutes_record(
    *,
    actor: User,
    meeting: Meeting,
    minutes: str,
    version: int,
    person_attended: bool,
    audience: str = Audience.COVERED,
) -> Meeting:
    """Write the minutes for an audience, refusing the edit if someone else saved them since `version` was read."""
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who reads the minutes.")})
    with transaction.atomic():
        current = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        old = snapshot(current, MEETING_FIELDS)
        current.minutes = minutes.strip()
        current.minutes_audience = audience
        current.person_attends = person_attended
        if snapshot(current, MEETING_FIELDS) == old:
            return current
        current.version += 1
        current.full_clean()
        current.save(update_fields=["minutes", "minutes_audience", "person_attends", "version"])
        record_change(
            actor=actor,
            action="meeting.minutes",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, MEETING_FIELDS),
        )
    return current


def decision_record(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    measure: Measure | None = None,
    status: str = "",
    reason: str = "",
    due_date: datetime.date | None = None,
    new_measure: dict[str, Any] | None = None,
    audience: str = Audience.COVERED,
) -> Decision:
    """Record a decision; it may create a measure (proposed) or change one (due date, status).

    The decision and its effect commit together or not at all.
    """
    if not text.strip():
        raise ValidationError({"text": _("Write the decision.")})
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who reads the decision.")})
    if new_measure and measure is not None:
        raise ValidationError(_("A decision either creates a measure or changes one, not both."))
    if measure is not None and measure.case_id != meeting.case_id:
        raise ValidationError({"measure": _("The measure belongs to another case.")})
    if measure is not None and not (status or due_date):
        raise ValidationError({"measure": _("Say what the decision changes: a new due date or a new status.")})
    with transaction.atomic():
        if new_measure:
            measure = measure_propose(actor=actor, case=meeting.case, **new_measure)
        elif measure is not None:
            if due_date is not None:
                measure = measure_update(actor=actor, measure=measure, version=measure.version, due_date=due_date)
            if status:
                measure = measure_move(actor=actor, measure=measure, status=status, reason=reason or text)
        decision = Decision(meeting=meeting, text=text.strip(), measure=measure, recorded_by=actor, audience=audience)
        decision.full_clean()
        decision.save()
        record_change(
            actor=actor,
            action="meeting.decision",
            obj=decision,
            case=meeting.case,
            old=None,
            new=snapshot(decision, DECISION_FIELDS),
        )
    return decision


def _check_review(meeting: Meeting, obj: Need | Measure) -> None:
    if meeting.kind != MeetingKind.HANDOVER_REVIEW:
        raise ValidationError(_("Only a handover review has a checklist."))
    if obj.case_id != meeting.case_id:
        raise ValidationError(_("This belongs to another case."))


def need_review_record(*, actor: User, meeting: Meeting, need: Need, note: str = "") -> NeedReview:
    """Mark a need as gone through at a handover review, with a note; a second call updates the note."""
    _check_review(meeting, need)
    with transaction.atomic():
        review = NeedReview.objects.select_for_update().filter(meeting=meeting, need=need).first()
        old = snapshot(review, NEED_REVIEW_FIELDS) if review else None
        if review is None:
            review = NeedReview(meeting=meeting, need=need)
        review.note = note.strip()
        review.reviewed_by = actor
        review.full_clean(validate_constraints=False)
        review.save()
        new = snapshot(review, NEED_REVIEW_FIELDS)
        if new != old:
            record_change(actor=actor, action="meeting.need_review", obj=review, case=meeting.case, old=old, new=new)
    return review


def _record_handover(*, actor: User, action: str, handover: MeasureHandover) -> MeasureHandover:
    handover.full_clean()
    handover.save()
    record_change(
        actor=actor,
        action=action,
        obj=handover,
        case=handover.meeting.case,
        old=None,
        new=snapshot(handover, MEASURE_HANDOVER_FIELDS),
    )
    return handover


def measure_handover_reassign(
    *, actor: User, meeting: Meeting, measure: Measure, responsible_user: User, version: int
) -> MeasureHandover:
    """Give a measure to another current member at a handover review (through ``plans.services.measure_update``)."""
    _check_review(meeting, measure)
    if responsible_user.pk == measure.responsible_user_id:
        raise ValidationError({"responsible_user": _("Choose someone other than the person responsible now.")})
    with transaction.atomic():
        before = measure.responsible_user
        measure = measure_update(actor=actor, measure=measure, version=version, responsible_user=responsible_user)
        return _record_handover(
            actor=actor,
            action="meeting.measure_reassigned",
            handover=MeasureHandover(
                meeting=meeting,
                measure=measure,
                action=MeasureHandoverAction.REASSIGNED,
                from_user=before,
                to_user=responsible_user,
                recorded_by=actor,
            ),
        )


def measure_handover_close(
    *, actor: User, meeting: Meeting, measure: Measure, reason: str, version: int | None = None
) -> MeasureHandover:
    """Close (cancel) a measure at a handover review, with the reason (through ``plans.services.measure_move``)."""
    _check_review(meeting, measure)
    with transaction.atomic():
        measure = measure_move(
            actor=actor, measure=measure, status=MeasureStatus.CANCELLED, reason=reason, version=version
        )
        return _record_handover(
            actor=actor,
            action="meeting.measure_closed",
            handover=MeasureHandover(
                meeting=meeting,
                measure=measure,
                action=MeasureHandoverAction.CLOSED,
                from_user=measure.responsible_user,
                reason=reason.strip(),
                recorded_by=actor,
            ),
        )
