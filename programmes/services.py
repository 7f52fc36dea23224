"""Writes of programmes: the facts the criteria ask, staff posts, and a person's way through a programme.

Every write is journaled in its own transaction (``journal.services.record_change``). An
enrolment is one of the person's applications (``applications``: kind "programme"), so the
decision and a refusal's reason reach the person where they read their other answers.

The waiting list and the places (issue 20, point 3): an accepted applicant waits; places
are given to the first in line (the programme's priority rule, then the day of acceptance)
while the programme has a free place. Every change of the places runs with the programme's
row locked (``select_for_update``; SQLite takes its write lock at the start of every
transaction: ``transaction_mode`` IMMEDIATE in the settings), so two officers filling the
last place at once cannot both fill it: the second finds it taken and their applicant waits.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from applications.models import ApplicationKind, Outcome
from applications.services import application_decide, application_record
from cases.models import Case, Membership, membership_is_open
from cases.services import membership_add, membership_end
from core.errors import ConcurrentEditError
from handover.services import membership_accept
from journal.services import record_change, snapshot
from programmes import selectors
from programmes.models import (
    OPEN_STATES,
    Answer,
    CatchmentCount,
    Enrolment,
    EnrolmentState,
    Phase,
    PhaseStep,
    PriorityRule,
    Programme,
    ProgrammeFacts,
    ProgrammeStaff,
)

MAX_TEXT = 4000
FACT_FIELDS = ["expulsion_order", "gang_ties", "wants_to_leave_crime", "earlier_sentences"]
ENROLMENT_FIELDS = [
    "programme",
    "state",
    "interview_on",
    "interview_note",
    "accepted_on",
    "priority",
    "place_from",
    "phase",
    "adviser",
    "closed_on",
    "close_reason",
]
STAFF_FIELDS = ["programme", "user", "title"]


def _text(field: str, text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def _not_in_future(field: str, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _lock(enrolment: Enrolment, version: int | None) -> Enrolment:
    current = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "case", "phase")
        .get(pk=enrolment.pk)
    )
    if version is not None and current.version != version:
        raise ConcurrentEditError(current)
    return current


def _save(actor: User, action: str, enrolment: Enrolment, old: dict[str, object] | None) -> None:
    enrolment.version += 1
    enrolment.full_clean()
    enrolment.save()
    record_change(
        actor=actor,
        action=action,
        obj=enrolment,
        case=enrolment.case,
        old=old,
        new=snapshot(enrolment, ENROLMENT_FIELDS),
    )


# ---------------------------------------------------------------------------------------
# The facts the criteria ask


def programme_facts_set(
    *,
    actor: User,
    case: Case,
    expulsion_order: str,
    gang_ties: str,
    wants_to_leave_crime: str,
    earlier_sentences: int | None,
    version: int | None,
) -> ProgrammeFacts:
    """Record what the programmes' criteria ask about the case; "not known" is an answer too."""
    for field, value in (
        ("expulsion_order", expulsion_order),
        ("gang_ties", gang_ties),
        ("wants_to_leave_crime", wants_to_leave_crime),
    ):
        if value not in Answer.values:
            raise ValidationError({field: _("Choose yes, no or not known.")})
    if earlier_sentences is not None and not 0 <= earlier_sentences <= 200:
        raise ValidationError({"earlier_sentences": _("Give a number from 0 to 200.")})
    with transaction.atomic():
        current = ProgrammeFacts.objects.select_for_update().filter(case_id=case.pk).first()
        if current is None:
            if version not in (None, 0):
                raise ConcurrentEditError(None)
            current = ProgrammeFacts(case=case, updated_by=actor, version=0)
            old = None
        else:
            if version is not None and current.version != version:
                raise ConcurrentEditError(current)
            old = snapshot(current, FACT_FIELDS)
        current.expulsion_order = expulsion_order
        current.gang_ties = gang_ties
        current.wants_to_leave_crime = wants_to_leave_crime
        current.earlier_sentences = earlier_sentences
        current.updated_by = actor
        current.version += 1
        current.full_clean()
        current.save()
        record_change(
            actor=actor, action="programme.facts", obj=current, case=case, old=old, new=snapshot(current, FACT_FIELDS)
        )
    return current


