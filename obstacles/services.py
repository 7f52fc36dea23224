"""Writes of obstacles and of the map's catalogue; each journaled in its own transaction."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AgencyKind, User
from accounts.services import system_user
from cases.models import Case
from core.errors import ConcurrentEditError
from journal import chain
from journal.models import JournalEntry
from journal.services import record_change, snapshot
from obstacles.models import Challenge, ChallengeVersion, Obstacle, ObstacleStage, Phase, Source

MAX_LENGTH = 4000
#: What the journal keeps of an obstacle.
OBSTACLE_FIELDS = [
    "what_happened",
    "happened_on",
    "stage",
    "failed_agency",
    "bore_agency",
    "challenge",
    "what_was_done",
    "source",
    "rule",
]
#: What a new version of a challenge keeps of the old one.
VERSIONED_FIELDS = ("text_nb", "text_da", "text_en", "phases", "tangle_id")
CHALLENGE_FIELDS = ["code", "seed_code", "tangle", "knot", "phases", "text_nb", "text_da", "text_en", "active"]


def _text(value: str, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > MAX_LENGTH:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": MAX_LENGTH}})
    return value


def obstacle_log(
    *,
    actor: User,
    case: Case,
    is_person: bool,
    what_happened: str,
    happened_on: datetime.date,
    stage: str,
    failed_agency: str = "",
    bore_agency: str = "",
    challenge: Challenge | None = None,
) -> Obstacle:
    """Log an obstacle on the case, as the person or a member of the group (``access.obstacles.can_log``)."""
    what = _text(what_happened, "what_happened", _("Say what happened."))
    if stage not in ObstacleStage.values:
        raise ValidationError({"stage": _("Choose the stage.")})
    for field, value in (("failed_agency", failed_agency), ("bore_agency", bore_agency)):
        if value and value not in AgencyKind.values:
            raise ValidationError({field: _("Choose an agency from the list.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("The day cannot be in the future.")})
    if challenge is not None and not challenge.active:
        raise ValidationError({"challenge": _("Choose a code that is in use.")})
    with transaction.atomic():
        obstacle = Obstacle(
            case=case,
            source=Source.PERSON if is_person else Source.GROUP,
            logged_by=actor,
            logged_at=timezone.now(),
            what_happened=what,
            happened_on=happened_on,
            stage=stage,
            failed_agency=failed_agency,
            bore_agency=bore_agency,
            challenge=challenge,
        )
        obstacle.full_clean(exclude=["detection_key"])
        obstacle.save()
        record_change(
            actor=actor,
            action="obstacle.log",
            obj=obstacle,
            case=case,
            old=None,
            new=snapshot(obstacle, OBSTACLE_FIELDS),
        )
    return obstacle


def _locked(obstacle: Obstacle, version: int) -> tuple[Obstacle, dict[str, object]]:
    current = Obstacle.objects.select_for_update().get(pk=obstacle.pk)
    if current.version != version:
        raise ConcurrentEditError(current)
    return current, snapshot(current, OBSTACLE_FIELDS)


def obstacle_code(*, actor: User, obstacle: Obstacle, challenge: Challenge, version: int) -> Obstacle:
    """Place the obstacle on the map by a code (a coordinator, ``access.obstacles.codes_obstacles``)."""
    if not challenge.active:
        raise ValidationError({"challenge": _("Choose a code that is in use.")})
    with transaction.atomic():
        current, old = _locked(obstacle, version)
        current.challenge = challenge
        current.coded_by = actor
        current.coded_at = timezone.now()
        current.version += 1
        current.save(update_fields=["challenge", "coded_by", "coded_at", "version"])
        record_change(
            actor=actor,
            action="obstacle.code",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, OBSTACLE_FIELDS),
        )
    return current


def obstacle_record_done(*, actor: User, obstacle: Obstacle, what_was_done: str, version: int) -> Obstacle:
    """Write what was done about the obstacle (``access.obstacles.can_record_done``)."""
    done = _text(what_was_done, "what_was_done", _("Say what was done."))
    with transaction.atomic():
        current, old = _locked(obstacle, version)
        current.what_was_done = done
        current.version += 1
        current.save(update_fields=["what_was_done", "version"])
        record_change(
            actor=actor,
            action="obstacle.done",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, OBSTACLE_FIELDS),
        )
    return current


def challenge_save(*, actor: User, challenge: Challenge) -> Challenge:
    """Save a challenge of the catalogue (the admin); a change of text, phases or tangle keeps the old as a version."""
    bad = sorted(set(challenge.phases or []) - set(Phase.values))
    if not challenge.phases or bad:
        raise ValidationError({"phases": _("Place the challenge in at least one phase from the list.")})
    with transaction.atomic():
        if challenge.pk is None:
            challenge.full_clean()
            challenge.save()
            record_change(
                actor=actor,
                action="challenge.add",
                obj=challenge,
                case=None,
                old=None,
                new=snapshot(challenge, CHALLENGE_FIELDS),
            )
            return challenge
        before = Challenge.objects.select_for_update().get(pk=challenge.pk)
        old = snapshot(before, CHALLENGE_FIELDS)
        if any(getattr(before, field) != getattr(challenge, field) for field in VERSIONED_FIELDS):
            ChallengeVersion.objects.create(
                challenge=before,
                version=before.version,
                phases=before.phases,
                tangle_id_then=before.tangle_id,
                text_nb=before.text_nb,
                text_da=before.text_da,
                text_en=before.text_en,
                replaced_at=timezone.now(),
                replaced_by=actor,
            )
            challenge.version = before.version + 1
        challenge.full_clean()
        challenge.save()
        record_change(
            actor=actor,
            action="challenge.change",
            obj=challenge,
            case=None,
            old=old,
            new=snapshot(challenge, CHALLENGE_FIELDS),
        )
    return challenge


@dataclass(frozen=True)
class Finding:
    """One obstacle a detection rule found (``obstacles.detection``), not yet logged."""

    case_id: int
    rule: str
    key: str
    code: str
    stage: str
    failed: str
    bore: str
    on: datetime.date
    what: str
    why: str


def detected_record(findings: list[Finding], codes: dict[str, int]) -> list[Obstacle]:
    """Log the system's new findings and journal each, in one transaction (a few statements for any number).

    Each finding's key is unique: a second run that raced this one fails on it and logs nothing twice.
    """
    if not findings:
        return []
    actor = system_user()
    now = timezone.now()
    with transaction.atomic():
        obstacles = Obstacle.objects.bulk_create(
            [
                Obstacle(
                    case_id=finding.case_id,
                    source=Source.SYSTEM,
                    logged_at=now,
                    what_happened=finding.what,
                    happened_on=finding.on,
                    stage=finding.stage,
                    failed_agency=finding.failed,
                    bore_agency=finding.bore,
                    challenge_id=codes.get(finding.code),
                    rule=finding.rule,
                    explanation=finding.why,
                    detection_key=finding.key,
                )
                for finding in findings
            ],
            batch_size=1000,
        )
        entries = [
            JournalEntry(
                at=now,
                actor=actor,
                actor_role=actor.role,
                actor_agency_id=None,
                case_id=obstacle.case_id,
                action="obstacle.detect",
                object_type="obstacles.obstacle",
                object_id=str(obstacle.pk),
                old=None,
                new={
                    "rule": obstacle.rule,
                    "challenge": obstacle.challenge_id,
                    "happened_on": obstacle.happened_on.isoformat(),
                },
            )
            for obstacle in obstacles
        ]
        chain.link(entries)
        JournalEntry.objects.bulk_create(entries, batch_size=1000)
    return obstacles
