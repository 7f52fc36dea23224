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
from cases.models import Case, FollowUpPhase, LegalStatus, Meeting, MeetingKind, Membership, Person, Stage
from cases.validation import case_fact_errors, normalise_national_id, raise_if_errors
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot
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
        "sentence_days": data.sentence_days,
        "remand_days": data.remand_days,
        "isolation_days": data.isolation_days,
        "expected_release": data.expected_release,
        "legal_status": data.legal_status,
    }
    raise_if_errors(case_fact_errors(facts, country))
    if data.legal_status not in LegalStatus.values:
        raise ValidationError({"legal_status": _("Choose a legal status.")})

    with transaction.atomic():
        national_id = normalise_national_id(data.national_id, country)
        digest = national_id_digest(national_id)
        person = Person.objects.filter(national_id_hash=digest).first() if national_id else None
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
            sentence_days=data.sentence_days,
            remand_days=data.remand_days,
            isolation_days=data.isolation_days,
            expected_release=data.expected_release,
            home_municipality=data.home_municipality.strip(),
            stage=Stage.PREPARATION if data.intake_date > timezone.localdate() else Stage.UNDERSTAND_NEEDS,
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


def group_take_over(*, actor: User, case: Case) -> list[Membership]:
    """Start the group from the person's earlier case: its current members are invited again.

    Everyone accepts anew (the earlier consent does not carry over); members already in
    this group are skipped.
    """
    refuse_if_closed(case)
    if case.previous_case_id is None:
        raise ValidationError(_("The person has no earlier case whose group could be taken over."))
    today = timezone.localdate()
    earlier = (
        Membership.objects.filter(case_id=case.previous_case_id, accepted_at__isnull=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user")
    )
    added = []
    with transaction.atomic():
        still_open = Q(end_date__isnull=True) | Q(end_date__gte=today)
        present = set(case.memberships.filter(still_open).values_list("user_id", flat=True))
        for old_member in earlier:
            if old_member.user_id in present or not old_member.user.is_active:
                continue
            added.append(
                membership_add(
                    actor=actor, case=case, user=old_member.user, purpose=old_member.purpose, start_date=today
                )
            )
    return added


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
    first = None
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


def _already_taken_over(case: Case) -> bool:
    return (
        Need.objects.filter(case=case, copied_from__isnull=False).exists()
        or Measure.objects.filter(case=case, copied_from__isnull=False).exists()
    )


def case_take_over_needs_and_plan(*, actor: User, case: Case) -> tuple[list, list]:
    """Start a new sentence's case from the earlier case's open needs and unfinished plan.

    The needs that are not met or no longer relevant are copied as open needs; the chosen
    measures that are not done are copied as proposals, for the person to choose anew.
    The earlier case is not touched, so its history stays as it was. Return the new needs
    and the new measures.
    """
    with transaction.atomic():
        current = _lock_open_case(case, None)
        if current.previous_case_id is None:
            raise ValidationError(_("The person has no earlier case whose needs and plan could be taken over."))
        if _already_taken_over(current):
            raise ValidationError(_("The needs and plan of the earlier case are already taken over."))
        earlier_needs = list(
            Need.objects.filter(case_id=current.previous_case_id)
            .exclude(status__in=[NeedStatus.MET, NeedStatus.NOT_RELEVANT])
            .order_by("pk")
        )
        earlier_measures = list(
            Measure.objects.filter(
                case_id=current.previous_case_id, status__in=[MeasureStatus.CHOSEN, MeasureStatus.STARTED]
            )
            .select_related("responsible_user")
            .prefetch_related("needs")
            .order_by("pk")
        )
        if not earlier_needs and not earlier_measures:
            raise ValidationError(_("The earlier case has no open needs and no unfinished measures to take over."))
        copies: dict[int, Need] = {}
        for old_need in earlier_needs:
            need = Need(
                case=current,
                tangle_id=old_need.tangle_id,
                life_area_id=old_need.life_area_id,
                knot_id=old_need.knot_id,
                own_words=old_need.own_words,
                summary=old_need.summary,
                acute=old_need.acute,
                status=NeedStatus.OPEN,
                private=old_need.private,
                shared_with_volunteers=old_need.shared_with_volunteers,
                copied_from=old_need,
                recorded_by=actor,
            )
            need.full_clean()
            need.save()
            copies[old_need.pk] = need
            record_change(
                actor=actor,
                action="need.take_over",
                obj=need,
                case=current,
                old=None,
                new=snapshot(need, NEED_COPY_FIELDS),
            )
        today = timezone.localdate()
        members = set(
            Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), case=current).values_list(
                "user_id", flat=True
            )
        )
        measures = []
        for old_measure in earlier_measures:
            needs = [copies[need.pk] for need in old_measure.needs.all() if need.pk in copies]
            if not needs:
                # Every need it answered is met or no longer relevant: nothing to carry on.
                continue
            # The earlier responsible actor keeps the task if they are in the new group;
            # otherwise whoever takes over holds it until the group decides.
            responsible = old_measure.responsible_user if old_measure.responsible_user_id in members else actor
            start = max(old_measure.start_date, today)
            measure = Measure(
                case=current,
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
            measure.needs.set(needs)
            measures.append(measure)
            record_change(
                actor=actor,
                action="measure.take_over",
                obj=measure,
                case=current,
                old=None,
                new=snapshot(measure, MEASURE_COPY_FIELDS),
            )
    return list(copies.values()), measures
