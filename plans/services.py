"""Writes to measures, delivery notes and plan versions; each journaled in its transaction.

Every service that can change the plan (the chosen measures) locks the case row first,
so plan versions are numbered without gaps or races, and then records a new plan
version if the plan changed.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Membership, membership_is_current
from cases.stage import case_stage_refresh
from cases.validation import refuse_if_closed
from core.errors import ConcurrentEditError
from directory.models import Service
from journal.services import record_change, snapshot
from needs.models import Need, NeedsConversation
from plans.models import (
    NEEDS_REASON,
    OPEN_STATUSES,
    PLAN_STATUSES,
    TRANSITIONS,
    DeliveryNote,
    Measure,
    MeasureStatus,
    PlanVersion,
)

MEASURE_FIELDS = [
    "title",
    "description",
    "needs",
    "responsible_agency",
    "responsible_user",
    "start_date",
    "due_date",
    "requires_of_person",
    "status",
    "status_reason",
    "decided_with_person",
    "started_on",
    "done_on",
]
EDITABLE_MEASURE_FIELDS = frozenset(
    {"title", "description", "needs", "responsible_user", "start_date", "due_date", "requires_of_person"}
)
NOTE_FIELDS = ["measure", "text"]
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


class TransitionError(ValidationError):
    """A status change the measure's state machine does not allow; nothing was written."""