# ---------------------------------------------------------------------------------------
# The catchment's count


def catchment_count(*, actor: User, programme: Programme) -> CatchmentCount:
    """Judge every open case of the catchment and keep how many may fit, by status (nightly; issue 20).

    The count is kept, and journaled, in one transaction; the programme's view shows the latest.
    """
    cases, by_status = selectors.catchment_judged(programme)
    with transaction.atomic():
        count = CatchmentCount.objects.create(
            programme=programme, counted_at=timezone.now(), cases=cases, by_status=by_status
        )
        record_change(
            actor=actor,
            action="programme.catchment_count",
            obj=count,
            case=None,
            old=None,
            new={"programme": programme.slug, "cases": cases, "by_status": by_status},
        )
    return count


# ---------------------------------------------------------------------------------------
# Staff posts


def programme_staff_add(*, actor: User, programme: Programme, user: User, title: str) -> ProgrammeStaff:
    """Give a user a post in the programme (an administrator, or the demo world)."""
    if user.role != Role.PROGRAMME_STAFF or user.agency_id is None:
        raise ValidationError({"user": _("Only programme staff of an agency can work for a programme.")})
    title = _text("title", title)
    with transaction.atomic():
        if ProgrammeStaff.objects.select_for_update().filter(programme=programme, user=user, ended_at=None).exists():
            raise ValidationError({"user": _("This user already works for the programme.")})
        post = ProgrammeStaff(programme=programme, user=user, title=title)
        post.full_clean()
        post.save()
        record_change(
            actor=actor, action="programme.staff_add", obj=post, case=None, old=None, new=snapshot(post, STAFF_FIELDS)
        )
    return post


def programme_staff_remove(*, actor: User, post: ProgrammeStaff) -> ProgrammeStaff:
    """End a post now: from the next request the user sees nothing of the programme."""
    with transaction.atomic():
        current = ProgrammeStaff.objects.select_for_update().get(pk=post.pk)
        if current.ended_at is not None:
            raise ValidationError(_("This post has already ended."))
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
        record_change(
            actor=actor,
            action="programme.staff_remove",
            obj=current,
            case=None,
            old=snapshot(current, STAFF_FIELDS),
            new=None,
        )
    return current


# ---------------------------------------------------------------------------------------
# Application, intake and decision


def enrolment_apply(
    *,
    actor: User,
    case: Case,
    programme: Programme,
    by_person: bool,
    person_agrees: bool = False,
    applied_on: datetime.date | None = None,
) -> Enrolment:
    """Apply to the programme: the person themselves, or staff on the person's behalf with the person's agreement.

    The application is one of the person's applications (kind "programme"), to be decided
    by the programme.
    """
    if not by_person and not person_agrees:
        raise ValidationError(
            {"person_agrees": _("Apply on the person's behalf only when the person has agreed. Tick the box.")}
        )
    if case.closed_on is not None:
        raise ValidationError(_("The case is closed."))
    applied_on = applied_on or timezone.localdate()
    _not_in_future("applied_on", applied_on)
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        if Enrolment.objects.filter(programme=programme, case=case, state__in=OPEN_STATES).exists():
            raise ValidationError(_("The person has already applied to this programme."))
        application = application_record(
            actor=actor,
            case=case,
            kind=ApplicationKind.PROGRAMME,
            by_person=by_person,
            applied_on=applied_on,
            decides=programme.agency,
            next_step=_("%(programme)s will invite you to an intake conversation.") % {"programme": programme.name},
        )
        enrolment = Enrolment(programme=programme, case=case, application=application, version=0)
        _save(actor, "programme.apply", enrolment, None)
    return enrolment


