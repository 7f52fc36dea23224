"""Writes to cases, groups and meetings; each journaled in its own transaction."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import GROUP_ROLES, PRISON_STAFF_ROLES, Agency, Role, SecurityLevel, User
from cases.identity import national_id_digest
from cases.models import (
    Answer,
    CarryOver,
    Case,
    FollowUpPhase,
    LegalStatus,
    Meeting,
    MeetingKind,
    Membership,
    Person,
    Stage,
    membership_is_current,
    membership_is_open,
)
from cases.sentence import Term
from cases.stage import StageFacts, stage_facts, stage_for
from cases.validation import case_fact_errors, normalise_national_id, raise_if_errors
from core.errors import ConcurrentEditError
from journal.models import AccessPurpose
from journal.services import record_access, record_change, snapshot
from needs.models import Need, NeedStatus
from plans.models import Measure, MeasureStatus

PERSON_FIELDS = ["first_name", "last_name", "birth_date", "national_id", "user"]
CASE_FIELDS = [
    "code",
    "person",
    "institution",
    "unit",
    "security_level",
    "country",
    "legal_status",
    "intake_date",
    "sentence_start",
    "sentence_years",
    "sentence_months",
    "sentence_term_days",
    "sentence_days",
    "remand_days",
    "isolation_days",
    "expected_release",
    "home_municipality",
    "stage",
    "follow_up_phase",
    "released_on",
    "closed_on",
    "closing_reason",
    "anonymise_on",
]
MEMBERSHIP_FIELDS = ["user", "role", "agency", "purpose", "start_date", "end_date", "ended_at", "accepted_at"]
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


@dataclass(frozen=True)
class IntakeData:
    first_name: str
    last_name: str
    birth_date: datetime.date
    home_municipality: str
    legal_status: str
    intake_date: datetime.date
    national_id: str = ""
    unit: str = ""
    security_level: str = ""
    sentence_start: datetime.date | None = None
    #: The sentence as the judgment states it; ``sentence_days`` are its days beside the years and months.
    sentence_years: int = 0
    sentence_months: int = 0
    sentence_days: int | None = None
    remand_days: int = 0
    isolation_days: int = 0
    expected_release: datetime.date | None = None


def case_open(*, actor: User, data: IntakeData, person_user: User | None = None) -> Case:
    """Register a person and a new case at intake; the actor becomes the group's lead.

    The institution is always the actor's own prison, never taken from the form.
    """
    institution: Agency | None = actor.agency
    if actor.role not in {Role.CONTACT_OFFICER, Role.SOCIAL_WORKER} or institution is None or not institution.is_prison:
        raise ValidationError(_("Only prison staff can register a case at intake."))
    country = institution.country
    facts = {
        "birth_date": data.birth_date,
        "national_id": data.national_id,
        "intake_date": data.intake_date,
        "sentence_start": data.sentence_start,
        "sentence_years": data.sentence_years,
        "sentence_months": data.sentence_months,
        "sentence_days": data.sentence_days,
        "remand_days": data.remand_days,
        "isolation_days": data.isolation_days,
        "expected_release": data.expected_release,
        "legal_status": data.legal_status,
    }
    raise_if_errors(case_fact_errors(facts, country))
    term = Term(data.sentence_years or 0, data.sentence_months or 0, data.sentence_days or 0)
    if data.legal_status not in LegalStatus.values:
        raise ValidationError({"legal_status": _("Choose a legal status.")})

    with transaction.atomic():
        national_id = normalise_national_id(data.national_id, country)
        digest = national_id_digest(national_id)
        person = Person.objects.filter(national_id_hash=digest).first() if national_id else None
        if person is not None and not _same_name(person, data):
            # The number is known, but not with this name. Showing the known name, or linking
            # the cases, would hand whoever typed the number the person's identity and their
            # earlier case (issue 16, hole 1); the officer who has the person in front of
            # them can check the ID papers.
            raise ValidationError(
                {
                    "national_id": _(
                        "The name and the identity number do not belong together. Check both against the ID papers."
                    )
                }
            )
        if person is None:
            person = Person(
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
                birth_date=data.birth_date,
                national_id=national_id,
                user=person_user,
            )
            person.full_clean()
            person.save()
            record_change(
                actor=actor,
                action="person.create",
                obj=person,
                case=None,
                old=None,
                new=snapshot(person, PERSON_FIELDS),
            )
        previous = person.cases.order_by("-intake_date", "-id").first() if person.pk else None
        case = Case(
            person=person,
            institution=institution,
            unit=data.unit.strip(),
            security_level=data.security_level or institution.security_level or SecurityLevel.HIGH,
            country=country,
            legal_status=data.legal_status,
            intake_date=data.intake_date,
            sentence_start=data.sentence_start,
            sentence_years=term.years,
            sentence_months=term.months,
            sentence_term_days=term.days,
            sentence_days=term.length_days(data.sentence_start) if term.given and data.sentence_start else None,
            remand_days=data.remand_days,
            isolation_days=data.isolation_days,
            expected_release=data.expected_release,
            home_municipality=data.home_municipality.strip(),
            stage=stage_for(StageFacts(intake_date=data.intake_date), timezone.localdate()),
            previous_case=previous,
            created_by=actor,
        )
        case.full_clean()
        case.save()
        record_change(actor=actor, action="case.open", obj=case, case=case, old=None, new=snapshot(case, CASE_FIELDS))
        lead = Membership(
            case=case,
            user=actor,
            role=actor.role,
            agency=institution,
            purpose=_("Responsible for the case in prison"),
            start_date=min(data.intake_date, timezone.localdate()),
            accepted_at=timezone.now(),
            added_by=actor,
        )
        lead.full_clean()
        lead.save()
        record_change(
            actor=actor, action="membership.add", obj=lead, case=case, old=None, new=snapshot(lead, MEMBERSHIP_FIELDS)
        )
        case.lead = lead
        case.save(update_fields=["lead"])
        record_change(actor=actor, action="case.lead", obj=case, case=case, old={"lead": None}, new={"lead": lead.pk})
    return case


def _same_name(person: Person, data: IntakeData) -> bool:
    """Whether the name typed at intake is the known person's (letter case and spacing aside)."""

    def folded(name: str) -> str:
        return " ".join(name.casefold().split())

    return (folded(person.first_name), folded(person.last_name)) == (folded(data.first_name), folded(data.last_name))


