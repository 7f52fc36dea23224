"""Writes to cases, groups and meetings; each journaled in its own transaction."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import GROUP_ROLES, PRISON_STAFF_ROLES, Agency, Role, SecurityLevel, User
from cases.models import Case, LegalStatus, Meeting, MeetingKind, Membership, Person, Stage
from cases.validation import case_fact_errors, normalise_national_id, raise_if_errors
from journal.services import record_change, snapshot

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
MEMBERSHIP_FIELDS = ["user", "role", "agency", "purpose", "start_date", "end_date", "accepted_at"]
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
        person = Person.objects.filter(national_id=national_id).first() if national_id else None
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
        if membership.end_date is not None and membership.end_date < timezone.localdate():
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
        membership.save(update_fields=["end_date"])
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
        membership.full_clean()
        membership.save(update_fields=["end_date"])
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