def needs_conversation_held(case: Case) -> bool:
    return NeedsConversation.objects.filter(case=case, part=1, completed=True).exists()


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _check_details(
    *,
    case: Case,
    title: str,
    needs: list[Need],
    responsible_user: User | None,
    start: datetime.date | None,
    due: datetime.date | None,
) -> tuple[User, int, datetime.date, datetime.date]:
    """Refuse details a measure cannot have; return the responsible user, their agency's id and the dates."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Say what the measure is.")
    if not needs:
        errors["needs"] = _("Choose at least one need the measure answers.")
    elif any(need.case_id != case.pk for need in needs):
        errors["needs"] = _("A measure can only answer needs of this case.")
    if start is None:
        errors["start_date"] = _("Give the start date.")
    if due is None:
        errors["due_date"] = _("Give the due date.")
    if start is not None and due is not None and due < start:
        errors["due_date"] = _("The due date cannot be before the start date.")
    if responsible_user is None:
        errors["responsible_user"] = _("Name the person responsible.")
    elif not Membership.objects.filter(membership_is_current(), case=case, user=responsible_user).exists():
        errors["responsible_user"] = _("The person responsible must be a current member of the group.")
    elif responsible_user.agency_id is None:  # membership_add lets no such user in
        errors["responsible_user"] = _("This user belongs to no known agency and cannot join a group.")
    if errors:
        raise ValidationError(errors)
    # Each None was named in the errors above.
    assert responsible_user is not None and responsible_user.agency_id is not None
    assert start is not None and due is not None
    return responsible_user, responsible_user.agency_id, start, due


def _plan_rows(case: Case) -> list[dict[str, Any]]:
    measures = (
        Measure.objects.filter(case=case, status__in=PLAN_STATUSES)
        .select_related("responsible_agency", "responsible_user")
        .prefetch_related("needs")
        .order_by("id")
    )
    return [
        {
            "id": measure.pk,
            "title": measure.title,
            "needs": sorted(need.pk for need in measure.needs.all()),
            "responsible_agency": measure.responsible_agency.name,
            "responsible_user": measure.responsible_user.display_name,
            "start_date": measure.start_date.isoformat(),
            "due_date": measure.due_date.isoformat(),
            "requires_of_person": measure.requires_of_person,
            "status": measure.status,
        }
        for measure in measures
    ]


def plan_version_record(*, actor: User, case: Case, cause: str) -> PlanVersion | None:
    """Record the plan as it stands now, if it differs from the last version.

    Call with the case row locked, inside the transaction that changed the plan.
    """
    rows = _plan_rows(case)
    last = PlanVersion.objects.filter(case=case).order_by("-number").first()
    if last is not None and last.measures == rows:
        return None
    if last is None and not rows:
        return None
    version = PlanVersion(
        case=case, number=(last.number + 1) if last else 1, created_by=actor, cause=cause, measures=rows
    )
    version.full_clean()
    version.save()
    record_change(
        actor=actor,
        action="plan.version",
        obj=version,
        case=case,
        old={"number": last.number} if last else None,
        new={"number": version.number, "measures": [row["id"] for row in rows]},
    )
    return version


def measure_propose(
    *,
    actor: User,
    case: Case,
    title: str,
    needs: Iterable[Need],
    responsible_user: User | None,
    start_date: datetime.date | None,
    due_date: datetime.date | None,
    requires_of_person: str,
    description: str = "",
) -> Measure:
    """Propose a concrete measure for one or more of the case's needs (POP step 4).

    No measure except for acute needs before the needs conversation is held.
    """
    refuse_if_closed(case)
    needs = list(needs)
    responsible, agency_id, start, due = _check_details(
        case=case, title=title, needs=needs, responsible_user=responsible_user, start=start_date, due=due_date
    )
    if not requires_of_person.strip():
        raise ValidationError({"requires_of_person": _("Say what the measure requires of the person (or 'nothing').")})
    if not needs_conversation_held(case) and not all(need.acute for need in needs):
        raise ValidationError(
            {"needs": _("Until the needs conversation is held, measures can only be proposed for acute needs.")}
        )
    with transaction.atomic():
        _lock_case(case)
        measure = Measure(
            case=case,
            title=title.strip(),
            description=description.strip(),
            responsible_agency_id=agency_id,
            responsible_user=responsible,
            start_date=start,
            due_date=due,
            requires_of_person=requires_of_person.strip(),
            proposed_by=actor,
        )
        measure.full_clean()
        measure.save()
        measure.needs.set(needs)
        record_change(
            actor=actor,
            action="measure.propose",
            obj=measure,
            case=case,
            old=None,
            new=snapshot(measure, MEASURE_FIELDS),
        )
    return measure


def measure_update(*, actor: User, measure: Measure, version: int, **changes: Any) -> Measure:
    """Change a measure's details, refusing the edit if someone else saved it since `version` was read."""
    unknown = set(changes) - EDITABLE_MEASURE_FIELDS
    if unknown:
        raise ValueError(f"Fields that cannot be changed: {sorted(unknown)}")
    with transaction.atomic():
        case = _lock_case(measure.case)
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        if current.status not in OPEN_STATUSES:
            raise ValidationError(
                _("A measure that is %(status)s can no longer be changed.")
                % {"status": current.get_status_display().lower()}
            )
        old = snapshot(current, MEASURE_FIELDS)
        needs = list(changes.pop("needs")) if "needs" in changes else list(current.needs.all())
        for field, value in changes.items():
            setattr(current, field, value.strip() if isinstance(value, str) else value)
        _responsible, agency_id, _start, _due = _check_details(
            case=case,
            title=current.title,
            needs=needs,
            responsible_user=current.responsible_user,
            start=current.start_date,
            due=current.due_date,
        )
        if not current.requires_of_person:
            raise ValidationError({"requires_of_person": _("Say what the measure requires of the person.")})
        current.responsible_agency_id = agency_id
        new = {**snapshot(current, [f for f in MEASURE_FIELDS if f != "needs"]), "needs": sorted(n.pk for n in needs)}
        if new == old:
            return current
        current.full_clean()
        current.version += 1
        fields = [field for field in changes if field != "needs"]
        current.save(update_fields=[*fields, "responsible_agency", "version", "updated_at"])
        current.needs.set(needs)
        record_change(actor=actor, action="measure.update", obj=current, case=case, old=old, new=new)
        if current.status in PLAN_STATUSES:
            plan_version_record(actor=actor, case=case, cause="measure.update")
    return current


