"""Give and withdraw the comprehensive consent; each change journaled."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Membership, membership_is_current
from consent.models import Consent
from journal.services import record_change, snapshot

CONSENT_FIELDS = ["given_on", "explained_by", "note", "withdrawn_at", "withdrawn_by", "withdrawal_note"]


def _consent_snapshot(consent: Consent) -> dict[str, Any]:
    values = snapshot(consent, CONSENT_FIELDS)
    values["scope"] = sorted(consent.scope.values_list("pk", flat=True))
    return values


def consent_give(
    *,
    actor: User,
    case: Case,
    given_on: datetime.date,
    explained_by: User,
    scope: Iterable[Membership],
    note: str = "",
) -> Consent:
    """Record the one comprehensive consent; an earlier active consent is replaced.

    The scope names the group members it covers; it must not be empty.
    """
    members = list(scope)
    if not members:
        raise ValidationError({"scope": _("Choose at least one group member the consent covers.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Consent cannot be recorded before it is given.")})
    if given_on < case.intake_date:
        raise ValidationError({"given_on": _("Consent cannot be given before the intake date.")})
    with transaction.atomic():
        current = Membership.objects.filter(membership_is_current(), case=case)
        current_ids = set(current.values_list("pk", flat=True))
        if any(member.pk not in current_ids for member in members):
            raise ValidationError({"scope": _("The consent can only cover current members of this group.")})
        if not current.filter(user=explained_by).exists():
            raise ValidationError({"explained_by": _("The consent must be explained by a member of the group.")})
        previous = Consent.objects.select_for_update().filter(case=case, withdrawn_at__isnull=True).first()
        if previous is not None:
            old = _consent_snapshot(previous)
            previous.withdrawn_at = timezone.now()
            previous.withdrawn_by = actor
            previous.withdrawal_note = _("Replaced by a new consent.")
            previous.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
            record_change(
                actor=actor, action="consent.replace", obj=previous, case=case, old=old, new=_consent_snapshot(previous)
            )
        consent = Consent(case=case, given_on=given_on, explained_by=explained_by, note=note.strip(), recorded_by=actor)
        consent.full_clean()
        consent.save()
        consent.scope.set(members)
        record_change(
            actor=actor, action="consent.give", obj=consent, case=case, old=None, new=_consent_snapshot(consent)
        )
    return consent


def consent_withdraw(*, actor: User, case: Case, note: str = "") -> Consent:
    """Withdraw the active consent, with effect from the next request."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(case=case, withdrawn_at__isnull=True).first()
        if consent is None:
            raise ValidationError(_("There is no active consent to withdraw."))
        old = _consent_snapshot(consent)
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor
        consent.withdrawal_note = note.strip()
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
        record_change(
            actor=actor, action="consent.withdraw", obj=consent, case=case, old=old, new=_consent_snapshot(consent)
        )
    return consent
