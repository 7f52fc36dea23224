"""The thread reads, called directly: each viewer gets their own messages and those of their audiences,
in the order sent, never another case's; and who reads each audience is named by the same rule."""

import datetime

import pytest
from django.utils import timezone, translation

from access.policy import CaseAccess, covered_membership_ids
from accounts.models import User
from cases.models import Case, Membership
from cases.services import membership_end
from consent.models import Consent
from consent.services import consent_give, consent_withdraw
from core.audience import PERSON_LABELS, Audience, VolunteerItem
from core.tests.granted import granted_access as access
from needs.models import Need
from needs.services import volunteer_sharing_set
from threads.models import Message
from threads.selectors import audience_readers, messages_for_case
from threads.services import message_post

pytestmark = pytest.mark.django_db


def bodies(viewer: CaseAccess) -> list[str]:
    return [message.body for message in messages_for_case(viewer)]


@pytest.fixture
def thread(case, personas) -> dict[str, Message]:
    """One message for each audience by the contact officer, and one the uncovered member wrote for the covered."""
    kari = personas.contact_officer
    return {
        "staff": message_post(actor=kari, case=case, body="staff", audience=Audience.STAFF),
        "covered": message_post(actor=kari, case=case, body="covered", audience=Audience.COVERED),
        "group": message_post(actor=kari, case=case, body="group", audience=Audience.GROUP),
        "mona": message_post(
            actor=personas.municipal_without_consent, case=case, body="mona", audience=Audience.COVERED
        ),
    }


READS = {
    "person": ["staff", "covered", "group", "mona"],
    "contact_officer": ["staff", "covered", "group", "mona"],
    "social_worker": ["staff", "covered", "group", "mona"],
    "nav_with_consent": ["covered", "group", "mona"],
    "municipal_without_consent": ["group", "mona"],  # the group's, and her own
    "volunteer": [],  # not covered, and Jonas shares no messages with volunteers
}


@pytest.mark.parametrize("persona", sorted(READS))
def test_each_viewer_reads_their_audiences_and_their_own_messages_in_the_order_sent(personas, case, thread, persona):
    assert bodies(access(getattr(personas, persona), case)) == READS[persona]


def test_messages_come_by_the_time_sent_then_by_id(personas, case, thread):
    earlier = timezone.now() - datetime.timedelta(hours=1)
    Message.objects.filter(pk=thread["group"].pk).update(sent_at=earlier)
    assert bodies(access(personas.contact_officer, case)) == ["group", "staff", "covered", "mona"]


def test_another_cases_messages_never_come_back(personas, case, thread):
    thomas = Case.objects.get(person__first_name="Thomas")
    message_post(actor=personas.social_worker, case=thomas, body="thomas", audience=Audience.GROUP)
    assert "thomas" not in bodies(access(personas.social_worker, case))
    assert bodies(access(personas.social_worker, thomas)) == ["thomas"]


def test_a_withdrawn_consent_takes_the_covered_messages_away_but_not_the_groups(personas, case, thread):
    consent_withdraw(actor=personas.person, case=case)
    assert bodies(access(personas.nav_with_consent, case)) == ["group"]


def test_a_covered_volunteer_reads_group_messages_only_once_the_person_shares_them(personas):
    thomas = Case.objects.select_related("person").get(person__first_name="Thomas")
    for audience in Audience.values:
        message_post(actor=personas.social_worker, case=thomas, body=audience, audience=audience)
    vera = personas.volunteer
    assert bodies(access(vera, thomas)) == []
    shared = list(Need.objects.filter(case=thomas, shared_with_volunteers=True))
    person = User.objects.get(username="thomas")
    items = [VolunteerItem.NEXT_MEETINGS, VolunteerItem.GROUP_MESSAGES]
    volunteer_sharing_set(actor=person, case=thomas, items=items, needs=shared)
    assert bodies(access(vera, thomas)) == [Audience.GROUP]


def readers_of(case: Case, **kwargs) -> dict[str, list[str]]:
    return {row.audience: row.readers for row in audience_readers(case, **kwargs)}


def test_audience_readers_name_the_person_first_and_the_current_members_by_the_audience_rule(personas, case):
    with translation.override("en"):
        readers = readers_of(case)

    def named(*users: User) -> list[str]:
        memberships = Membership.objects.filter(case=case, user__in=users, ended_at__isnull=True).order_by("id")
        return [f"{m.user.display_name}, {m.agency.name}" for m in memberships.select_related("user", "agency")]

    person = f"{case.person.full_name} (the person)"
    staff = [personas.contact_officer, personas.social_worker]
    assert list(readers) == list(Audience.values)
    assert readers[Audience.STAFF] == [person, *named(*staff)]
    assert readers[Audience.COVERED] == [person, *named(*staff, personas.nav_with_consent)]
    # Everyone current in the group; not the volunteer (no messages shared), the one invited, or the one who left.
    assert readers[Audience.GROUP] == [
        person,
        *named(*staff, personas.nav_with_consent, personas.municipal_without_consent),
    ]
    everyone = " ".join(name for names in readers.values() for name in names)
    for absent in ("petra.friomsorg", "helge.helse", "vera.frivillig"):
        assert User.objects.get(username=absent).display_name not in everyone


def test_audience_readers_follow_a_withdrawn_consent_and_an_ended_membership(personas, case):
    consent_withdraw(actor=personas.person, case=case)
    membership_end(
        actor=personas.contact_officer,
        membership=Membership.objects.get(case=case, user=personas.municipal_without_consent),
    )
    readers = readers_of(case)
    nils = personas.nav_with_consent.display_name
    assert not any(nils in name for name in readers[Audience.COVERED])
    assert any(nils in name for name in readers[Audience.GROUP])
    mona = personas.municipal_without_consent.display_name
    assert not any(mona in name for names in readers.values() for name in names)


def test_the_person_reads_the_audiences_in_their_own_words(case):
    with translation.override("en"):
        rows = audience_readers(case, for_person=True)
        labels = [str(PERSON_LABELS[Audience(value)]) for value in Audience.values]
    assert [row.label for row in rows] == labels
    assert all(row.readers[0] == f"{case.person.full_name} (you)" for row in rows)


def test_the_members_covered_are_those_of_the_cases_active_consent_in_one_query_with_or_without_it(
    personas, case, other_case, django_assert_num_queries
):
    scope = set(Consent.objects.get(case=case, withdrawn_at__isnull=True).scope.values_list("pk", flat=True))
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent, ended_at__isnull=True)
    others = set(Membership.objects.filter(case=other_case).values_list("pk", flat=True))
    lead = other_case.lead.user
    members = Membership.objects.filter(case=other_case, ended_at__isnull=True)
    consent_give(actor=lead, case=other_case, given_on=other_case.intake_date, explained_by=lead, scope=members)
    # Lars's consent covers his members, none of Jonas's.
    assert covered_membership_ids(other_case) == set(members.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        covered = covered_membership_ids(case)
    assert covered == scope and nils.pk in covered
    assert not covered & others
    consent_withdraw(actor=personas.person, case=case)
    with django_assert_num_queries(1):
        assert covered_membership_ids(case) == set()
