"""Writes to release readiness and the release at short notice; each journaled in its transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases.models import Case, Membership, lead_flag, membership_is_current
from core.errors import ConcurrentEditError
from handover.models import Transition, TransitionKind, TransitionState
from journal.services import record_change, snapshot
from release.models import ReadinessItem, ReadinessKey, ReadinessState, ReleaseAlert
from release.selectors import missing_q, told_q
from timetable.engine import probation_plan_due

logger = logging.getLogger(__name__)

ITEM_FIELDS = ["transition", "key", "owner", "state", "note", "done_on", "due_date", "urgent_since"]
LEAD = "lead"
OFFICER = "officer"
#: Who owns each item by default: a member of the current group in this role, the lead,
#: or the contact officer (the lead if they are one).
DEFAULT_OWNER = {
    ReadinessKey.HOUSING: Role.MUNICIPALITY,
    ReadinessKey.INCOME: Role.NAV,
    ReadinessKey.BANK: Role.NAV,
    ReadinessKey.ID_PAPERS: OFFICER,
    ReadinessKey.TAX_CARD: OFFICER,
    ReadinessKey.HEALTH: Role.HEALTH,
    ReadinessKey.MUNICIPAL_CONTACT: Role.MUNICIPALITY,
    ReadinessKey.PROBATION_PLAN: Role.PROBATION,
    ReadinessKey.FIRST_MEETING: LEAD,
    ReadinessKey.TOLD: LEAD,
}


def _journal(actor: User, action: str, item: ReadinessItem, case: Case, old: dict[str, Any] | None) -> None:
    record_change(actor=actor, action=action, obj=item, case=case, old=old, new=snapshot(item, ITEM_FIELDS))


def default_owners(members: Sequence[Membership]) -> dict[str, Membership | None]:
    """Pick each item's owner from the current members (lead first, then by start date)."""
    lead = next((member for member in members if member.is_lead), None)
    by_role: dict[str, Membership] = {}
    for member in members:
        by_role.setdefault(member.role, member)
    officer = lead if lead is not None and lead.role == Role.CONTACT_OFFICER else by_role.get(Role.CONTACT_OFFICER)
    chosen = {LEAD: lead, OFFICER: officer or lead}
    return {key: chosen[who] if who in chosen else by_role.get(who) for key, who in DEFAULT_OWNER.items()}


def readiness_create(*, actor: User, transition: Transition) -> list[ReadinessItem]:
    """Create the release checklist of a release-kind transition, with default owners; once only."""
    if transition.kind not in TransitionKind.releases():
        return []
    with transaction.atomic():
        existing = list(ReadinessItem.objects.filter(transition=transition))
        if existing:
            return existing
        case = transition.case
        members = list(
            Membership.objects.filter(membership_is_current(), case_id=transition.case_id)
            .annotate(leads=lead_flag())
            .order_by("-leads", "start_date", "id")
        )
        owners = default_owners(members)
        items = []
        for key in ReadinessKey.values:
            item = ReadinessItem(
                transition=transition,
                key=key,
                owner=owners[key],
                due_date=probation_plan_due(transition.planned_date, case.country)
                if key == ReadinessKey.PROBATION_PLAN
                else None,
                updated_by=actor,
            )
            # The relations are rows just read and the constraints are the database's: no queries here.
            item.full_clean(
                exclude=["transition", "owner", "updated_by"], validate_unique=False, validate_constraints=False
            )
            items.append(item)
        # One INSERT for the checklist (its ids come back in order), then one entry per item, as before.
        ReadinessItem.objects.bulk_create(items)
        for item in items:
            _journal(actor, "readiness.create", item, case, None)
    return items


