"""Writes before the sentence starts (POP step 0): register the case, write and send the summons,
tick the preparation list, start the group from the municipality's; each journaled in its transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.forms import eligible_members
from cases.models import Case, LegalStatus, Membership, membership_is_open
from cases.services import IntakeData, case_open, membership_add
from cases.validation import refuse_if_closed
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot
from summons.models import ExistingGroup, ExistingKind, GroupStart, Language, PreparationItem, Summons, Topic

SUMMONS_FIELDS = [
    "case",
    "meet_at",
    "place",
    "address",
    "bring",
    "contact_name",
    "contact_phone",
    "contact_hours",
    "language",
    "sent_at",
    "days_before_start",
]
ITEM_FIELDS = ["summons", "topic", "done_at", "done_by"]
GROUP_START_FIELDS = ["case", "existing", "invited", "ip_coordinator"]
EXISTING_FIELDS = ["person", "municipality", "kind", "coordinator", "members"]

#: Who waits to serve: a prison sentence, or a sentence in the community (samfunnsstraff).
WAITING_STATUSES = (LegalStatus.SENTENCED, LegalStatus.COMMUNITY)


def summoned_case_register(*, actor: User, data: IntakeData, person_user: User | None = None) -> Case:
    """Register a sentenced person who waits to serve: a case whose intake date is the expected start.

    The case is in preparation until that day (``cases.stage``) and moves into intake on it,
    keeping all that was done before: it is the same case.
    """
    if data.intake_date <= timezone.localdate():
        raise ValidationError({"intake_date": _("The expected start must lie ahead. Use the intake form.")})
    if data.legal_status not in WAITING_STATUSES:
        raise ValidationError({"legal_status": _("Only a sentenced person waits to serve.")})
    return case_open(actor=actor, data=data, person_user=person_user)


@dataclass(frozen=True)
class SummonsData:
    meet_at: datetime.datetime
    place: str
    address: str
    contact_name: str
    contact_phone: str
    language: str
    topics: tuple[str, ...]
    bring: str = ""
    contact_hours: str = ""


def _lock_case_before_start(case: Case) -> Case:
    current = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if_closed(current)
    return current


def summons_save(*, actor: User, case: Case, data: SummonsData, version: int | None) -> Summons:
    """Write the summons (the first time, or again before it is sent) and its preparation list.

    ``version`` is the summons's version the edit began on (None for a new one).
    """
    if data.language not in Language.values:
        raise ValidationError({"language": _("Choose the letter's language.")})
    unknown = set(data.topics) - set(Topic.values)
    if unknown:
        raise ValidationError({"topics": _("Choose from the list.")})
    if not data.topics:
        raise ValidationError({"topics": _("Choose at least one thing to prepare.")})
    for name in ("place", "address", "contact_name", "contact_phone"):
        if not getattr(data, name).strip():
            raise ValidationError({name: _("Fill in this field.")})
    with transaction.atomic():
        current_case = _lock_case_before_start(case)
        if timezone.localtime(data.meet_at).date() < timezone.localdate():
            raise ValidationError({"meet_at": _("The meeting cannot be in the past.")})
        summons = Summons.objects.select_for_update().filter(case=current_case).first()
        if summons is not None and version != summons.version:
            raise ConcurrentEditError(summons)
        if summons is None and version is not None:
            raise ConcurrentEditError(current_case)
        if summons is not None and summons.sent_at is not None:
            raise ValidationError(_("The summons is sent. It cannot be changed."))
        old = snapshot(summons, SUMMONS_FIELDS) if summons else None
        if summons is None:
            summons = Summons(case=current_case, created_by=actor)
        else:
            summons.version += 1
        summons.meet_at = data.meet_at
        summons.place = data.place.strip()
        summons.address = data.address.strip()
        summons.bring = data.bring.strip()
        summons.contact_name = data.contact_name.strip()
        summons.contact_phone = data.contact_phone.strip()
        summons.contact_hours = data.contact_hours.strip()
        summons.language = data.language
        summons.full_clean(exclude=["case", "created_by", "sent_by"])
        summons.save()
        record_change(
            actor=actor,
            action="summons.save",
            obj=summons,
            case=current_case,
            old=old,
            new=snapshot(summons, SUMMONS_FIELDS),
        )
        _set_topics(actor=actor, summons=summons, case=current_case, topics=data.topics)
    return summons


def _set_topics(*, actor: User, summons: Summons, case: Case, topics: Iterable[str]) -> None:
    """Add the chosen topics; drop those no longer chosen that the person has not ticked."""
    wanted = [topic for topic in Topic.values if topic in set(topics)]
    existing = {item.topic: item for item in PreparationItem.objects.select_for_update().filter(summons=summons)}
    for topic in wanted:
        if topic not in existing:
            item = PreparationItem.objects.create(summons=summons, topic=topic)
            record_change(
                actor=actor, action="summons.item_add", obj=item, case=case, old=None, new=snapshot(item, ITEM_FIELDS)
            )
    for topic, item in existing.items():
        if topic not in wanted and item.done_at is None:
            old = snapshot(item, ITEM_FIELDS)
            record_change(actor=actor, action="summons.item_remove", obj=item, case=case, old=old, new=None)
            item.delete()


def summons_send(*, actor: User, summons: Summons) -> Summons:
    """Record that the summons is sent (printed and posted): when, and how many days before the start."""
    with transaction.atomic():
        case = _lock_case_before_start(summons.case)
        current = Summons.objects.select_for_update().get(pk=summons.pk)
        if current.sent_at is not None:
            raise ValidationError(_("The summons is already sent."))
        old = snapshot(current, SUMMONS_FIELDS)
        current.sent_at = timezone.now()
        current.sent_by = actor
        current.days_before_start = (case.intake_date - timezone.localdate()).days
        current.version += 1
        current.save(update_fields=["sent_at", "sent_by", "days_before_start", "version"])
        record_change(
            actor=actor, action="summons.send", obj=current, case=case, old=old, new=snapshot(current, SUMMONS_FIELDS)
        )
    return current


def item_tick(*, actor: User, item: PreparationItem, done: bool) -> PreparationItem:
    """The person ticks a preparation item off (or back on); only the person, on their own list."""
    with transaction.atomic():
        current = PreparationItem.objects.select_for_update().select_related("summons__case__person").get(pk=item.pk)
        case = current.summons.case
        if case.person.user_id is None or case.person.user_id != actor.pk:
            raise ValidationError(_("Only you can tick off your own list."))
        refuse_if_closed(case)
        if (current.done_at is not None) == done:
            return current
        old = snapshot(current, ITEM_FIELDS)
        current.done_at = timezone.now() if done else None
        current.done_by = actor if done else None
        current.save(update_fields=["done_at", "done_by"])
        record_change(
            actor=actor, action="summons.item_tick", obj=current, case=case, old=old, new=snapshot(current, ITEM_FIELDS)
        )
    return current


def existing_group_record(
    *, actor: User, case: Case, kind: str, members: list[User], coordinator: User | None
) -> ExistingGroup:
    """Record the group the person's home municipality already has (POP step 0.2), to start the case's from it.

    Those who run the case record what the municipality tells them: the kind, its members and the
    IP coordinator among them. Only users who may join a group (active, in a group role, of an
    agency) are taken; the coordinator is one of the members.
    """
    if kind not in ExistingKind.values:
        raise ValidationError({"kind": _("Choose the kind of group.")})
    if not members:
        raise ValidationError({"members": _("Choose at least one member.")})
    if coordinator is not None and coordinator not in members:
        raise ValidationError({"coordinator": _("The IP coordinator must be one of the members.")})
    ids = {user.pk for user in members}
    if eligible_members().filter(pk__in=ids).count() != len(ids):  # who may join a group, as its own form says
        raise ValidationError({"members": _("Choose members from the list.")})
    with transaction.atomic():
        current = _lock_case_before_start(case)
        existing = ExistingGroup.objects.create(
            person_id=current.person_id,
            municipality=current.home_municipality,
            kind=kind,
            coordinator=coordinator,
            recorded_by=actor,
        )
        existing.members.set(members)
        record_change(
            actor=actor,
            action="summons.existing_add",
            obj=existing,
            case=current,
            old=None,
            new=snapshot(existing, EXISTING_FIELDS),
        )
    return existing


def group_start_from_existing(*, actor: User, case: Case, existing: ExistingGroup) -> GroupStart:
    """Invite the members of the municipality's group in one step; the IP coordinator is marked as such.

    Each is invited by ``cases.services.membership_add``: each still accepts, and what they
    see follows the consent rules like any member's. Members already in the group, the
    actor and deactivated users are left out.
    """
    with transaction.atomic():
        current = _lock_case_before_start(case)
        if existing.person_id != current.person_id or existing.municipality != current.home_municipality:
            raise ValidationError(_("This group does not belong to the person in this case."))
        if GroupStart.objects.filter(case=current, existing=existing).exists():
            raise ValidationError(_("The group is already started from this one."))
        in_group = set(Membership.objects.filter(membership_is_open(), case=current).values_list("user_id", flat=True))
        users = list(existing.members.order_by("pk"))
        if existing.coordinator is not None and existing.coordinator not in users:
            users.insert(0, existing.coordinator)
        invited: list[Membership] = []
        ip_coordinator: Membership | None = None
        for user in users:
            if user.pk in in_group or user.pk == actor.pk or not user.is_active:
                continue
            is_coordinator = user.pk == existing.coordinator_id
            purpose = _("Individual plan (IP) coordinator") if is_coordinator else existing.get_kind_display()
            membership = membership_add(actor=actor, case=current, user=user, purpose=str(purpose))
            invited.append(membership)
            if is_coordinator:
                ip_coordinator = membership
        if not invited:
            raise ValidationError(_("Everyone in that group is in this group already."))
        start = GroupStart.objects.create(
            case=current, existing=existing, ip_coordinator=ip_coordinator, started_by=actor
        )
        start.invited.set(invited)
        record_change(
            actor=actor,
            action="summons.group_start",
            obj=start,
            case=current,
            old=None,
            new=snapshot(start, GROUP_START_FIELDS),
        )
    return start
