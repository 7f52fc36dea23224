"""The access decision read step by step: the oracle ``access_by_code``'s one query is held equal to."""

from access.policy import CaseAccess
from accounts.models import Role, User
from cases.models import Case, Membership, lead_flag, membership_is_current
from consent.models import Consent


def access_for(user: User, case: Case) -> CaseAccess:
    """Decide what the user may do with a case they can see, in two queries or three; the reference, not for pages."""
    is_person = user.role == Role.PERSON and case.person.user_id == user.pk
    membership = None
    if not is_person:
        membership = (
            Membership.objects.filter(membership_is_current(), case=case, user=user)
            .annotate(leads=lead_flag())
            .order_by("-leads")
            .first()
        )
    consent = Consent.objects.filter(case=case, withdrawn_at__isnull=True).first()
    covered = bool(consent is not None and membership is not None and consent.scope.filter(pk=membership.pk).exists())
    return CaseAccess(
        case=case,
        viewer=user,
        membership=membership,
        is_person=is_person,
        consent_active=consent is not None,
        covered_by_consent=covered,
    )
