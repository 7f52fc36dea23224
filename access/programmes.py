"""Who sees and does what with programmes (issue 20): the rules in one place.

- A programme's staff are the users with a current post in it (``ProgrammeStaff``, not
  removed) whose account is active and who hold the programme-staff role. They see the
  programme's own view and **only their programme's enrolments**: its applicants, its
  waiting list and its participants. Another programme's, or a removed post's, are the
  same 404 as a missing one. What they read of a person there (name, the enrolment, its
  phases) is an access event the person sees.
- Beyond their programme, staff reach a person's case only as members of the group: they
  join it when the person gets a place, and the case's ordinary rules (``access.policy``:
  consent, withdrawn consent) decide what they see there.
- On a case, which programmes the person may fit and why (the eligibility with its
  reasons, which names the sentence's dates and what is recorded about gang ties and an
  expulsion order) is for the person and for those who run the case (its prison staff and
  lead); not for covered members, not for a look with a reason.
- The facts the criteria ask (expulsion order, gang ties, earlier sentences, wanting to
  leave crime) are recorded by those who run the case.
- The person applies themselves; those who run the case may apply on the person's behalf
  when the person has agreed (the service refuses it otherwise).
- How many persons in a programme's catchment may fit is shown to its staff as counts only,
  with 1-4 shown as "fewer than 5": the programme is not in those persons' groups.
"""

from __future__ import annotations

from django.db.models import QuerySet

from access.applications import Viewer
from accounts.models import Role, User
from programmes.models import Enrolment, Programme


def is_programme_staff(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_STAFF


def programmes_of(user: User) -> QuerySet[Programme]:
    """The programmes in which the user holds a current post; none for anyone else."""
    if not is_programme_staff(user):
        return Programme.objects.none()
    return Programme.objects.filter(staff__user_id=user.pk, staff__ended_at__isnull=True).distinct()


def works_for(user: User, programme: Programme) -> bool:
    return programmes_of(user).filter(pk=programme.pk).exists()


def enrolments_for(user: User) -> QuerySet[Enrolment]:
    """The enrolments of the user's programmes: the only persons a programme's staff see through it."""
    return Enrolment.objects.filter(programme__in=programmes_of(user))


# On a case: ``access.policy.CaseAccess.can`` asks these (a look with a reason is refused there
# first: it reads none of them). They read the viewer as ``Viewer``, so this module does not
# import the policy that imports it.


def sees_eligibility(access: Viewer) -> bool:
    """The person, and those who run the case; not a covered member."""
    return access.is_person or access.runs_the_case


def records_facts(access: Viewer) -> bool:
    return access.runs_the_case


def applies(access: Viewer) -> bool:
    """The person applies; those who run the case apply on the person's behalf, with the person's agreement."""
    return access.is_person or access.runs_the_case


def enrolment_for(user: User, enrolment_id: int) -> Enrolment | None:
    """One enrolment of the user's programmes; another programme's, a removed post's or a missing one: None (404)."""
    return (
        enrolments_for(user)
        .filter(pk=enrolment_id)
        .select_related("programme", "case__person", "case__institution", "phase", "application", "adviser")
        .first()
    )
