"""Writes to needs, resources and needs-conversation sessions; each journaled."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.stage import case_stage_refresh
from cases.validation import refuse_if_closed
from core.audience import VolunteerItem
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot
from needs.models import Need, NeedsConversation, NeedStatus, Resource, VolunteerSharing
from reference.models import Knot, LifeArea

NEED_FIELDS = [
    "tangle",
    "life_area",
    "knot",
    "own_words",
    "summary",
    "acute",
    "status",
    "private",
    "shared_with_volunteers",
    "conversation",
]
# Whether a need is shared with volunteers is the person's choice (volunteer_sharing_set), not staff's.
EDITABLE_NEED_FIELDS = [
    field for field in NEED_FIELDS if field not in {"tangle", "conversation", "shared_with_volunteers"}
]
CONVERSATION_FIELDS = ["part", "held_on", "note", "completed"]
RESOURCE_FIELDS = ["life_area", "description"]
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


def _check_taxonomy(life_area: LifeArea, knot: Knot | None) -> None:
    if knot is not None and knot.tangle_id != life_area.tangle_id:
        raise ValidationError({"knot": _("The knot must belong to the same tangle as the life area.")})


def _check_words(own_words: str, summary: str) -> None:
    if not own_words.strip() and not summary.strip():
        raise ValidationError({"own_words": _("Write the need in the person's own words, or a summary, or both.")})


def conversation_record(
    *,
    actor: User,
    case: Case,
    held_on: datetime.date,
    part: int = 1,
    note: str = "",
    completed: bool = False,
) -> NeedsConversation:
    """Record one session of the needs conversation."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A conversation cannot be recorded before it is held.")})
    if held_on < case.intake_date:
        raise ValidationError({"held_on": _("The conversation cannot be held before the intake date.")})
    with transaction.atomic():
        session = NeedsConversation(
            case=case, part=part, held_on=held_on, note=note.strip(), completed=completed, recorded_by=actor
        )
        session.full_clean()
        session.save()
        record_change(
            actor=actor,
            action="conversation.record",
            obj=session,
            case=case,
            old=None,
            new=snapshot(session, CONVERSATION_FIELDS),
        )
        if completed:
            case_stage_refresh(actor=actor, case=case)
    return session


def need_create(
    *,
    actor: User,
    case: Case,
    life_area: LifeArea,
    own_words: str = "",
    summary: str = "",
    knot: Knot | None = None,
    acute: bool = False,
    status: str = NeedStatus.OPEN,
    private: bool = False,
    conversation: NeedsConversation | None = None,
) -> Need:
    """Record a need; acute needs may be recorded at intake, before the conversation."""
    refuse_if_closed(case)
    _check_words(own_words, summary)
    _check_taxonomy(life_area, knot)
    if conversation is not None and conversation.case_id != case.pk:
        raise ValidationError({"conversation": _("The session belongs to another case.")})
    with transaction.atomic():
        need = Need(
            case=case,
            tangle_id=life_area.tangle_id,
            life_area=life_area,
            knot=knot,
            own_words=own_words.strip(),
            summary=summary.strip(),
            acute=acute,
            status=status,
            private=private,
            conversation=conversation,
            recorded_by=actor,
        )
        need.full_clean()
        need.save()
        record_change(actor=actor, action="need.create", obj=need, case=case, old=None, new=snapshot(need, NEED_FIELDS))
    return need


