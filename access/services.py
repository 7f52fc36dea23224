"""Writes of the access module: opening a case with a reason (DOMAIN.md §5)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import ReasonedAccess
from access.policy import check_reason, reasoned_access_ends
from accounts.models import User
from cases.models import Case
from journal.services import record_change, snapshot

FIELDS = ["kind", "reason", "opened_at", "expires_at", "role", "agency"]


def reasoned_access_open(*, actor: User, case: Case, reason: str) -> ReasonedAccess:
    """Open the case to the actor for a while, for a reason from the list; journaled in the same transaction.

    The caller found the case through ``access.policy.case_to_open_with_reason``; the rule is
    checked again here, so a reason not in the list, or not the actor's to choose, changes nothing.
    """
    try:
        kind = check_reason(actor, case, reason)
    except ValueError:
        raise ValidationError({"reason": _("Choose one of the reasons in the list.")}) from None
    now = timezone.now()
    with transaction.atomic():
        grant = ReasonedAccess(
            case=case,
            user=actor,
            role=actor.role,
            agency_id=actor.agency_id,
            kind=kind,
            reason=reason,
            opened_at=now,
            expires_at=reasoned_access_ends(kind, now),
        )
        grant.full_clean()
        grant.save(force_insert=True)
        record_change(actor=actor, action=f"access.{kind}", obj=grant, case=case, old=None, new=snapshot(grant, FIELDS))
    return grant
