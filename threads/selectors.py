"""Reads of the group thread, and of who reads what is written for each audience."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from access.policy import CaseAccess, audiences_for, covered_membership_ids, is_case_staff
from accounts.models import Role
from cases.models import Case, Membership, membership_is_current
from core.audience import Audience, VolunteerItem, audience_labels
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


def audience_readers(case: Case, *, for_person: bool = False) -> list[AudienceReaders]:
    """Who reads text written now for each audience, by the rule the pages apply (``access.policy.audiences_for``).

    Shown to the author next to the box, so they know who will see what they write; to the person in
    their own words (``core.audience.PERSON_LABELS``, issue 18).
    """
    members = list(
        Membership.objects.filter(membership_is_current(), case=case).select_related("user", "agency").order_by("id")
    )
    covered = covered_membership_ids(case)
    items = VolunteerSharing.objects.filter(case=case).values_list("items", flat=True).first() or []
    person = (_("%(name)s (you)") if for_person else _("%(name)s (the person)")) % {"name": case.person.full_name}
    readers: dict[str, list[str]] = {value: [person] for value in Audience.values}
    for member in members:
        volunteer = member.role == Role.VOLUNTEER
        reads = audiences_for(
            is_person=False,
            is_prison_staff=is_case_staff(member, case),
            is_member=True,
            covered=member.pk in covered,
            volunteer=volunteer,
            shares_messages=volunteer and member.pk in covered and VolunteerItem.GROUP_MESSAGES in items,
        )
        for value in reads:
            readers[value].append(f"{member.user.display_name}, {member.agency.name}")
    labels = audience_labels(for_person=for_person)
    return [AudienceReaders(value, labels[value], readers[value]) for value in Audience.values]
