"""Record, correct and withdraw what the person has achieved; journaled like every change of case data.

Who may call these is ``access.achievements``'s decision, made by the view; the services check
the facts, for any caller: a title and an issuer, a kind from the list, a date that has come
(the project clock, ``core.clock``), and the version the correction began from.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from achievements.models import MAX_DESCRIPTION, MAX_HOURS, MAX_TITLE, Achievement, AchievementKind
from cases.models import Case
from core.errors import ConcurrentEditError
from journal.services import record_change, snapshot

FIELDS = ["kind", "title", "issuer", "achieved_on", "hours", "level", "description"]
WITHDRAWN_FIELDS = ["withdrawn_at", "withdrawn_by", "withdrawn_reason"]
MAX_REASON = 1000


def _text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": limit}})
    return value


def _clean(
    *,
    kind: str,
    title: str,
    issuer: str,
    achieved_on: datetime.date | None,
    hours: int | None,
    level: str,
    description: str,
) -> dict[str, object]:
    """The values as they are saved, or a ValidationError naming the field."""
    if kind not in AchievementKind.values:
        raise ValidationError({"kind": _("Choose what kind of achievement it is.")})
    if achieved_on is None:
        raise ValidationError({"achieved_on": _("This field is required.")})
    if achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": _("The date cannot be in the future.")})
    if hours is not None and not 1 <= hours <= MAX_HOURS:
        raise ValidationError({"hours": _("Write a number of hours from 1 to %(max)d.") % {"max": MAX_HOURS}})
    return {
        "kind": kind,
        "title": _text("title", title, MAX_TITLE, required=True),
        "issuer": _text("issuer", issuer, MAX_TITLE, required=True),
        "achieved_on": achieved_on,
        "hours": hours,
        "level": _text("level", level, 100),
        "description": _text("description", description, MAX_DESCRIPTION),
    }


def achievement_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    title: str,
    issuer: str,
    achieved_on: datetime.date | None,
    hours: int | None = None,
    level: str = "",
    description: str = "",
) -> Achievement:
    """Record a certificate, course, documented skill or school subject; it belongs to the case's person."""
    values = _clean(
        kind=kind,
        title=title,
        issuer=issuer,
        achieved_on=achieved_on,
        hours=hours,
        level=level,
        description=description,
    )
    with transaction.atomic():
        achievement = Achievement(person_id=case.person_id, case=case, recorded_by=actor, **values)
        achievement.full_clean()
        achievement.save()
        record_change(
            actor=actor,
            action="achievement.record",
            obj=achievement,
            case=case,
            old=None,
            new=snapshot(achievement, FIELDS),
        )
    return achievement


def _lock(achievement: Achievement, version: int) -> Achievement:
    current = Achievement.objects.select_for_update().select_related("case").get(pk=achievement.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This achievement is withdrawn. It can no longer be changed."))
    if current.version != version:
        raise ConcurrentEditError(current)
    return current


def achievement_correct(
    *,
    actor: User,
    achievement: Achievement,
    version: int,
    kind: str,
    title: str,
    issuer: str,
    achieved_on: datetime.date | None,
    hours: int | None = None,
    level: str = "",
    description: str = "",
) -> Achievement:
    """Correct an achievement; the journal keeps the old and the new values."""
    values = _clean(
        kind=kind,
        title=title,
        issuer=issuer,
        achieved_on=achieved_on,
        hours=hours,
        level=level,
        description=description,
    )
    with transaction.atomic():
        current = _lock(achievement, version)
        old = snapshot(current, FIELDS)
        for field, value in values.items():
            setattr(current, field, value)
        new = snapshot(current, FIELDS)
        if new == old:
            return current  # nothing changed: no new version, no journal entry
        current.version += 1
        current.full_clean()
        current.save(update_fields=[*FIELDS, "version"])
        record_change(
            actor=actor,
            action="achievement.correct",
            obj=current,
            case=current.case,
            old=old,
            new=new,
        )
    return current


def achievement_withdraw(*, actor: User, achievement: Achievement, version: int, reason: str) -> Achievement:
    """Withdraw an achievement recorded by mistake; it leaves every page, and the journal keeps it."""
    reason = _text("reason", reason, MAX_REASON, required=True)
    with transaction.atomic():
        current = _lock(achievement, version)
        old = snapshot(current, [*FIELDS, *WITHDRAWN_FIELDS])
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawn_reason = reason
        current.version += 1
        current.save(update_fields=[*WITHDRAWN_FIELDS, "version"])
        record_change(
            actor=actor,
            action="achievement.withdraw",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, [*FIELDS, *WITHDRAWN_FIELDS]),
        )
    return current