def need_update(*, actor: User, need: Need, version: int, **changes: object) -> Need:
    """Change a need, refusing the edit if someone else saved it since `version` was read."""
    unknown = set(changes) - set(EDITABLE_NEED_FIELDS)
    if unknown:
        raise ValueError(f"Fields that cannot be changed: {sorted(unknown)}")
    with transaction.atomic():
        current = Need.objects.select_for_update().get(pk=need.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        old = snapshot(current, NEED_FIELDS)
        for field, value in changes.items():
            setattr(current, field, value.strip() if isinstance(value, str) else value)
        _check_words(current.own_words, current.summary)
        _check_taxonomy(current.life_area, current.knot)
        fields = [*changes.keys(), "tangle", "version", "updated_at"]
        if current.private and current.shared_with_volunteers:
            # Private is for the person and the contact officer only: no longer shared with volunteers.
            current.shared_with_volunteers = False
            fields.append("shared_with_volunteers")
        current.tangle_id = current.life_area.tangle_id
        new = snapshot(current, NEED_FIELDS)
        if new == old:
            return current
        current.version += 1
        current.full_clean()
        current.save(update_fields=fields)
        record_change(actor=actor, action="need.update", obj=current, case=current.case, old=old, new=new)
    return current


def resource_create(*, actor: User, case: Case, description: str, life_area: LifeArea | None = None) -> Resource:
    """Record a strength the person brings."""
    if not description.strip():
        raise ValidationError({"description": _("Describe the strength.")})
    with transaction.atomic():
        resource = Resource(case=case, life_area=life_area, description=description.strip(), recorded_by=actor)
        resource.full_clean()
        resource.save()
        record_change(
            actor=actor,
            action="resource.create",
            obj=resource,
            case=case,
            old=None,
            new=snapshot(resource, RESOURCE_FIELDS),
        )
    return resource


def volunteer_sharing_set(*, actor: User, case: Case, items: Iterable[str], needs: Iterable[Need]) -> VolunteerSharing:
    """Record what the person shares with the volunteers of their group: these items and these needs, nothing else.

    Only the person can (seed 002: peer mentors see what the person chooses). A private need
    cannot be shared. Each need whose sharing changes, and the items, are journaled.
    """
    if case.person.user_id is None or actor.pk != case.person.user_id:
        raise ValidationError(_("Only the person chooses what volunteers see."))
    chosen = sorted(set(items))
    if any(item not in VolunteerItem.values for item in chosen):
        raise ValidationError({"items": _("Choose among the items listed.")})
    needs = list(needs)
    if any(need.case_id != case.pk for need in needs):
        raise ValidationError({"needs": _("The need belongs to another case.")})
    if any(need.private for need in needs):
        raise ValidationError({"needs": _("A private need cannot be shared with volunteers.")})
    shared_ids = {need.pk for need in needs}
    with transaction.atomic():
        for need in Need.objects.select_for_update().filter(case=case).order_by("pk"):
            wanted = need.pk in shared_ids
            if need.shared_with_volunteers == wanted:
                continue
            old = snapshot(need, NEED_FIELDS)
            # No version bump: staff's edits of the need never touch this field, so neither can undo the other.
            need.shared_with_volunteers = wanted
            need.save(update_fields=["shared_with_volunteers", "updated_at"])
            record_change(
                actor=actor, action="need.volunteers", obj=need, case=case, old=old, new=snapshot(need, NEED_FIELDS)
            )
        sharing = VolunteerSharing.objects.select_for_update().filter(case=case).first()
        old_items = list(sharing.items) if sharing else []
        if sharing is None:
            sharing = VolunteerSharing(case=case, items=chosen, chosen_by=actor)
        sharing.items = chosen
        sharing.chosen_by = actor
        sharing.full_clean()
        sharing.save()
        if old_items != chosen:
            record_change(
                actor=actor,
                action="volunteers.share",
                obj=sharing,
                case=case,
                old={"items": old_items},
                new={"items": chosen},
            )
    return sharing


def need_take_over(*, actor: User, case: Case, earlier: Need) -> Need:
    """Copy a need of the person's earlier case into the new one, open again (a carry-over agreed to).

    The caller chose the need and checked that it may travel (``cases.services``, never a
    private one); the volunteers' view is the person's choice anew in each case, so it is not copied.
    """
    with transaction.atomic(savepoint=False):
        need = Need(
            case=case,
            tangle_id=earlier.tangle_id,
            life_area_id=earlier.life_area_id,
            knot_id=earlier.knot_id,
            own_words=earlier.own_words,
            summary=earlier.summary,
            acute=earlier.acute,
            status=NeedStatus.OPEN,
            private=False,
            copied_from=earlier,
            recorded_by=actor,
        )
        need.full_clean()
        need.save()
        record_change(
            actor=actor, action="need.take_over", obj=need, case=case, old=None, new=snapshot(need, NEED_COPY_FIELDS)
        )
    return need