def enrolment_interview(
    *, actor: User, enrolment: Enrolment, held_on: datetime.date, note: str, version: int
) -> Enrolment:
    """Record the intake conversation the programme held with the applicant."""
    _not_in_future("held_on", held_on)
    note = _text("note", note)
    with transaction.atomic():
        current = _lock(enrolment, version)
        if current.state != EnrolmentState.APPLIED:
            raise ValidationError(_("The intake conversation belongs before the decision."))
        if held_on < current.application.applied_on:
            raise ValidationError({"held_on": _("The conversation cannot come before the application.")})
        old = snapshot(current, ENROLMENT_FIELDS)
        current.interview_on = held_on
        current.interview_note = note
        _save(actor, "programme.interview", current, old)
    return current


def priority_of(programme: Programme, case: Case) -> int:
    """The rank the programme's priority rule gives the applicant: 0 goes first (Exit: gang ties)."""
    if programme.priority_rule == PriorityRule.GANG_TIES:
        facts = ProgrammeFacts.objects.filter(case_id=case.pk).first()
        return 0 if facts is not None and facts.gang_ties == Answer.YES else 1
    return 0


def enrolment_decide(
    *,
    actor: User,
    enrolment: Enrolment,
    accept: bool,
    decided_on: datetime.date,
    reason: str = "",
    version: int,
) -> Enrolment:
    """Accept the applicant (they wait for a place, or get the free one) or refuse, with a reason the person reads."""
    _not_in_future("decided_on", decided_on)
    reason = _text("reason", reason)
    if not accept and not reason:
        raise ValidationError({"reason": _("Write the reason for the refusal. The person reads it.")})
    with transaction.atomic():
        # The programme first, then the enrolment: every change of the places locks in this order.
        programme = Programme.objects.select_for_update().get(pk=enrolment.programme_id)
        current = _lock(enrolment, version)
        if current.state != EnrolmentState.APPLIED:
            raise ValidationError(_("This application is already decided."))
        if current.interview_on is None:
            raise ValidationError(_("Hold the intake conversation before deciding."))
        if decided_on < current.interview_on:
            raise ValidationError({"decided_on": _("The decision cannot come before the intake conversation.")})
        old = snapshot(current, ENROLMENT_FIELDS)
        if not accept:
            current.state = EnrolmentState.REFUSED
            current.close_reason = reason
            current.closed_on = decided_on
            _save(actor, "programme.refuse", current, old)
            current.application = application_decide(
                actor=actor,
                application=current.application,
                outcome=Outcome.REFUSED,
                decided_on=decided_on,
                reason=reason,
                version=current.application.version,
            )
            return current
        current.state = EnrolmentState.WAITING
        current.accepted_on = decided_on
        current.priority = priority_of(programme, current.case)
        _save(actor, "programme.accept", current, old)
        fill_places(actor=actor, programme=programme, on=decided_on)
        current.refresh_from_db()
        if current.state == EnrolmentState.PARTICIPANT and current.place_from is not None:
            next_step = _("You have a place from %(day)s.") % {"day": date_format(current.place_from, "j. F Y")}
        else:
            next_step = _("You are on the waiting list. You get a place when one is free.")
        current.application = application_decide(
            actor=actor,
            application=current.application,
            outcome=Outcome.GRANTED,
            decided_on=decided_on,
            next_step=next_step,
            version=current.application.version,
        )
    return current


def fill_places(*, actor: User, programme: Programme, on: datetime.date) -> list[Enrolment]:
    """Give free places to the first in line; call with the programme's row locked. Return those placed."""
    placed: list[Enrolment] = []
    while True:
        in_use = Enrolment.objects.filter(programme=programme, state=EnrolmentState.PARTICIPANT).count()
        if programme.annual_places is not None and in_use >= programme.annual_places:
            return placed
        first = (
            Enrolment.objects.select_for_update()
            .filter(programme=programme, state=EnrolmentState.WAITING)
            .order_by("priority", "accepted_on", "pk")
            .first()
        )
        if first is None:
            return placed
        placed.append(_place(actor=actor, enrolment=first, programme=programme, on=on))


