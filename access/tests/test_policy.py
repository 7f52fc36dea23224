"""The access rules of DOMAIN.md §5, persona by persona, on Jonas's demo case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.policy import Ability, cases_visible_to
from access.tests.oracle import access_for
from consent.services import consent_withdraw
from needs.models import Need
from needs.selectors import needs_for_case

pytestmark = pytest.mark.django_db


def visible_need_ids(user, case) -> set[int]:
    return set(needs_for_case(access_for(user, case)).values_list("pk", flat=True))


def test_contact_officer_sees_every_need_including_private(personas, case):
    assert visible_need_ids(personas.contact_officer, case) == set(
        Need.objects.filter(case=case).values_list("pk", flat=True)
    )


def test_social_worker_in_the_prison_sees_needs_but_not_private_ones(personas, case):
    seen = visible_need_ids(personas.social_worker, case)
    assert seen
    assert not Need.objects.filter(pk__in=seen, private=True).exists()


def test_person_sees_all_own_needs(personas, case):
    assert Need.objects.filter(case=case, private=True).exists()
    assert visible_need_ids(personas.person, case) == set(Need.objects.filter(case=case).values_list("pk", flat=True))


def test_nav_adviser_covered_by_consent_sees_needs_except_private(personas, case):
    expected = set(Need.objects.filter(case=case, private=False).values_list("pk", flat=True))
    assert expected
    assert visible_need_ids(personas.nav_with_consent, case) == expected


def test_member_not_covered_by_consent_sees_no_needs(personas, case):
    access = access_for(personas.municipal_without_consent, case)
    assert access.can(Ability.VIEW_CASE)
    assert not access.can(Ability.VIEW_NEEDS)
    assert visible_need_ids(personas.municipal_without_consent, case) == set()


def test_volunteer_covered_by_consent_sees_only_needs_shared_with_volunteers(personas):
    from cases.models import Case

    thomas = Case.objects.get(person__first_name="Thomas")
    seen = Need.objects.filter(pk__in=visible_need_ids(personas.volunteer, thomas))
    assert seen.count() == 1
    assert all(need.shared_with_volunteers for need in seen)
    assert Need.objects.filter(case=thomas).count() > 1


def test_volunteer_not_covered_sees_no_needs(personas, case):
    assert visible_need_ids(personas.volunteer, case) == set()


@pytest.mark.parametrize("persona", ["outsider", "admin", "analyst"])
def test_outsider_admin_and_analyst_see_no_case_of_the_prison(personas, case, persona):
    user = getattr(personas, persona)
    assert not cases_visible_to(user).filter(pk=case.pk).exists()


def test_analyst_and_admin_see_no_case_at_all(personas):
    assert cases_visible_to(personas.analyst).count() == 0
    assert cases_visible_to(personas.admin).count() == 0


def test_withdrawn_consent_hides_needs_on_the_next_request(client, personas, case):
    url = reverse("needs:map", kwargs={"code": case.code})
    client.force_login(personas.nav_with_consent)
    before = client.get(url)
    assert before.status_code == 200
    private = Need.objects.get(case=case, private=True)
    shared = Need.objects.filter(case=case, private=False).first()
    assert shared.summary.encode() in before.content
    assert private.summary.encode() not in before.content

    consent_withdraw(actor=personas.person, case=case, note="")

    after = client.get(url)
    assert after.status_code == 403
    assert shared.summary.encode() not in after.content
    overview = client.get(reverse("cases:overview", kwargs={"code": case.code}))
    assert overview.status_code == 200
    assert shared.summary.encode() not in overview.content


def test_ended_membership_loses_access(client, personas, case):
    from cases.models import Membership, membership_is_current
    from cases.services import membership_end

    membership = Membership.objects.get(case=case, user=personas.nav_with_consent, end_date__isnull=True)
    membership_end(actor=personas.contact_officer, membership=membership)
    # The membership ends now, not at midnight (issue 16, hole 3).
    assert not Membership.objects.filter(membership_is_current(), pk=membership.pk).exists()


def same_decision(user, case) -> None:
    """case_for_request's one-query decision equals cases_visible_to followed by access_for."""
    from access.policy import access_by_code

    fast = access_by_code(user, case.code)
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        assert fast is None, (user.username, case.code)
        return
    slow = access_for(user, case)
    assert fast is not None, (user.username, case.code)
    assert fast.case == slow.case and fast.case.person_id == slow.case.person_id
    assert (fast.membership and fast.membership.pk) == (slow.membership and slow.membership.pk)
    fields = ("is_person", "consent_active", "covered_by_consent", "is_lead", "is_prison_staff", "sees_needs")
    assert {f: getattr(fast, f) for f in fields} == {f: getattr(slow, f) for f in fields}, (user.username, case.code)
    assert {a: fast.can(a) for a in Ability} == {a: slow.can(a) for a in Ability}


def test_the_one_query_decision_equals_the_step_by_step_one_for_every_user_and_case(personas, case):
    from accounts.models import User
    from cases.models import Case

    users = list(User.objects.select_related("agency"))
    cases = list(Case.objects.select_related("person", "institution"))
    assert len(users) > 10 and len(cases) > 3
    for user in users:
        for each in cases:
            same_decision(user, each)
    # After a withdrawal, and for a membership that has ended.
    consent_withdraw(actor=personas.contact_officer, case=case, note="Trekker samtykket.")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    case.memberships.filter(user=personas.municipal_without_consent).update(end_date=yesterday)
    for user in users:
        same_decision(user, case)
