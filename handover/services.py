"""Writes to transitions; each journaled in its own transaction (POP step 7).

The passages of a case: a transfer, a move to probation, a release (planned or at short
notice), and the group writes a passage takes part in: accepting an invitation (an incoming
actor's acceptance starts the overlap) and closing the case (its open transition is
cancelled). They build on ``cases.services`` (the case and its group) and on
``release.services`` (the release checklist); neither of those calls back here.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, AgencyKind, User
from cases.models import CASE_FIELDS, Case, FollowUpPhase, Membership, Stage, membership_is_open
from cases.services import CASE_RELATIONS, MEMBERSHIP_FIELDS, lock_open_case, membership_add
from cases.stage import case_stage_refresh
from core.errors import ConcurrentEditError
from handover.models import OPEN_STATES, Transition, TransitionKind, TransitionState
from handover.rules import open_transition, taken_hold_ids
from journal.services import record_change, snapshot
from notices.models import NoticeKind
from notices.services import enqueue_release_notices
from release.selectors import release_transitions
from release.services import (
    readiness_create,
    readiness_mark_urgent,
    readiness_release_happened,
    release_alerts_send,
)
from timetable.engine import anonymise_on

TRANSITION_FIELDS = [
    "kind",
    "state",
    "planned_date",
    "completed_on",
    "early_reason",
    "handover_gap",
    "from_agency",
    "to_agency",
    "to_unit",
    "reason",
    "sudden",
    "cancel_reason",
    "incoming",
]
#: A transition's relations: rows in hand where it is written, so ``full_clean`` leaves them out
#: (a query each to find a row we hold; the database's foreign keys stand behind them). The one
#: open transition per case is checked where one is planned, under the case's lock.
TRANSITION_RELATIONS = ["case", "from_agency", "to_agency", "created_by"]
#: How far back a transition's date may lie when it is recorded (a release yesterday, say).
MAX_DAYS_BACK = 7
#: The kinds of agency each transition may move to.
TO_AGENCY_KINDS: dict[str, set[str]] = {
    TransitionKind.TRANSFER_PRISON: {AgencyKind.PRISON},
    TransitionKind.TRANSFER_UNIT: {AgencyKind.PRISON},
    TransitionKind.HOME_DETENTION: {AgencyKind.PROBATION},
    TransitionKind.PAROLE: {AgencyKind.PROBATION},
    TransitionKind.RELEASE: {AgencyKind.MUNICIPALITY},
}


def _journal(actor: User, action: str, transition: Transition, old: dict[str, Any] | None) -> None:
    record_change(
        actor=actor,
        action=action,
        obj=transition,
        case=transition.case,
        old=old,
        new=snapshot(transition, TRANSITION_FIELDS),
    )


def transition_plan(
    *,
    actor: User,
    case: Case,
    kind: str,
    planned_date: datetime.date,
    to_agency: Agency | None = None,
    to_unit: str = "",
    reason: str = "",
) -> Transition:
    """Plan a transfer, a move to probation or a release; the incoming actors are invited next."""
    errors: dict[str, str] = {}
    if kind not in TransitionKind.values:
        errors["kind"] = _("Choose what kind of transition this is.")
    if planned_date is None:
        errors["planned_date"] = _("Give the planned date.")
    elif planned_date < timezone.localdate() - datetime.timedelta(days=MAX_DAYS_BACK):
        errors["planned_date"] = _("The planned date cannot lie more than a week back.")
    if kind == TransitionKind.TRANSFER_PRISON:
        if to_agency is None:
            errors["to_agency"] = _("Choose the prison the person moves to.")
        elif to_agency.pk == case.institution_id:
            errors["to_agency"] = _("The person is already in this prison; plan a transfer to another unit instead.")
    if kind == TransitionKind.TRANSFER_UNIT:
        to_agency = case.institution
        if not to_unit.strip():
            errors["to_unit"] = _("Give the unit the person moves to.")
        elif to_unit.strip() == case.unit:
            errors["to_unit"] = _("The person is already in this unit.")
    if to_agency is not None and kind in TO_AGENCY_KINDS and to_agency.kind not in TO_AGENCY_KINDS[kind]:
        errors["to_agency"] = _("This agency cannot receive the person for this kind of transition.")
    if case.stage == Stage.CLOSED:
        errors["kind"] = _("The case is closed.")
    elif case.released_on is not None and kind in TransitionKind.releases():
        errors["kind"] = _("The person is already released.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Transition.objects.filter(case=case, state__in=OPEN_STATES).exists():
            raise ValidationError(_("A transition is already planned. Complete or cancel it first."))
        transition = Transition(
            case=case,
            kind=kind,
            planned_date=planned_date,
            from_agency_id=case.institution_id,
            to_agency=to_agency,
            to_unit=to_unit.strip(),
            reason=reason.strip(),
            created_by=actor,
        )
        # Its checks hold as made (planned: neither completed without a day nor cancelled without a
        # reason), and the database keeps them: no query each (three on PostgreSQL, with a savepoint).
        transition.full_clean(exclude=TRANSITION_RELATIONS, validate_constraints=False)
        transition.save()
        _journal(actor, "transition.plan", transition, None)
        case_stage_refresh(actor=actor, case=case)
        readiness_create(actor=actor, transition=transition)
        if transition.is_release:
            enqueue_release_notices(case, NoticeKind.DATE_SET, by=actor)
    return transition


def transition_invite(*, actor: User, transition: Transition, user: User, purpose: str = "") -> Membership:
    """Invite an incoming actor for the transition, or count a current member as incoming."""
    with transaction.atomic():
        transition = Transition.objects.select_for_update().select_related("case").get(pk=transition.pk)
        if not transition.is_open:
            raise ValidationError(_("This transition is no longer open."))
        old = snapshot(transition, TRANSITION_FIELDS)
        today = timezone.localdate()
        open_memberships = Membership.objects.filter(case=transition.case, user=user, end_date__isnull=True)
        if transition.case.lead_id is not None:
            open_memberships = open_memberships.exclude(pk=transition.case.lead_id)
        membership = open_memberships.first()
        if membership is None:
            if Membership.objects.filter(case=transition.case, user=user, end_date__isnull=True).exists():
                raise ValidationError({"user": _("The lead cannot be an incoming actor of their own case.")})
            membership = membership_add(actor=actor, case=transition.case, user=user, purpose=purpose, start_date=today)
        if transition.incoming.filter(pk=membership.pk).exists():
            raise ValidationError({"user": _("This member is already invited for the transition.")})
        transition.incoming.add(membership)
        if membership.accepted_at is not None and transition.state == TransitionState.PLANNED:
            transition.state = TransitionState.OVERLAP
            transition.save(update_fields=["state"])
        _journal(actor, "transition.invite", transition, old)
    return membership


def transition_note_acceptance(*, actor: User, membership: Membership) -> None:
    """An incoming member accepted: the transition is now in overlap. Called by membership_accept."""
    for transition in Transition.objects.select_for_update().filter(incoming=membership, state=TransitionState.PLANNED):
        old = snapshot(transition, TRANSITION_FIELDS)
        transition.state = TransitionState.OVERLAP
        transition.save(update_fields=["state"])
        _journal(actor, "transition.overlap", transition, old)


def transition_cancel(*, actor: User, transition: Transition, reason: str, version: int) -> Transition:
    """Cancel a planned transition; the reason is kept. The incoming members stay in the group."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transition is cancelled.")})
    with transaction.atomic():
        current = Transition.objects.select_for_update().select_related("case").get(pk=transition.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        if not current.is_open:
            raise ValidationError(_("This transition is no longer open."))
        old = snapshot(current, TRANSITION_FIELDS)
        current.state = TransitionState.CANCELLED
        current.cancel_reason = reason.strip()
        current.version += 1
        current.full_clean()
        current.save(update_fields=["state", "cancel_reason", "version"])
        _journal(actor, "transition.cancel", current, old)
        case_stage_refresh(actor=actor, case=current.case)
        if current.is_release:
            enqueue_release_notices(current.case, NoticeKind.DATE_CHANGED, by=actor)
    return current


def transition_complete(
    *,
    actor: User,
    transition: Transition,
    on: datetime.date | None = None,
    sudden: bool = False,
    early_reason: str = "",
) -> Transition:
    """Record that the transition happened.

    A transfer moves the case to the new prison or unit, and needs the lead to have been
    handed to an incoming actor first. A release moves the case to follow-up after
    release; the prison staff stay in the group, and the lead with them, until the
    incoming actors have taken hold (``handover.rules``), so a sudden release leaves
    no gap either.
    """
    on = on or timezone.localdate()
    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("A transition can only be recorded as done on or after the day it happens.")})
    if on < today - datetime.timedelta(days=MAX_DAYS_BACK):
        raise ValidationError({"on": _("The date cannot lie more than a week back.")})
    with transaction.atomic():
        current = Transition.objects.select_for_update().get(pk=transition.pk)
        case = Case.objects.select_for_update().get(pk=current.case_id)
        current.case = case
        if not current.is_open:
            raise ValidationError(_("This transition is no longer open."))
        if sudden and not current.is_release:
            raise ValidationError(_("Only a release can happen at short notice."))
        started = case.sentence_start or case.intake_date
        if on < started:
            raise ValidationError(
                {"on": _("It cannot have happened before the sentence started (%(date)s).") % {"date": started}}
            )
        early_reason = early_reason.strip()
        if on < current.planned_date and not (sudden or current.sudden) and not early_reason:
            raise ValidationError(
                {
                    "early_reason": _("It happened before the planned date (%(date)s). Say why.")
                    % {"date": current.planned_date}
                }
            )
        incoming = list(current.incoming.all())
        gap = current.is_release and not taken_hold_ids(incoming)
        if current.kind in {TransitionKind.TRANSFER_PRISON, TransitionKind.TRANSFER_UNIT} and (
            case.lead_id is None or not current.incoming.filter(pk=case.lead_id).exists()
        ):
            raise ValidationError(
                _("Hand the lead to the incoming contact officer before the transfer is recorded as done.")
            )
        old = snapshot(current, TRANSITION_FIELDS)
        current.state = TransitionState.COMPLETED
        current.completed_on = on
        current.sudden = current.sudden or sudden
        current.early_reason = early_reason if on < current.planned_date else ""
        current.handover_gap = gap
        current.version += 1
        # Read above, locked; completed, it is no longer open, and its checks hold as set here
        # (completed on ``on``, not cancelled); the database keeps them.
        current.full_clean(exclude=TRANSITION_RELATIONS, validate_constraints=False)
        current.save(update_fields=["state", "completed_on", "sudden", "early_reason", "handover_gap", "version"])
        _journal(actor, "transition.complete", current, old)
        old_case = snapshot(case, CASE_FIELDS)
        if current.kind == TransitionKind.TRANSFER_PRISON:
            prison = current.to_agency
            assert prison is not None  # transition_create refuses a transfer without the receiving prison
            case.institution = prison
            case.security_level = prison.security_level or case.security_level
            case.unit = current.to_unit
        elif current.kind == TransitionKind.TRANSFER_UNIT:
            case.unit = current.to_unit
        else:
            case.stage = Stage.AFTER_RELEASE
            case.released_on = on
            case.expected_release = on
            case.follow_up_phase = (
                FollowUpPhase.REPORTING_DUTY if current.kind != TransitionKind.RELEASE else FollowUpPhase.AFTERCARE
            )
        case.full_clean(exclude=CASE_RELATIONS)  # read above, locked; a new prison read from the transition
        case.save()
        record_change(
            actor=actor,
            action="case.transition",
            obj=case,
            case=case,
            old=old_case,
            new=snapshot(case, CASE_FIELDS),
        )
        case_stage_refresh(actor=actor, case=case)  # a transfer done: back to the stage the facts give
        if current.is_release:
            readiness_release_happened(actor=actor, transition=current, case=case)
            enqueue_release_notices(case, NoticeKind.RELEASED, by=actor)
    return current