def measure_move(
    *,
    actor: User,
    measure: Measure,
    status: str,
    reason: str = "",
    with_person: bool = False,
    version: int | None = None,
) -> Measure:
    """Move a measure through proposed → chosen → started → done, or to rejected / cancelled with a reason.

    Illegal moves are refused with a message and change nothing.
    """
    if status not in MeasureStatus.values:
        raise TransitionError({"status": _("Unknown status.")})
    with transaction.atomic():
        case = _lock_case(measure.case)
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if version is not None and current.version != version:
            raise ConcurrentEditError(current)
        if status not in TRANSITIONS[current.status]:
            raise TransitionError(
                _("A measure that is %(old)s cannot become %(new)s.")
                % {"old": current.get_status_display().lower(), "new": MeasureStatus(status).label.lower()}
            )
        if status in NEEDS_REASON and not reason.strip():
            raise ValidationError({"reason": _("Give the reason, so the decision is never silent.")})
        old = snapshot(current, MEASURE_FIELDS)
        today = timezone.localdate()
        current.status = status
        current.status_reason = reason.strip() if status in NEEDS_REASON else current.status_reason
        if status in {MeasureStatus.CHOSEN, MeasureStatus.REJECTED}:
            current.decided_with_person = with_person
        if status == MeasureStatus.STARTED:
            current.started_on = today
        if status == MeasureStatus.DONE:
            current.done_on = today
        current.version += 1
        current.full_clean()
        current.save(
            update_fields=[
                "status",
                "status_reason",
                "decided_with_person",
                "started_on",
                "done_on",
                "version",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action=f"measure.{status}",
            obj=current,
            case=case,
            old=old,
            new=snapshot(current, MEASURE_FIELDS),
        )
        plan_version_record(actor=actor, case=case, cause=f"measure.{status}")
        case_stage_refresh(actor=actor, case=case)
    return current


def measure_service_set(*, actor: User, measure: Measure, service: Service | None) -> Measure:
    """Name the directory's service that delivers the measure, or none (issue 21, point 3).

    Only an open measure; the plan shows the service's contact, the person where to go.
    """
    with transaction.atomic():
        case = _lock_case(measure.case)
        refuse_if_closed(case)
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if current.status not in OPEN_STATUSES:
            raise ValidationError(
                _("A measure that is %(status)s can no longer be changed.")
                % {"status": current.get_status_display().lower()}
            )
        if service is not None and service.status != "active":
            raise ValidationError({"service": _("This service is not offered now.")})
        new_id = service.pk if service is not None else None
        if current.service_id == new_id:
            return current
        old = {"title": current.title, "service": str(current.service_id) if current.service_id else None}
        current.service_id = new_id
        current.version += 1
        current.save(update_fields=["service", "version", "updated_at"])
        record_change(
            actor=actor,
            action="measure.service",
            obj=current,
            case=case,
            old=old,
            new={"title": current.title, "service": str(new_id) if new_id else None},
        )
    return current


def delivery_note_add(*, actor: User, measure: Measure, text: str) -> DeliveryNote:
    """Document what was done for a measure (POP step 6)."""
    if not text.strip():
        raise ValidationError({"text": _("Write what was done.")})
    with transaction.atomic():
        measure = Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)
        if measure.status not in PLAN_STATUSES:
            raise ValidationError(_("Delivery notes are written for measures in the plan."))
        note = DeliveryNote(measure=measure, text=text.strip(), written_by=actor)
        note.full_clean()
        note.save()
        record_change(
            actor=actor, action="measure.note", obj=note, case=measure.case, old=None, new=snapshot(note, NOTE_FIELDS)
        )
    return note


def measure_take_over(*, actor: User, case: Case, earlier: Measure, needs: list[Need], responsible: User) -> Measure:
    """Copy an unfinished measure of the person's earlier case into the new one, proposed again.

    It answers ``needs``, the new case's copies of the needs it answered; ``responsible``
    holds it until the group decides. Its dates do not lie in the past.
    """
    if responsible.agency_id is None:  # membership_add lets no such user in
        raise ValidationError(_("This user belongs to no known agency and cannot join a group."))
    today = timezone.localdate()
    start = max(earlier.start_date, today)
    with transaction.atomic(savepoint=False):
        measure = Measure(
            case=case,
            title=earlier.title,
            description=earlier.description,
            responsible_agency_id=responsible.agency_id,
            responsible_user=responsible,
            start_date=start,
            due_date=max(earlier.due_date, start),
            requires_of_person=earlier.requires_of_person,
            status=MeasureStatus.PROPOSED,
            copied_from=earlier,
            proposed_by=actor,
        )
        measure.full_clean()
        measure.save()
        measure.needs.set(needs)
        record_change(
            actor=actor,
            action="measure.take_over",
            obj=measure,
            case=case,
            old=None,
            new=snapshot(measure, MEASURE_COPY_FIELDS),
        )
    return measure