def _adviser_membership(actor: User, case: Case, programme: Programme) -> Membership | None:
    """The programme's adviser joins the person's group (and stays across the wall); None if the actor cannot."""
    if actor.role != Role.PROGRAMME_STAFF or actor.agency_id is None:
        return None
    existing = Membership.objects.filter(membership_is_open(), case=case, user=actor).first()
    membership = existing or membership_add(actor=actor, case=case, user=actor, purpose=programme.name)
    if membership.accepted_at is None:
        membership = membership_accept(actor=actor, membership=membership)
    return membership


def _place(*, actor: User, enrolment: Enrolment, programme: Programme, on: datetime.date) -> Enrolment:
    first_phase = Phase.objects.filter(programme=programme).order_by("position").first()
    if first_phase is None:
        raise ValidationError(_("The programme has no phases."))
    old = snapshot(enrolment, ENROLMENT_FIELDS)
    enrolment.state = EnrolmentState.PARTICIPANT
    enrolment.place_from = on
    enrolment.phase = first_phase
    membership = _adviser_membership(actor, enrolment.case, programme)
    if membership is not None:
        enrolment.adviser = actor
        enrolment.membership = membership
    _save(actor, "programme.place", enrolment, old)
    PhaseStep.objects.create(enrolment=enrolment, phase=first_phase, started_on=on, recorded_by=actor)
    return enrolment


# ---------------------------------------------------------------------------------------
# Phases and closing


def enrolment_phase_move(
    *, actor: User, enrolment: Enrolment, phase: Phase, on: datetime.date, version: int
) -> Enrolment:
    """Move a participant on to a later phase of the programme, from a day."""
    _not_in_future("on", on)
    with transaction.atomic():
        current = _lock(enrolment, version)
        if current.state != EnrolmentState.PARTICIPANT:
            raise ValidationError(_("Only a participant moves through the phases."))
        if phase.programme_id != current.programme_id:
            raise ValidationError({"phase": _("Choose one of the programme's phases.")})
        assert current.phase is not None  # a participant has a phase (database constraint)
        if phase.position <= current.phase.position:
            raise ValidationError({"phase": _("Choose a later phase.")})
        last = current.steps.order_by("-started_on", "-pk").first()
        if last is not None and on < last.started_on:
            raise ValidationError({"on": _("The phase cannot start before the one before it.")})
        old = snapshot(current, ENROLMENT_FIELDS)
        current.phase = phase
        _save(actor, "programme.phase", current, old)
        PhaseStep.objects.create(enrolment=current, phase=phase, started_on=on, recorded_by=actor)
    return current


def enrolment_close(
    *, actor: User, enrolment: Enrolment, completed: bool, on: datetime.date, reason: str, version: int
) -> Enrolment:
    """Close a place: completed, or left early with a reason. The freed place goes to the first in line."""
    _not_in_future("on", on)
    reason = _text("reason", reason)
    if not completed and not reason:
        raise ValidationError({"reason": _("Say why the person left early.")})
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=enrolment.programme_id)
        current = _lock(enrolment, version)
        if current.state != EnrolmentState.PARTICIPANT:
            raise ValidationError(_("Only a participant's place can be closed."))
        assert current.place_from is not None
        if on < current.place_from:
            raise ValidationError({"on": _("The place cannot end before it began.")})
        old = snapshot(current, ENROLMENT_FIELDS)
        current.state = EnrolmentState.COMPLETED if completed else EnrolmentState.LEFT_EARLY
        current.closed_on = on
        current.close_reason = reason
        _save(actor, "programme.close", current, old)
        membership = current.membership
        if membership is not None and membership.ended_at is None and membership.case.lead_id != membership.pk:
            membership_end(actor=actor, membership=membership)
        fill_places(actor=actor, programme=programme, on=timezone.localdate())
    return current
