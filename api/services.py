"""Events from the prison system, each applied once by the existing services (issue 23, point 3).

Each event is written by the same service a person uses in the pages (``cases.services``,
``handover.services``), so its journal entries read as theirs do; the actor is the
system user of the client's agency. The event's idempotency key and the hash of its body
are stored in the same transaction as its effect (``ReceivedEvent``): the same key again
changes nothing and answers with the first result; the same key with another body is a
conflict. An event refused by a service leaves no row, so it may be sent again, corrected.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, AgencyKind, Role, User
from api.models import ApiClient, ReceivedEvent
from cases.models import Case
from cases.services import (
    IntakeData,
    case_expected_release_set,
    case_open,
    membership_add,
    membership_end,
    membership_make_lead,
)
from handover.models import TransitionKind
from handover.rules import open_transition
from handover.services import release_sudden, transition_complete, transition_plan

#: The system users of the agencies' clients: ``overgang-api-<agency id>``.
SYSTEM_USERNAME_PREFIX = "overgang-api-"


class KeyReused(Exception):
    """The idempotency key was used before with another body."""


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]
    replayed: bool


def agency_system_user(agency: Agency) -> User:
    """The journal's actor for the events of an agency's clients: inactive, no password, of that agency.

    A contact officer of a prison, since only prison staff register a case at intake
    (``access.policy.can_open_cases``); it cannot sign in, and hands the case's lead to
    the officer the event names (``intake_register``).
    """
    user, _created = User.objects.select_related("agency").get_or_create(
        username=f"{SYSTEM_USERNAME_PREFIX}{agency.pk}",
        defaults={
            "first_name": "Overgang API",
            "last_name": agency.name[:150],
            "role": Role.CONTACT_OFFICER if agency.kind == AgencyKind.PRISON else Role.ADMIN,
            "agency": agency,
            "is_active": False,
            "password": make_password(None),
        },
    )
    return user


def body_hash(kind: str, body: dict[str, Any]) -> str:
    """The hash of an event's body, its key left out: the same event hashes the same however it is spelled."""
    canonical = json.dumps({"kind": kind, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _earlier(event: ReceivedEvent, kind: str, digest: str) -> Outcome:
    if event.kind != kind or event.payload_hash != digest:
        raise KeyReused(event.key)
    return Outcome(result=event.result, replayed=True)


def received_events(client: ApiClient, keys: list[str]) -> dict[str, ReceivedEvent]:
    """The events this client sent before under any of these keys, by key: one query for a batch."""
    return {event.key: event for event in ReceivedEvent.objects.filter(client=client, key__in=set(keys))}


def event_receive(
    *,
    client: ApiClient,
    key: str,
    kind: str,
    body: dict[str, Any],
    apply: Callable[[User], dict[str, Any]],
    actor: User | None = None,
    known: dict[str, ReceivedEvent] | None = None,
) -> Outcome:
    """Apply an event once under its key; the key, the hash and the result are stored with its effect.

    A batch passes its ``actor`` and the events ``known`` under its keys (``received_events``),
    read once for all its events; an event applied here is added to ``known``, so the same key
    later in the batch is a replay. The effect and the key are written in one savepoint: an
    event refused leaves nothing, and the batch's other events stand.
    """
    digest = body_hash(kind, body)
    earlier = known.get(key) if known is not None else ReceivedEvent.objects.filter(client=client, key=key).first()
    if earlier is not None:
        return _earlier(earlier, kind, digest)
    if actor is None:
        actor = agency_system_user(client.agency)
    try:
        with transaction.atomic():
            # The key first: a second request with it waits here (PostgreSQL) or fails, and applies nothing.
            event = ReceivedEvent.objects.create(client=client, key=key, kind=kind, payload_hash=digest, result={})
            result = apply(actor)
            event.result = result
            event.save(update_fields=["result"])
    except IntegrityError:
        earlier = ReceivedEvent.objects.filter(client=client, key=key).first()
        if earlier is None:
            raise
        return _earlier(earlier, kind, digest)
    if known is not None:
        known[key] = event
    return Outcome(result=result, replayed=False)


def _officer(client: ApiClient, username: str) -> User:
    officer = User.objects.filter(username=username, agency_id=client.agency_id, is_active=True).first()
    if officer is None:
        raise ValidationError({"contact_officer": _("No active user of this name works in your prison.")})
    return officer


def intake_register(*, actor: User, client: ApiClient, data: IntakeData, contact_officer: str) -> dict[str, Any]:
    """Register the case as the intake page does, and hand its lead to the officer the prison system names.

    The system user opens the case (and is its first lead, as whoever opens a case is), adds
    the officer, hands them the lead and leaves the group: each step journaled by its service.
    """
    officer = _officer(client, contact_officer)
    with transaction.atomic():
        case = case_open(actor=actor, data=data)
        first_lead = case.lead
        membership = membership_add(
            actor=actor, case=case, user=officer, purpose=_("Responsible for the case in prison")
        )
        membership_make_lead(actor=actor, membership=membership)
        if first_lead is not None:
            membership_end(actor=actor, membership=first_lead)  # read again and locked there
    return {"case_code": case.code, "stage": case.stage}


def expected_release_change(*, actor: User, case: Case, expected_release: datetime.date | None) -> dict[str, Any]:
    current = case_expected_release_set(actor=actor, case=case, expected_release=expected_release)
    return {
        "case_code": current.code,
        "expected_release": current.expected_release.isoformat() if current.expected_release else None,
    }


def release_record(*, actor: User, case: Case, on: datetime.date, reason: str) -> dict[str, Any]:
    """Complete the planned release, or record one at short notice (``handover.services``)."""
    planned = open_transition(case.pk)
    if planned is not None and planned.is_release:
        transition = transition_complete(actor=actor, transition=planned, on=on, early_reason=reason)
    else:
        transition = release_sudden(actor=actor, case=case, on=on, reason=reason).transition
    return {"case_code": case.code, "released_on": on.isoformat(), "transition": transition.kind}


def transfer_record(
    *, actor: User, case: Case, on: datetime.date, to_prison: str, to_unit: str, reason: str
) -> dict[str, Any]:
    """Plan the transfer (unless it is planned) and record it done if its rules allow; else it stays planned.

    A transfer is recorded as done only once the lead is handed to the incoming contact
    officer (``transition_complete``); until then it stays planned, and the answer says why.
    """
    to_agency = None
    if to_prison:
        to_agency = Agency.objects.filter(name=to_prison, kind=AgencyKind.PRISON).first()
        if to_agency is None:
            raise ValidationError({"to_prison": _("No prison of this name is known.")})
    kind = TransitionKind.TRANSFER_PRISON if to_agency is not None else TransitionKind.TRANSFER_UNIT
    with transaction.atomic():
        transition = open_transition(case.pk)
        if transition is None:
            transition = transition_plan(
                actor=actor, case=case, kind=kind, planned_date=on, to_agency=to_agency, to_unit=to_unit, reason=reason
            )
        elif transition.kind != kind or (to_agency is not None and transition.to_agency_id != to_agency.pk):
            raise ValidationError(_("A transition is already planned. Complete or cancel it first."))
        if on > timezone.localdate():
            return {"case_code": case.code, "status": "planned", "planned_date": on.isoformat(), "detail": []}
        try:
            with transaction.atomic():
                transition_complete(actor=actor, transition=transition, on=on, early_reason=reason)
        except ValidationError as refusal:
            return {
                "case_code": case.code,
                "status": "planned",
                "planned_date": transition.planned_date.isoformat(),
                "detail": [str(message) for message in refusal.messages],
            }
    return {
        "case_code": case.code,
        "status": "completed",
        "planned_date": transition.planned_date.isoformat(),
        "detail": [],
    }