def case_stage_refresh(*, actor: User, case: Case) -> Case:
    """Set the stage that follows from what has happened (``cases.stage``); journal a move.

    Call inside the transaction that changed what the stage depends on, after the change:
    the case row is read again under a lock, so the move and its journal entry commit
    together with the change, or not at all.
    """
    current = Case.objects.select_for_update().get(pk=case.pk)
    stage = stage_for(stage_facts(current), timezone.localdate())
    if stage != current.stage:
        old = snapshot(current, CASE_FIELDS)
        current.stage = stage
        current.save(update_fields=["stage"])
        record_change(
            actor=actor, action="case.stage", obj=current, case=current, old=old, new=snapshot(current, CASE_FIELDS)
        )
    case.stage = current.stage
    return current


def refuse_if_closed(case: Case) -> None:
    """A closed case takes no new members, needs, measures or meetings."""
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed and can no longer be changed."))


def counts_at_once(case: Case, user: User) -> bool:
    """Prison staff of the case's own institution count at once; everyone else is invited."""
    return user.role in PRISON_STAFF_ROLES and user.agency_id == case.institution_id


def membership_add(
    *,
    actor: User,
    case: Case,
    user: User,
    purpose: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Membership:
    """Invite a user to the case's responsibility group in the role they hold in their agency.

    An external member counts only once they accept (membership_accept); prison staff of
    the case's own institution count at once.
    """
    refuse_if_closed(case)
    if user.agency_id is None:
        raise ValidationError({"user": _("This user belongs to no known agency and cannot join a group.")})
    if user.role not in GROUP_ROLES:
        raise ValidationError({"user": _("Users with this role cannot be group members.")})
    if not user.is_active:
        raise ValidationError({"user": _("This user is deactivated.")})
    start = start_date or timezone.localdate()
    if end_date is not None and end_date < start:
        raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
    with transaction.atomic():
        still_open = Q(end_date__isnull=True) | Q(end_date__gte=start)
        if Membership.objects.select_for_update().filter(still_open, case=case, user=user).exists():
            raise ValidationError({"user": _("This user is already a member of the group.")})
        membership = Membership(
            case=case,
            user=user,
            role=user.role,
            agency_id=user.agency_id,
            purpose=purpose.strip(),
            start_date=start,
            end_date=end_date,
            accepted_at=timezone.now() if counts_at_once(case, user) else None,
            added_by=actor,
        )
        membership.full_clean()
        membership.save()
        record_change(
            actor=actor,
            action="membership.add",
            obj=membership,
            case=case,
            old=None,
            new=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def membership_accept(*, actor: User, membership: Membership) -> Membership:
    """Accept an invitation to a group; only the invited user can."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("case").get(pk=membership.pk)
        if membership.user_id != actor.pk:
            raise ValidationError(_("Only the invited person can accept this invitation."))
        if membership.accepted_at is not None:
            raise ValidationError(_("This invitation is already accepted."))
        if membership.ended_at is not None or (
            membership.end_date is not None and membership.end_date < timezone.localdate()
        ):
            raise ValidationError(_("This invitation has expired."))
        old = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.accepted_at = timezone.now()
        membership.save(update_fields=["accepted_at"])
        record_change(
            actor=actor,
            action="membership.accept",
            obj=membership,
            case=membership.case,
            old=old,
            new=snapshot(membership, MEMBERSHIP_FIELDS),
        )
        from handover.services import transition_note_acceptance

        transition_note_acceptance(actor=actor, membership=membership)
    return membership


def membership_decline(*, actor: User, membership: Membership) -> Membership:
    """Decline an invitation: the record stays, ended and never accepted."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("case").get(pk=membership.pk)
        if membership.user_id != actor.pk:
            raise ValidationError(_("Only the invited person can decline this invitation."))
        if membership.accepted_at is not None or membership.end_date is not None:
            raise ValidationError(_("This invitation is no longer open."))
        old = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.end_date = max(membership.start_date, timezone.localdate())
        membership.ended_at = timezone.now()
        membership.save(update_fields=["end_date", "ended_at"])
        record_change(
            actor=actor,
            action="membership.decline",
            obj=membership,
            case=membership.case,
            old=old,
            new=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def membership_make_lead(*, actor: User, membership: Membership) -> Membership:
    """Hand the lead to another member; the case has exactly one lead before and after.

    The new lead must be prison staff of the case's own institution or an incoming actor
    of a transition who has taken hold (``handover.rules.lead_blocked``).
    """
    from handover.rules import lead_blocked

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=membership.case_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.case = case
        if case.stage == Stage.CLOSED:
            raise ValidationError(_("The case is closed."))
        if case.lead_id == membership.pk:
            return membership
        reason = lead_blocked(membership)
        if reason:
            raise ValidationError(reason)
        old_lead = case.lead_id
        case.lead = membership
        case.save(update_fields=["lead"])
        record_change(
            actor=actor, action="case.lead", obj=case, case=case, old={"lead": old_lead}, new={"lead": membership.pk}
        )
    return membership


def membership_end(*, actor: User, membership: Membership, end_date: datetime.date | None = None) -> Membership:
    """End a membership; the record stays. The lead cannot leave without a handover."""
    end = end_date or timezone.localdate()
    from handover.rules import leave_blocked

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=membership.case_id)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.case = case
        if membership.end_date is not None:
            raise ValidationError(_("This membership has already ended."))
        reason = leave_blocked(membership)
        if reason:
            raise ValidationError(reason)
        if end < membership.start_date:
            raise ValidationError(_("A membership cannot end before it started."))
        old = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.end_date = end
        fields = ["end_date"]
        if end <= timezone.localdate():
            # Ended now, not at midnight: access ends on the next request.
            membership.ended_at = timezone.now()
            fields.append("ended_at")
        membership.full_clean()
        membership.save(update_fields=fields)
        record_change(
            actor=actor,
            action="membership.end",
            obj=membership,
            case=membership.case,
            old=old,
            new=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


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


# After release, closure and a new sentence (issue 5, points 6 and 7).

NEED_COPY_FIELDS = [
    "tangle",
    "life_area",
    "knot",
    "own_words",
    "summary",
    "acute",
    "status",
    "private",
    "shared_with_volunteers",
    "copied_from",
]
MEASURE_COPY_FIELDS = [
    "title",
    "description",
    "needs",
    "responsible_agency",
    "responsible_user",
    "start_date",
    "due_date",
    "requires_of_person",
    "status",
    "copied_from",
]


def _lock_open_case(case: Case, version: int | None) -> Case:
    """Lock the case row; refuse a closed case, and an edit begun on an older version."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and current.version != version:
        raise ConcurrentEditError(current)
    refuse_if_closed(current)
    return current


def case_follow_up_phase_set(*, actor: User, case: Case, phase: str, version: int) -> Case:
    """Move the follow-up after release on: reporting duty, closing, voluntary aftercare.

    The case stays the same case and the person may keep the group (TOG, seed 002 ch. 3).
    """
    if phase not in FollowUpPhase.values:
        raise ValidationError({"phase": _("Choose a phase of the follow-up.")})
    with transaction.atomic():
        current = _lock_open_case(case, version)
        if current.stage != Stage.AFTER_RELEASE:
            raise ValidationError({"phase": _("The follow-up phase can only be set once the person is released.")})
        if current.follow_up_phase == phase:
            raise ValidationError({"phase": _("The follow-up is already in this phase.")})
        old = snapshot(current, CASE_FIELDS)
        current.follow_up_phase = phase
        current.version += 1
        current.full_clean(exclude=["lead"])
        current.save(update_fields=["follow_up_phase", "version"])
        record_change(
            actor=actor,
            action="case.follow_up_phase",
            obj=current,
            case=current,
            old=old,
            new=snapshot(current, CASE_FIELDS),
        )
    return current


def anonymise_date_for(closed_on: datetime.date) -> datetime.date:
    """Return the day from which a case closed on ``closed_on`` will be anonymised."""
    return closed_on + datetime.timedelta(days=settings.ANONYMISE_AFTER_DAYS)


def case_close(*, actor: User, case: Case, reason: str, version: int) -> Case:
    """Close the case with a reason: an open transition is cancelled and every membership ends.

    The lead stays recorded as the lead of the closed case. The database refuses to end
    the lead's membership while the case is open (cases/0003), so the case is saved as
    closed first, then the memberships end, all in one transaction.
    """
    from handover.rules import open_transition
    from handover.services import transition_cancel

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is closed.")})
    today = timezone.localdate()
    with transaction.atomic():
        _lock_open_case(case, version)
        transition = open_transition(case.pk)
        if transition is not None:
            transition_cancel(actor=actor, transition=transition, reason=reason, version=transition.version)
        # Read again: cancelling a release moves the stage back.
        current = Case.objects.select_for_update().get(pk=case.pk)
        old = snapshot(current, CASE_FIELDS)
        current.stage = Stage.CLOSED
        current.closed_on = today
        current.closing_reason = reason
        current.anonymise_on = anonymise_date_for(today)
        current.version += 1
        current.full_clean(exclude=["lead"])
        current.save(update_fields=["stage", "closed_on", "closing_reason", "anonymise_on", "version"])
        record_change(
            actor=actor, action="case.close", obj=current, case=current, old=old, new=snapshot(current, CASE_FIELDS)
        )
        still_open = Q(ended_at__isnull=True) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        for membership in Membership.objects.select_for_update().filter(still_open, case=current).order_by("pk"):
            old_member = snapshot(membership, MEMBERSHIP_FIELDS)
            fields = ["end_date", "ended_at"]
            membership.ended_at = timezone.now()
            if membership.start_date > today:
                # A membership that has not begun never begins: it starts and ends today.
                membership.start_date = today
                fields.append("start_date")
            membership.end_date = today
            membership.full_clean()
            membership.save(update_fields=fields)
            record_change(
                actor=actor,
                action="membership.end",
                obj=membership,
                case=current,
                old=old_member,
                new=snapshot(membership, MEMBERSHIP_FIELDS),
            )
    return current


CARRY_OVER_FIELDS = [
    "case",
    "earlier_case",
    "needs_and_plan",
    "group",
    "person_answer",
    "holder_asked",
    "holder_answer",
    "holder_answered_by",
    "holder_reason",
    "carried_out_at",
]
CARRY_OVER_VIEW = "cases:carry_over"


def carry_over_ask(*, actor: User, case: Case, needs_and_plan: bool, group: bool) -> CarryOver:
    """Ask the person, and the staff of their earlier case while it is open, to carry it over.

    Nothing of the earlier case is read but whether it is still open (an access event on
    it, which the person sees); nothing is copied until everyone asked has agreed.
    """
    if not (needs_and_plan or group):
        raise ValidationError(
            {"needs_and_plan": _("Choose what to carry over: the needs and plan, the group, or both.")}
        )
    with transaction.atomic():
        current = _lock_open_case(case, None)
        if current.previous_case_id is None:
            raise ValidationError(_("The person has no earlier case that could be carried over."))
        if (
            CarryOver.objects.filter(case=current, person_answer__in=[Answer.WAITING, Answer.YES])
            .exclude(holder_answer=Answer.NO)
            .exists()
        ):
            raise ValidationError(_("The carry-over from the earlier case is already asked for."))
        earlier = Case.objects.only("pk", "stage").get(pk=current.previous_case_id)
        record_access(viewer=actor, case_ids=[earlier.pk], purpose=AccessPurpose.CARRY_OVER, view=CARRY_OVER_VIEW)
        request = CarryOver(
            case=current,
            earlier_case=earlier,
            needs_and_plan=needs_and_plan,
            group=group,
            asked_by=actor,
            holder_asked=earlier.stage != Stage.CLOSED,
        )
        request.full_clean()
        request.save()
        record_change(
            actor=actor,
            action="carry_over.ask",
            obj=request,
            case=current,
            old=None,
            new=snapshot(request, CARRY_OVER_FIELDS),
        )
    return request


def _lock_carry_over(carry_over: CarryOver) -> CarryOver:
    current = CarryOver.objects.select_for_update().select_related("case", "earlier_case").get(pk=carry_over.pk)
    if current.declined or current.carried_out_at is not None:
        raise ValidationError(_("This carry-over is already answered."))
    return current


def carry_over_person_answer(*, actor: User, carry_over: CarryOver, agree: bool) -> CarryOver:
    """Record the person's own answer; carry over at once if no one else must agree."""
    with transaction.atomic():
        current = _lock_carry_over(carry_over)
        if current.case.person.user_id != actor.pk:
            raise ValidationError(_("Only the person can answer for themselves."))
        if current.person_answer != Answer.WAITING:
            raise ValidationError(_("You have already answered."))
        old = snapshot(current, CARRY_OVER_FIELDS)
        current.person_answer = Answer.YES if agree else Answer.NO
        current.person_answered_at = timezone.now()
        current.save(update_fields=["person_answer", "person_answered_at"])
        record_change(
            actor=actor,
            action="carry_over.person_answer",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, CARRY_OVER_FIELDS),
        )
        if current.agreed:
            # The copy is the asker's work, on the person's word: they read the earlier case.
            _carry_over_run(actor=current.asked_by, carry_over=current)
    return current


def carry_over_holder_answer(*, actor: User, carry_over: CarryOver, agree: bool, reason: str = "") -> CarryOver:
    """Record the earlier case's answer (its staff decide; the view checks who); carry over if the person agreed."""
    reason = reason.strip()
    if not agree and not reason:
        raise ValidationError({"reason": _("Say why, so that the person and the new prison know.")})
    with transaction.atomic():
        current = _lock_carry_over(carry_over)
        if not current.holder_asked or current.holder_answer != Answer.WAITING:
            raise ValidationError(_("The earlier case has already answered."))
        old = snapshot(current, CARRY_OVER_FIELDS)
        current.holder_answer = Answer.YES if agree else Answer.NO
        current.holder_answered_by = actor
        current.holder_answered_at = timezone.now()
        current.holder_reason = reason
        current.save(update_fields=["holder_answer", "holder_answered_by", "holder_answered_at", "holder_reason"])
        record_change(
            actor=actor,
            action="carry_over.holder_answer",
            obj=current,
            case=current.earlier_case,
            old=old,
            new=snapshot(current, CARRY_OVER_FIELDS),
        )
        if current.agreed:
            _carry_over_run(actor=current.asked_by, carry_over=current)
    return current


def _carry_over_run(*, actor: User, carry_over: CarryOver) -> None:
    """Copy what everyone agreed to, in the caller's transaction; the earlier case is only read."""
    case, earlier = carry_over.case, carry_over.earlier_case
    record_access(viewer=actor, case_ids=[earlier.pk], purpose=AccessPurpose.CARRY_OVER, view=CARRY_OVER_VIEW)
    if carry_over.group:  # first, so that a measure's earlier responsible actor, invited again, keeps it
        _invite_earlier_group(actor=actor, case=case, earlier=earlier)
    if carry_over.needs_and_plan:
        _copy_needs_and_plan(actor=actor, case=case, earlier=earlier)
    carry_over.carried_out_at = timezone.now()
    carry_over.save(update_fields=["carried_out_at"])
    record_change(
        actor=actor,
        action="carry_over.done",
        obj=carry_over,
        case=case,
        old=None,
        new=snapshot(carry_over, CARRY_OVER_FIELDS),
    )


def _invite_earlier_group(*, actor: User, case: Case, earlier: Case) -> list[Membership]:
    """Invite the earlier group's members again (as it stood when it closed); each accepts anew, under this consent."""
    current = Membership.objects.filter(membership_is_open(), case=case).values_list("user_id", flat=True)
    if earlier.stage == Stage.CLOSED:  # the group as it stood when the case closed
        in_earlier_group = Q(accepted_at__isnull=False, end_date__gte=earlier.closed_on)
    else:
        in_earlier_group = membership_is_current()
    earlier_members = (
        Membership.objects.filter(in_earlier_group, case=earlier)
        .exclude(user_id__in=current)
        .exclude(user_id=actor.pk)
        .select_related("user")
        .order_by("pk")
    )
    invited, seen = [], set()
    for old_member in earlier_members:
        if old_member.user_id in seen or not old_member.user.is_active:
            continue
        seen.add(old_member.user_id)
        invited.append(membership_add(actor=actor, case=case, user=old_member.user, purpose=old_member.purpose))
    return invited


def _copy_needs_and_plan(*, actor: User, case: Case, earlier: Case) -> tuple[list[Need], list[Measure]]:
    """Copy the earlier case's open needs that are not private, and the unfinished measures that answer only them.

    A private need is for the earlier contact officer and the person only, so it never
    travels, and neither does a measure that answers it (its title could tell of it).
    The volunteers' view is the person's choice anew in each case, so it is not copied.
    """
    earlier_needs = list(
        Need.objects.filter(case=earlier, private=False)
        .exclude(status__in=[NeedStatus.MET, NeedStatus.NOT_RELEVANT])
        .order_by("pk")
    )
    earlier_measures = list(
        Measure.objects.filter(case=earlier, status__in=[MeasureStatus.CHOSEN, MeasureStatus.STARTED])
        .select_related("responsible_user")
        .prefetch_related("needs")
        .order_by("pk")
    )
    copies: dict[int, Need] = {}
    for old_need in earlier_needs:
        need = Need(
            case=case,
            tangle_id=old_need.tangle_id,
            life_area_id=old_need.life_area_id,
            knot_id=old_need.knot_id,
            own_words=old_need.own_words,
            summary=old_need.summary,
            acute=old_need.acute,
            status=NeedStatus.OPEN,
            private=False,
            copied_from=old_need,
            recorded_by=actor,
        )
        need.full_clean()
        need.save()
        copies[old_need.pk] = need
        record_change(
            actor=actor, action="need.take_over", obj=need, case=case, old=None, new=snapshot(need, NEED_COPY_FIELDS)
        )
    # In the group, or invited to it and not refused.
    members = set(Membership.objects.filter(membership_is_open(), case=case).values_list("user_id", flat=True))
    today = timezone.localdate()
    measures = []
    for old_measure in earlier_measures:
        answered = [need.pk for need in old_measure.needs.all()]
        if not answered or any(pk not in copies for pk in answered):
            # It answers a private need, or only needs that are met: nothing to carry on.
            continue
        # The earlier responsible actor keeps the task if they are in the new group;
        # otherwise whoever takes over holds it until the group decides.
        responsible = old_measure.responsible_user if old_measure.responsible_user_id in members else actor
        if responsible.agency_id is None:  # membership_add lets no such user in
            raise ValidationError(_("This user belongs to no known agency and cannot join a group."))
        start = max(old_measure.start_date, today)
        measure = Measure(
            case=case,
            title=old_measure.title,
            description=old_measure.description,
            responsible_agency_id=responsible.agency_id,
            responsible_user=responsible,
            start_date=start,
            due_date=max(old_measure.due_date, start),
            requires_of_person=old_measure.requires_of_person,
            status=MeasureStatus.PROPOSED,
            copied_from=old_measure,
            proposed_by=actor,
        )
        measure.full_clean()
        measure.save()
        measure.needs.set([copies[pk] for pk in answered])
        measures.append(measure)
        record_change(
            actor=actor,
            action="measure.take_over",
            obj=measure,
            case=case,
            old=None,
            new=snapshot(measure, MEASURE_COPY_FIELDS),
        )
    return list(copies.values()), measures
