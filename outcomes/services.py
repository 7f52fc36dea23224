"""Record the outcomes after release; journaled like every change of case data (issue 22, point 3).

Who may call these is ``access.outcomes``'s decision, made by the view (the case's lead); the
services check the facts, for any caller: the person is released, the dates lie in the follow-up
period (``timetable.engine``) and have come (the project clock), and a correction starts from the
version it read.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Stage
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot
from outcomes.models import FollowUp, NewCharge, Situation
from timetable import engine

FOLLOW_UP_FIELDS = ["situation", "assessed_on"]
CHARGE_FIELDS = ["charged_on", "removed_at", "removed_by"]


def _released(case: Case, today: datetime.date) -> datetime.date:
    """The day of release, or a ValidationError if the person is not released (or the case is closed)."""
    if case.released_on is None or case.released_on > today:
        raise ValidationError(_("The outcomes are recorded after the release."))
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed."))
    return case.released_on


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def follow_up_record(
    *,
    actor: User,
    case: Case,
    situation: str,
    assessed_on: datetime.date | None,
    version: int | None = None,
) -> FollowUp:
    """Record (or correct, from ``version``) the person's situation three months after release."""
    today = timezone.localdate()
    if situation not in Situation.values:
        raise ValidationError({"situation": _("Choose the person's situation.")})
    if assessed_on is None:
        raise ValidationError({"assessed_on": _("This field is required.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        released = _released(case, today)
        opens = engine.outcome_follow_up_opens(released)
        if assessed_on > today:
            raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
        if assessed_on < opens:
            raise ValidationError(
                {
                    "assessed_on": _("The follow-up is about three months after the release: from %(date)s.")
                    % {"date": _day(opens)}
                }
            )
        current = FollowUp.objects.select_for_update().filter(case=case).first()
        if current is None:
            if version is not None:
                raise ConcurrentEditError(None)  # the form began from a follow-up that is no longer there
            follow_up = FollowUp(case=case, situation=situation, assessed_on=assessed_on, recorded_by=actor)
            follow_up.full_clean()
            follow_up.save()
            record_change(
                actor=actor,
                action="outcome.follow_up",
                obj=follow_up,
                case=case,
                old=None,
                new=snapshot(follow_up, FOLLOW_UP_FIELDS),
            )
            return follow_up
        if version is None or current.version != version:
            raise ConcurrentEditError(current)
        old = snapshot(current, FOLLOW_UP_FIELDS)
        current.situation = situation
        current.assessed_on = assessed_on
        new = snapshot(current, FOLLOW_UP_FIELDS)
        if new == old:
            return current
        current.version += 1
        current.full_clean()
        current.save(update_fields=[*FOLLOW_UP_FIELDS, "version"])
        record_change(actor=actor, action="outcome.follow_up_correct", obj=current, case=case, old=old, new=new)
        return current


def charge_record(*, actor: User, case: Case, charged_on: datetime.date | None) -> NewCharge:
    """Record a new charge within a year after release: its day, nothing about the offence."""
    today = timezone.localdate()
    if charged_on is None:
        raise ValidationError({"charged_on": _("This field is required.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        released = _released(case, today)
        ends = engine.outcome_window_ends(released, engine.CHARGE_MONTHS)
        if charged_on > today:
            raise ValidationError({"charged_on": _("The date cannot be in the future.")})
        if not released <= charged_on <= ends:
            raise ValidationError(
                {
                    "charged_on": _("Only a charge within a year after the release counts: from %(start)s to %(end)s.")
                    % {"start": _day(released), "end": _day(ends)}
                }
            )
        if NewCharge.objects.filter(case=case, charged_on=charged_on, removed_at__isnull=True).exists():
            raise ValidationError({"charged_on": _("A charge on this day is already recorded.")})
        charge = NewCharge(case=case, charged_on=charged_on, recorded_by=actor)
        charge.full_clean()
        charge.save()
        record_change(
            actor=actor,
            action="outcome.charge",
            obj=charge,
            case=case,
            old=None,
            new=snapshot(charge, CHARGE_FIELDS),
        )
    return charge


def charge_remove(*, actor: User, charge: NewCharge, version: int) -> NewCharge:
    """Remove a charge recorded by mistake: it counts no more, and the journal keeps it."""
    with transaction.atomic():
        current = NewCharge.objects.select_for_update().select_related("case").get(pk=charge.pk)
        if current.removed_at is not None:
            raise ValidationError(_("This charge is already removed."))
        if current.version != version:
            raise ConcurrentEditError(current)
        if current.case.stage == Stage.CLOSED:
            raise ValidationError(_("The case is closed."))
        old = snapshot(current, CHARGE_FIELDS)
        current.removed_at = timezone.now()
        current.removed_by = actor
        current.version += 1
        current.save(update_fields=["removed_at", "removed_by", "version"])
        record_change(
            actor=actor,
            action="outcome.charge_remove",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, CHARGE_FIELDS),
        )
    return current
