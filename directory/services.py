"""Writes to the directory and to referrals; each journaled in its transaction.

A directory entry belongs to no case: its journal entries have none. A referral belongs to the
measure's case, so its entries are on the case's change log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Membership, membership_is_current
from cases.services import membership_add
from cases.validation import refuse_if_closed
from core.errors import ConcurrentEditError
from directory.models import Referral, ReferralStatus, Service, ServiceStatus, Setting
from directory.text import search_text
from handover.services import membership_accept
from journal.services import record_change, snapshot
from plans.models import OPEN_STATUSES, Measure
from plans.services import measure_update

SERVICE_FIELDS = [
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "eligibility_description",
    "application_process",
    "fees_description",
    "setting",
    "agency",
    "owner",
    "last_verified",
    "source",
]
#: What a keeper of the entry may change on its page.
EDITABLE_SERVICE_FIELDS = frozenset(
    {
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "eligibility_description",
        "application_process",
        "fees_description",
        "setting",
    }
)
REFERRAL_FIELDS = ["service", "measure", "shared", "status", "answered_by", "answered_at", "decline_reason"]


def service_search_text(service: Service) -> str:
    """The entry's searchable words: its text, its organisation, municipalities and life areas in every language."""
    terms = service.taxonomy_terms.select_related("life_area")
    names = [
        name
        for term in terms
        if term.life_area is not None
        for name in (term.life_area.name_nb, term.life_area.name_da, term.life_area.name_en)
    ]
    return search_text(
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.application_process,
        service.organization.name,
        *service.service_areas.values_list("name", flat=True),
        *names,
    )


