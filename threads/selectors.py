"""Reads of the group thread, and of who reads what is written for each audience."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from access.policy import LEAD_ROLES, CaseAccess, audiences_for
from accounts.models import Role
from cases.models import Case, Membership, membership_is_current
from consent.models import Consent
from core.audience import Audience, VolunteerItem
from needs.models import VolunteerSharing
from threads.models import Message


def messages_for_case(access: CaseAccess) -> QuerySet[Message]:
    """The case's thread as this viewer may read it: their own messages and those written for their audiences."""
    return (
        Message.objects.filter(case=access.case)
        .filter(access.audience_filter("author_id"))
        .select_related("author", "author__agency")
        .order_by("sent_at", "id")
    )


@dataclass(frozen=True)
class AudienceReaders:
    audience: str
    label: str
    readers: list[str]


def audience_readers(case: Case) -> list[AudienceReaders]:
    """Who reads text written now for each audience, by the rule the pages apply (``access.policy.audiences_for``).

    Shown to the author next to the box, so they know who will see what they write.
    """
    members = list(
        Membership.objects.filter(membership_is_current(), case=case).select_related("user", "agency").order_by("id")
    )
    consent = Consent.objects.filter(case=case, withdrawn_at__isnull=True).first()
    covered = set(consent.scope.values_list("pk", flat=True)) if consent else set()
    items = VolunteerSharing.objects.filter(case=case).values_list("items", flat=True).first() or []
    readers: dict[str, list[str]] = {
        value: [_("%(name)s (the person)") % {"name": case.person.full_name}] for value in Audience.values
    }
    for member in members:
        volunteer = member.role == Role.VOLUNTEER
        reads = audiences_for(
            is_person=False,
            is_prison_staff=member.role in LEAD_ROLES and member.agency_id == case.institution_id,
            is_member=True,
            covered=member.pk in covered,
            volunteer=volunteer,
            shares_messages=volunteer and member.pk in covered and VolunteerItem.GROUP_MESSAGES in items,
        )
        for value in reads:
            readers[value].append(f"{member.user.display_name}, {member.agency.name}")
    return [AudienceReaders(value, str(label), readers[value]) for value, label in Audience.choices]