def membership_accept(*, actor: User, membership: Membership) -> Membership:
    """Accept an invitation to a group; only the invited user can. An incoming actor's acceptance starts the overlap."""
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
        transition_note_acceptance(actor=actor, membership=membership)
    return membership


def case_close(*, actor: User, case: Case, reason: str, version: int) -> Case:
    """Close the case with a reason: an open transition is cancelled and every membership ends.

    The lead stays recorded as the lead of the closed case. The database refuses to end
    the lead's membership while the case is open (cases/0003), so the case is saved as
    closed first, then the memberships end, all in one transaction.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is closed.")})
    today = timezone.localdate()
    with transaction.atomic():
        lock_open_case(case, version)
        transition = open_transition(case.pk)
        if transition is not None:
            transition_cancel(actor=actor, transition=transition, reason=reason, version=transition.version)
        # Read again: cancelling a release moves the stage back.
        current = Case.objects.select_for_update().get(pk=case.pk)
        old = snapshot(current, CASE_FIELDS)
        current.stage = Stage.CLOSED
        current.closed_on = today
        current.closing_reason = reason
        current.anonymise_on = anonymise_on(today)
        current.version += 1
        current.full_clean(exclude=["lead"])
        current.save(update_fields=["stage", "closed_on", "closing_reason", "anonymise_on", "version"])
        record_change(
            actor=actor, action="case.close", obj=current, case=current, old=old, new=snapshot(current, CASE_FIELDS)
        )
        for membership in (
            Membership.objects.select_for_update().filter(membership_is_open(today), case=current).order_by("pk")
        ):
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


@dataclass
class SuddenResult:
    transition: Transition
    urgent: int
    repeated: bool


def release_sudden(*, actor: User, case: Case, on: datetime.date, reason: str, base_url: str = "") -> SuddenResult:
    """Record a release at short notice (remand, an early decision).

    Completes the open release, or plans and completes one; every missing readiness item
    becomes an urgent task for its owner, and every current member and owner is e-mailed
    once, right after the commit (``release_alerts_send``). A repeat (a double submit, a
    rerun) finds the release already recorded at short notice and marks and sends nothing
    twice.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the release came at short notice.")})
    if on is None:
        raise ValidationError({"on": _("Give the day of release.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        open_transition = Transition.objects.filter(case=case, state__in=OPEN_STATES).first()
        latest = release_transitions(case.pk).first()
        repeated = False
        if open_transition is not None and not open_transition.is_release:
            raise ValidationError(_("A transfer is planned. Cancel it before recording a release."))
        if open_transition is not None:
            transition = open_transition
        elif latest is not None and latest.state == TransitionState.COMPLETED and latest.sudden:
            transition, repeated = latest, True
        elif case.released_on is not None:
            raise ValidationError(_("The person is already released."))
        else:
            transition = transition_plan(
                actor=actor, case=case, kind=TransitionKind.RELEASE, planned_date=on, reason=reason
            )
        readiness_create(actor=actor, transition=transition)
        if not repeated:
            old = {"sudden": transition.sudden, "completed_on": None}
            transition = transition_complete(actor=actor, transition=transition, on=on, sudden=True)
            record_change(
                actor=actor,
                action="release.sudden",
                obj=transition,
                case=case,
                old=old,
                new={"sudden": True, "completed_on": on.isoformat(), "reason": reason},
            )
        urgent = readiness_mark_urgent(actor=actor, transition=transition, case=case)
    transaction.on_commit(lambda: release_alerts_send(transition=transition, base_url=base_url))
    return SuddenResult(transition=transition, urgent=urgent, repeated=repeated)