def service_update(*, actor: User, service: Service, version: int, **changes: Any) -> Service:
    """Change an entry's text, refusing the edit if someone else saved it since ``version`` was read."""
    unknown = set(changes) - EDITABLE_SERVICE_FIELDS
    if unknown:
        raise ValueError(f"Fields that cannot be changed: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = _("Give the service's name.")
    if "description" in changes and not str(changes["description"]).strip():
        errors["description"] = _("Say what the service offers.")
    if "status" in changes and changes["status"] not in ServiceStatus.values:
        errors["status"] = _("Unknown status.")
    if "setting" in changes and changes["setting"] not in Setting.values:
        errors["setting"] = _("Say where the service is offered.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Service.objects.select_for_update(of=("self",)).select_related("organization").get(pk=service.pk)
        if current.version != version:
            raise ConcurrentEditError(current)
        old = snapshot(current, SERVICE_FIELDS)
        for field, value in changes.items():
            setattr(current, field, value.strip() if isinstance(value, str) else value)
        if snapshot(current, SERVICE_FIELDS) == old:
            return current
        current.search_text = service_search_text(current)
        current.version += 1
        current.full_clean()
        current.save(update_fields=[*changes, "search_text", "version", "updated_at"])
        record_change(
            actor=actor, action="service.update", obj=current, case=None, old=old, new=snapshot(current, SERVICE_FIELDS)
        )
    return current


def service_verify(*, actor: User, service: Service) -> Service:
    """Record that the entry was checked today (HSDS ``assured_date``): it is no longer flagged."""
    with transaction.atomic():
        current = Service.objects.select_for_update().get(pk=service.pk)
        old = snapshot(current, ["last_verified"])
        current.last_verified = timezone.localdate()
        current.version += 1
        current.save(update_fields=["last_verified", "version", "updated_at"])
        record_change(
            actor=actor,
            action="service.verify",
            obj=current,
            case=None,
            old=old,
            new=snapshot(current, ["last_verified"]),
        )
    return current


def service_connect(*, actor: User, service: Service, agency_id: int | None, owner_id: int | None) -> Service:
    """Name the agency that answers referrals to the entry and the agency that keeps it (the administrator)."""
    with transaction.atomic():
        current = Service.objects.select_for_update().get(pk=service.pk)
        old = snapshot(current, ["agency", "owner"])
        current.agency_id = agency_id
        current.owner_id = owner_id
        current.version += 1
        current.save(update_fields=["agency", "owner", "version", "updated_at"])
        record_change(
            actor=actor,
            action="service.connect",
            obj=current,
            case=None,
            old=old,
            new=snapshot(current, ["agency", "owner"]),
        )
    return current


def referral_send(*, actor: User, measure: Measure, shared: str, person_agreed: bool) -> Referral:
    """Send the measure's service a referral with what the person agreed to share.

    The person must have agreed: the service is not in the group, and nothing of the case
    reaches it but these words.
    """
    errors: dict[str, str] = {}
    if not shared.strip():
        errors["shared"] = _("Write what the person agreed to share with the service.")
    if not person_agreed:
        errors["person_agreed"] = _("Send a referral only when the person has agreed to it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Measure.objects.select_for_update(of=("self",)).select_related("case", "service").get(pk=measure.pk)
        refuse_if_closed(current.case)
        service = current.service
        if service is None:
            raise ValidationError(_("Link the measure to a service in the directory first."))
        if current.status not in OPEN_STATUSES:
            raise ValidationError(_("A referral is sent for a measure that is proposed, chosen or started."))
        if service.agency_id is None:
            raise ValidationError(_("This service does not answer referrals in Overgang. Contact it as it says."))
        if Referral.objects.filter(measure=current, service=service, status=ReferralStatus.SENT).exists():
            raise ValidationError(_("A referral to this service is already waiting for an answer."))
        referral = Referral(
            service=service,
            measure=current,
            case=current.case,
            shared=shared.strip(),
            sent_by=actor,
            sent_at=timezone.now(),
        )
        referral.full_clean()
        referral.save()
        record_change(
            actor=actor,
            action="referral.send",
            obj=referral,
            case=current.case,
            old=None,
            new=snapshot(referral, REFERRAL_FIELDS),
        )
    return referral


def _check_answerer(actor: User, referral: Referral) -> None:
    if actor.agency_id is None or referral.service.agency_id != actor.agency_id:
        raise ValidationError(_("Only the service's own staff answer this referral."))


def referral_accept(*, actor: User, referral: Referral, version: int) -> Referral:
    """Accept: the answering user joins the group and becomes the measure's deliverer, all at once.

    A user already in the group keeps their membership; one who is not is invited and accepts
    in the same transaction, through the group's own services.
    """
    with transaction.atomic():
        current = _lock_referral(referral, version)
        _check_answerer(actor, current)
        case = current.case
        refuse_if_closed(case)
        measure = current.measure
        if measure.status not in OPEN_STATUSES:
            raise ValidationError(_("The measure is no longer open, so the referral cannot be accepted."))
        member = Membership.objects.filter(membership_is_current(), case=case, user=actor).exists()
        if not member:
            membership = membership_add(
                actor=actor, case=case, user=actor, purpose=measure.title[:200], start_date=timezone.localdate()
            )
            if membership.accepted_at is None:
                membership_accept(actor=actor, membership=membership)
        measure = Measure.objects.get(pk=measure.pk)
        if measure.responsible_user_id != actor.pk:
            measure_update(actor=actor, measure=measure, version=measure.version, responsible_user=actor)
        return _answer(actor=actor, referral=current, status=ReferralStatus.ACCEPTED)


def referral_decline(*, actor: User, referral: Referral, version: int, reason: str) -> Referral:
    """Decline with a reason, which the contact officer and the person see."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the person and the contact officer know.")})
    with transaction.atomic():
        current = _lock_referral(referral, version)
        _check_answerer(actor, current)
        return _answer(actor=actor, referral=current, status=ReferralStatus.DECLINED, reason=reason.strip())


def _lock_referral(referral: Referral, version: int) -> Referral:
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service", "measure", "case")
        .get(pk=referral.pk)
    )
    if current.version != version:
        raise ConcurrentEditError(current)
    if current.status != ReferralStatus.SENT:
        raise ValidationError(_("This referral has already been answered."))
    return current


def _answer(*, actor: User, referral: Referral, status: str, reason: str = "") -> Referral:
    old = snapshot(referral, REFERRAL_FIELDS)
    referral.status = status
    referral.decline_reason = reason
    referral.answered_by = actor
    referral.answered_at = timezone.now()
    referral.version += 1
    referral.full_clean()
    referral.save(update_fields=["status", "decline_reason", "answered_by", "answered_at", "version"])
    record_change(
        actor=actor,
        action=f"referral.{status}",
        obj=referral,
        case=referral.case,
        old=old,
        new=snapshot(referral, REFERRAL_FIELDS),
    )
    return referral
