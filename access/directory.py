"""Who uses the resource directory and answers referrals (issue 21).

- The directory itself is public knowledge (tilbakeføring.no publishes it): every signed-in
  staff user searches and reads it, the admin and the analyst included. The person reaches no
  staff page (issue 18): they see the services of their own plan, on their plan.
- An entry is changed (and marked as checked) by the administrator, and by the users of the
  agency that keeps it (``Service.owner``).
- A measure's service is linked by whoever may change the measure (``CaseAccess.can_edit_measure``).
- A referral is sent by those who run the case (its prison staff and its lead), on the person's
  agreement, for a measure they see.
- A referral is read and answered only by the users of the service's agency who may join a
  group; anyone else, including a user of another agency and the sender's colleagues in another
  prison, gets the same 404 as for a referral that does not exist. The case's own staff read
  it on the case's pages (``directory.selectors.referrals_for_measure``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from access.policy import CaseAccess
from accounts.models import GROUP_ROLES, Role, User
from directory.models import Referral, Service
from plans.models import Measure


def sees_directory(user: User) -> bool:
    """Every signed-in, active user but the person."""
    return user.is_authenticated and user.is_active and user.role != Role.PERSON


def keeps_service(user: User, service: Service) -> bool:
    """The administrator, and the users of the agency that keeps the entry."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ADMIN:
        return True
    return service.owner_id is not None and service.owner_id == user.agency_id


def services_to_check_by(user: User) -> QuerySet[Service]:
    """The entries whose check falls to the user (issue 21, point 5), as ``keeps_service`` decides who keeps one.

    The users of the agency that keeps an entry; the administrator, who may change every entry,
    is asked to check only those no agency keeps. Nobody else.
    """
    if not (user.is_authenticated and user.is_active):
        return Service.objects.none()
    if user.role == Role.ADMIN:
        return Service.objects.filter(owner__isnull=True)
    if user.agency_id is not None:
        return Service.objects.filter(owner_id=user.agency_id)
    return Service.objects.none()


def links_service(access: CaseAccess, measure: Measure) -> bool:
    """Whoever may change the measure names the service that delivers it."""
    return access.reasoned is None and access.can_edit_measure(measure)


def sends_referral(access: CaseAccess) -> bool:
    """The case's prison staff and its lead send a measure's service a referral."""
    return access.reasoned is None and access.runs_the_case


def answers_referrals(user: User) -> bool:
    """A user who could join a group on their agency's behalf."""
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.role in GROUP_ROLES


def referrals_to_answer(user: User) -> QuerySet[Referral]:
    """The referrals sent to the services of the user's agency; none for anyone else."""
    agency_id = user.agency_id
    if agency_id is None or not answers_referrals(user):
        return Referral.objects.none()
    return Referral.objects.filter(service__agency_id=agency_id)


def referral_for(user: User, referral_id: int) -> Referral:
    """One referral to the user's agency, or the same 404 as for one that does not exist."""
    referral = (
        referrals_to_answer(user)
        .select_related("service__organization", "measure", "case__person", "case__institution", "sent_by")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    return referral
