"""Record the person's applications and the decisions on them; journaled like every change of case data.

A refusal (or a partial yes) is never recorded without its reason (seed 001, 1.2.1): the form
refuses it, and so does this service, for any caller.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, User
from applications.models import Application, ApplicationKind, Outcome
from cases.models import Case
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot

MAX_TEXT = 4000
#: The outcomes that say no, in whole or in part: each needs its reason.
NEEDS_REASON = frozenset({Outcome.REFUSED, Outcome.PARTLY})
#: Said when a refusal comes without its reason, by the form and by this service.
REASON_REQUIRED = gettext_lazy("Write the reason for the refusal. A refusal is never recorded without one.")
FIELDS = ["kind", "by_person", "applied_on", "decides", "expected_answer", "next_step"]
DECISION_FIELDS = ["outcome", "decided_on", "reached_on", "reason", "next_step"]


def _check_text(field: str, text: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def _not_after_today(field: str, day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def application_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    by_person: bool,
    applied_on: datetime.date,
    decides: Agency | None = None,
    expected_answer: datetime.date | None = None,
    next_step: str = "",
) -> Application:
    """Record an application the person made, or that staff made on the person's behalf."""
    if kind not in ApplicationKind.values:
        raise ValidationError({"kind": _("Choose what is applied for.")})
    _not_after_today("applied_on", applied_on)
    if expected_answer is not None and expected_answer < applied_on:
        raise ValidationError({"expected_answer": _("The answer cannot be expected before the application.")})
    next_step = _check_text("next_step", next_step)
    with transaction.atomic():
        application = Application(
            case=case,
            kind=kind,
            by_person=by_person,
            applied_on=applied_on,
            recorded_by=actor,
            decides=decides,
            expected_answer=expected_answer,
            next_step=next_step,
        )
        application.full_clean()
        application.save()
        record_change(
            actor=actor,
            action="application.record",
            obj=application,
            case=case,
            old=None,
            new=snapshot(application, FIELDS),
        )
    return application


def application_decide(
    *,
    actor: User,
    application: Application,
    outcome: str,
    decided_on: datetime.date,
    reason: str = "",
    reached_on: datetime.date | None = None,
    next_step: str = "",
    version: int,
) -> Application:
    """Record the decision on an application; a refusal or a partial yes needs its reason."""
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise ValidationError({"outcome": _("Choose the decision.")})
    reason = _check_text("reason", reason)
    next_step = _check_text("next_step", next_step)
    if outcome in NEEDS_REASON and not reason:
        raise ValidationError({"reason": str(REASON_REQUIRED)})
    _not_after_today("decided_on", decided_on)
    _not_after_today("reached_on", reached_on)
    if decided_on < application.applied_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the application.")})
    if reached_on is not None and reached_on < decided_on:
        raise ValidationError({"reached_on": _("The decision cannot reach the person before it is made.")})
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        old = snapshot(current, DECISION_FIELDS)
        current.outcome = outcome
        current.decided_on = decided_on
        current.reached_on = reached_on
        current.reason = reason
        current.next_step = next_step
        current.version += 1
        current.full_clean()
        current.save()
        record_change(
            actor=actor,
            action="application.decide",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, DECISION_FIELDS),
        )
    return current