def readiness_item_update(
    *,
    actor: User,
    item: ReadinessItem,
    owner: Membership | None,
    state: str,
    note: str,
    version: int,
) -> ReadinessItem:
    """Change an item's owner, state and note; refused if someone else saved it since ``version``."""
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if state not in ReadinessState.values:
        errors["state"] = _("Choose a state.")
    if (
        owner is not None
        and not Membership.objects.filter(
            membership_is_current(), case_id=item.transition.case_id, pk=owner.pk
        ).exists()
    ):
        errors["owner"] = _("The owner must be a current member of the group.")
    if state == ReadinessState.DONE and owner is None:
        errors["owner"] = _("Choose who answers for this before marking it done.")
    if state == ReadinessState.NOT_NEEDED and not note:
        errors["note"] = _("Say why it is not needed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = ReadinessItem.objects.select_for_update().select_related("transition__case").get(pk=item.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        if current.transition.state == TransitionState.CANCELLED:
            raise ValidationError(_("This release was cancelled."))
        if (
            current.key == ReadinessKey.TOLD
            and state == ReadinessState.DONE
            and not ReadinessItem.objects.filter(told_q(), pk=current.pk).exists()
        ):
            raise ValidationError(
                {"state": _("This is done once NAV and the municipality are both recorded as told of the date.")}
            )
        old = snapshot(current, ITEM_FIELDS)
        if state == ReadinessState.DONE and current.state != ReadinessState.DONE:
            current.done_on = timezone.localdate()
        elif state != ReadinessState.DONE:
            current.done_on = None
        current.owner = owner
        current.state = state
        current.note = note
        current.updated_by = actor
        current.version += 1
        current.full_clean(exclude=["transition", "updated_by"])
        current.save(update_fields=["owner", "state", "note", "done_on", "updated_by", "updated_at", "version"])
        _journal(actor, "readiness.update", current, current.transition.case, old)
    return current


def readiness_release_happened(*, actor: User, transition: Transition, case: Case) -> None:
    """The release took place on ``transition.completed_on``: the Danish probation plan is due 7 days after that day.

    Called by ``handover.services.transition_complete`` in its transaction, for every release,
    planned or at short notice. The checklist was made with the planned day.
    """
    released_on = transition.completed_on
    if released_on is None:  # not released yet: nothing is due
        return
    due = probation_plan_due(released_on, case.country)
    if due is None:
        return
    items = ReadinessItem.objects.select_for_update().filter(transition=transition, key=ReadinessKey.PROBATION_PLAN)
    for item in items.exclude(due_date=due).order_by("id"):
        old = snapshot(item, ITEM_FIELDS)
        item.due_date = due
        item.version += 1
        item.save(update_fields=["due_date", "version", "updated_at"])
        _journal(actor, "readiness.update", item, case, old)


def readiness_mark_urgent(*, actor: User, transition: Transition, case: Case) -> int:
    """Turn every missing item without an urgent mark into an urgent task.

    The Danish plan date has moved already: ``transition_complete`` calls
    ``readiness_release_happened`` for every release.
    """
    now = timezone.now()
    marked = 0
    items = list(ReadinessItem.objects.select_for_update().filter(transition=transition).order_by("id"))
    # Which of the locked items are missing: one query, not one per item.
    missing = set(
        ReadinessItem.objects.filter(missing_q(), pk__in=[item.pk for item in items]).values_list("pk", flat=True)
    )
    urgent = [item for item in items if item.urgent_since is None and item.pk in missing]
    if not urgent:
        return 0
    # One UPDATE for the items marked (locked above), then one entry per item, as before.
    ReadinessItem.objects.filter(pk__in=[item.pk for item in urgent]).update(
        urgent_since=now, version=F("version") + 1, updated_at=now
    )
    for item in urgent:
        old = snapshot(item, ITEM_FIELDS)
        item.urgent_since = now
        item.version += 1
        item.updated_at = now
        _journal(actor, "readiness.urgent", item, case, old)
        marked += 1
    return marked


@dataclass
class AlertResult:
    claimed: int = 0
    already: int = 0
    sent: int = 0
    failed: int = 0


def alert_recipients(transition: Transition) -> list[Membership]:
    """Every current member of the case, and the owners of its missing items who are still members."""
    members = Membership.objects.filter(membership_is_current(), case_id=transition.case_id)
    return list(members.select_related("user").order_by("id"))


def _alert_message(
    transition: Transition, membership: Membership, own: list[ReadinessItem], base_url: str
) -> EmailMessage:
    """Say what happened on which case code and what the member owns; never the person's name or needs."""
    released_on = transition.completed_on
    if released_on is None:
        raise ValueError("Only a release that took place is alerted.")
    with translation.override(settings.LANGUAGE_CODE):
        code = transition.case.code
        subject = _("Released at short notice (case %(code)s)") % {"code": code}
        lines = [
            _("The person in case %(code)s was released on %(date)s at short notice.")
            % {"code": code, "date": released_on.isoformat()}
        ]
        if own:
            lines.append(_("Missing, and now urgent for you:"))
            lines.extend(f"- {item.get_key_display()}" for item in own)
        url = base_url.rstrip("/") + reverse("release:readiness", kwargs={"code": code})
        lines.append(_("Open the release checklist: %(url)s") % {"url": url})
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[membership.user.email])


def _claim(transition: Transition, membership: Membership) -> ReleaseAlert | None:
    """Insert the alert row; the unique constraint lets exactly one claimant through."""
    try:
        with transaction.atomic():
            return ReleaseAlert.objects.create(transition=transition, membership=membership)
    except IntegrityError:
        return None


def release_alerts_send(*, transition: Transition, base_url: str = "") -> AlertResult:
    """E-mail every member once about a release at short notice: claim the row, send, mark it sent.

    A member whose row exists already is skipped, so a double submit, a rerun or a rerun
    after a crash between sending and marking never sends twice.
    """
    transition = Transition.objects.select_related("case").get(pk=transition.pk)
    result = AlertResult()
    urgent = list(
        ReadinessItem.objects.filter(missing_q(), transition=transition, urgent_since__isnull=False).order_by("id")
    )
    connection = None
    try:
        for membership in alert_recipients(transition):
            alert = _claim(transition, membership)
            if alert is None:
                result.already += 1
                continue
            result.claimed += 1
            if not membership.user.email or not membership.user.is_active:
                continue
            own = [item for item in urgent if item.owner_id == membership.pk]
            try:
                connection = connection or get_connection(fail_silently=False)
                connection.send_messages([_alert_message(transition, membership, own, base_url)])
            except Exception:  # the row stays; the e-mail is not retried, so it is never sent twice
                logger.exception("Release alert %s: the e-mail could not be sent", alert.pk)
                result.failed += 1
                continue
            ReleaseAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now())
            result.sent += 1
    finally:
        if connection is not None:
            connection.close()
    return result
