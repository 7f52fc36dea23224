"""Writes to cases and their groups; each journaled in its own transaction."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access.policy import can_open_cases, counts_at_once
from accounts.models import GROUP_ROLES, Agency, SecurityLevel, User
from cases.identity import national_id_digest
from cases.models import (
    CASE_FIELDS,
    Answer,
    CarryOver,
    Case,
    FollowUpPhase,
    LegalStatus,
    Membership,
    Person,
    Stage,
    membership_is_current,
    membership_is_open,
)
from cases.sentence import Term
from cases.stage import StageFacts, case_stage_refresh, stage_for
from cases.validation import case_fact_errors, normalise_national_id, raise_if_errors, refuse_if_closed
from core.errors import ConcurrentEditError
from handover.rules import lead_blocked, leave_blocked
from journal.models import AccessPurpose
from journal.services import record_access, record_change, snapshot
from needs.models import Need, NeedStatus
from needs.services import need_take_over
from notices.models import NoticeKind
from notices.services import enqueue_release_notices
from plans.models import Measure, MeasureStatus
from plans.services import measure_take_over

PERSON_FIELDS = ["first_name", "last_name", "birth_date", "national_id", "user"]
MEMBERSHIP_FIELDS = ["user", "role", "agency", "purpose", "start_date", "end_date", "ended_at", "accepted_at"]
#: A case's and a membership's relations. Where the related rows are in hand (read or written in
#: the same transaction), ``full_clean`` leaves them out: each would cost a query to find a row we
#: hold, and the database's foreign keys stand behind them. Leaving a relation out also leaves out
#: the unique rules over it: the one open membership per user is checked where one is opened.
CASE_RELATIONS = ["person", "institution", "previous_case", "lead", "created_by"]
MEMBERSHIP_RELATIONS = ["case", "user", "agency", "added_by"]


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
    if not can_open_cases(actor) or institution is None:
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
        case.full_clean(exclude=CASE_RELATIONS)
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
        lead.full_clean(exclude=MEMBERSHIP_RELATIONS)  # a new case: no membership to collide with
        lead.save()
        record_change(
            actor=actor, action="membership.add", obj=lead, case=case, old=None, new=snapshot(lead, MEMBERSHIP_FIELDS)
        )
        case.lead = lead
        case.save(update_fields=["lead"])
        record_change(actor=actor, action="case.lead", obj=case, case=case, old={"lead": None}, new={"lead": lead.pk})
        enqueue_release_notices(case, NoticeKind.DATE_SET, by=actor)
    return case


def _same_name(person: Person, data: IntakeData) -> bool:
    """Whether the name typed at intake is the known person's (letter case and spacing aside)."""

    def folded(name: str) -> str:
        return " ".join(name.casefold().split())

    return (folded(person.first_name), folded(person.last_name)) == (folded(data.first_name), folded(data.last_name))


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
        membership.full_clean(exclude=MEMBERSHIP_RELATIONS)  # the open membership is checked above, locked
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
        membership.full_clean(exclude=MEMBERSHIP_RELATIONS)  # read above, locked; ending opens nothing
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


# After release, closure and a new sentence (issue 5, points 6 and 7).


def lock_open_case(case: Case, version: int | None) -> Case:
    """Lock the case row; refuse a closed case, and an edit begun on an older version."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and current.version != version:
        raise ConcurrentEditError(current)
    refuse_if_closed(current)
    return current


def case_expected_release_set(
    *, actor: User, case: Case, expected_release: datetime.date | None, version: int | None = None
) -> Case:
    """Change the expected release date (the prison system reports a new one); journaled with old and new.

    Checked against the case's own facts as at intake (not before the intake date or the
    sentence's start); a released or closed case keeps the date its release gave it.
    """
    with transaction.atomic():
        current = lock_open_case(case, version)
        if current.released_on is not None:
            raise ValidationError({"expected_release": _("The person is already released.")})
        facts = {
            "intake_date": current.intake_date,
            "sentence_start": current.sentence_start,
            "expected_release": expected_release,
        }
        errors = case_fact_errors(facts, current.country)
        raise_if_errors({field: messages for field, messages in errors.items() if field == "expected_release"})
        if current.expected_release == expected_release:
            return current
        old = snapshot(current, CASE_FIELDS)
        current.expected_release = expected_release
        current.version += 1
        current.save(update_fields=["expected_release", "version"])
        record_change(
            actor=actor,
            action="case.expected_release",
            obj=current,
            case=current,
            old=old,
            new=snapshot(current, CASE_FIELDS),
        )
        case_stage_refresh(actor=actor, case=current)
        # The agencies told of the release date are told it changed (a planned release's date wins).
        enqueue_release_notices(current, NoticeKind.DATE_CHANGED, by=actor)
    return current


def case_follow_up_phase_set(*, actor: User, case: Case, phase: str, version: int) -> Case:
    """Move the follow-up after release on: reporting duty, closing, voluntary aftercare.

    The case stays the same case and the person may keep the group (TOG, seed 002 ch. 3).
    """
    if phase not in FollowUpPhase.values:
        raise ValidationError({"phase": _("Choose a phase of the follow-up.")})
    with transaction.atomic():
        current = lock_open_case(case, version)
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
        current = lock_open_case(case, None)
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
        copies[old_need.pk] = need_take_over(actor=actor, case=case, earlier=old_need)
    # In the group, or invited to it and not refused.
    members = set(Membership.objects.filter(membership_is_open(), case=case).values_list("user_id", flat=True))
    measures = []
    for old_measure in earlier_measures:
        answered = [need.pk for need in old_measure.needs.all()]
        if not answered or any(pk not in copies for pk in answered):
            # It answers a private need, or only needs that are met: nothing to carry on.
            continue
        # The earlier responsible actor keeps the task if they are in the new group;
        # otherwise whoever takes over holds it until the group decides.
        responsible = old_measure.responsible_user if old_measure.responsible_user_id in members else actor
        measures.append(
            measure_take_over(
                actor=actor,
                case=case,
                earlier=old_measure,
                needs=[copies[pk] for pk in answered],
                responsible=responsible,
            )
        )
    return list(copies.values()), measures
