"""The needs reads, called directly: what each returns for each viewer, in which order, and that
nothing outside what the viewer may see comes back (a private need, another case's id, a withdrawn
consent, an ended membership, a volunteer the consent does not cover).
"""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Membership
from cases.services import membership_end
from consent.services import consent_withdraw
from core.tests.granted import granted_access as access
from needs.models import Need, NeedsConversation, VolunteerSharing
from needs.selectors import (
    conversations_for_case,
    need_for_case,
    needs_by_tangle,
    needs_for_case,
    part_one_held,
    resources_for_case,
    volunteer_sharing,
    volunteers_in_group,
    words_by_need,
)
from needs.services import resource_create
from ownwords.selectors import case_words
from ownwords.services import need_words_write, wish_write
from reference.models import Tangle

pytestmark = pytest.mark.django_db


def slugs(needs) -> set[str]:
    return {need.life_area.slug for need in needs}


ALL_OF_JONAS = {"housing", "debt", "mental-health", "leisure", "income"}
#: Which of Jonas's needs each persona sees: the private need (mental health) is the person's and the
#: contact officer's; members without consent and volunteers it does not cover see none.
SEES = {
    "person": ALL_OF_JONAS,
    "contact_officer": ALL_OF_JONAS,
    "social_worker": ALL_OF_JONAS - {"mental-health"},
    "nav_with_consent": ALL_OF_JONAS - {"mental-health"},
    "municipal_without_consent": set(),
    "volunteer": set(),
}


@pytest.fixture
def thomas() -> Case:
    """Thomas's case: his volunteer (Vera) is covered by the consent; he shares one need and his next meetings."""
    return Case.objects.select_related("person", "institution").get(person__first_name="Thomas")


@pytest.mark.parametrize("persona", sorted(SEES))
def test_needs_for_case_returns_exactly_the_needs_the_viewer_may_see(personas, case, persona):
    assert slugs(needs_for_case(access(getattr(personas, persona), case))) == SEES[persona]


def test_needs_come_in_the_order_of_tangle_life_area_and_id(personas, case):
    got = list(needs_for_case(access(personas.contact_officer, case)))
    key = [(need.tangle.code, need.life_area.position, need.pk) for need in got]
    assert key == sorted(key) and len(got) == len(ALL_OF_JONAS)


def test_a_withdrawn_consent_empties_the_needs_on_the_next_read(personas, case):
    assert needs_for_case(access(personas.nav_with_consent, case)).exists()
    consent_withdraw(actor=personas.person, case=case)
    assert not needs_for_case(access(personas.nav_with_consent, case)).exists()


def test_a_covered_volunteer_sees_only_the_need_the_person_shares(personas, thomas):
    shared = set(Need.objects.filter(case=thomas, shared_with_volunteers=True).values_list("pk", flat=True))
    assert shared and Need.objects.filter(case=thomas).count() > len(shared)
    got = {need.pk for need in needs_for_case(access(personas.volunteer, thomas))}
    assert got == shared


def test_needs_by_tangle_lists_every_tangle_in_order_with_the_visible_needs_under_it(personas, case):
    viewer = access(personas.social_worker, case)
    grouped = needs_by_tangle(viewer)
    assert [tangle.code for tangle in grouped] == list(Tangle.objects.order_by("code").values_list("code", flat=True))
    assert all(need.tangle_id == tangle.pk for tangle, needs in grouped.items() for need in needs)
    assert [need for needs in grouped.values() for need in needs] == list(needs_for_case(viewer))
    without = needs_by_tangle(access(personas.municipal_without_consent, case))
    assert list(without) == list(grouped) and not any(without.values())  # the tangles stay, empty


def shown_with_words_marked(viewer) -> list[Need]:
    return [need for needs in needs_by_tangle(viewer, words_marked=True).values() for need in needs]


@pytest.mark.parametrize("persona", sorted(SEES))
def test_words_by_need_are_the_words_each_viewer_reads_on_the_needs_shown(
    personas, case, persona, django_assert_num_queries
):
    viewer = access(getattr(personas, persona), case)
    shown = shown_with_words_marked(viewer)
    with django_assert_num_queries(0):  # nobody wrote on a need shown: the words are not read
        assert words_by_need(viewer, shown) == {}
    for need in Need.objects.filter(case=case):  # the private need too
        need_words_write(actor=personas.person, need=need, text=f"Om {need.life_area.slug}")
    wish_write(actor=personas.person, case=case, text="Et eget sted å bo.")
    shown = shown_with_words_marked(viewer)
    got = words_by_need(viewer, shown)
    expected = {pk: words for pk, words in case_words(viewer).by_need.items() if pk in {need.pk for need in shown}}
    assert {pk: [words.pk for words in listed] for pk, listed in got.items()} == {
        pk: [words.pk for words in listed] for pk, listed in expected.items()
    }
    assert set(got) == {need.pk for need in shown}  # one word on each need shown, none on the hidden ones


def test_need_for_case_gives_a_visible_need_and_404_for_a_hidden_or_another_cases_one(personas, case, thomas):
    nav = access(personas.nav_with_consent, case)
    debt = Need.objects.get(case=case, life_area__slug="debt")
    assert need_for_case(nav, debt.pk) == debt
    private = Need.objects.get(case=case, private=True)
    elsewhere = Need.objects.filter(case=thomas).first()
    assert elsewhere is not None
    for hidden in (private.pk, elsewhere.pk, 2**31 - 1):
        with pytest.raises(Http404):
            need_for_case(nav, hidden)
    assert need_for_case(access(personas.contact_officer, case), private.pk) == private


def test_resources_are_read_by_those_who_see_the_needs_but_not_by_volunteers(personas, case, thomas):
    on_jonas = list(resources_for_case(access(personas.social_worker, case)))
    assert on_jonas and all(resource.case_id == case.pk for resource in on_jonas)
    assert [r.pk for r in on_jonas] == sorted(r.pk for r in on_jonas)
    assert list(resources_for_case(access(personas.nav_with_consent, case))) == on_jonas
    assert not resources_for_case(access(personas.municipal_without_consent, case)).exists()
    strength = resource_create(actor=personas.social_worker, case=thomas, description="Flink med folk.")
    assert strength in resources_for_case(access(personas.social_worker, thomas))
    assert strength not in on_jonas
    assert not resources_for_case(access(personas.volunteer, thomas)).exists()  # covered, yet a volunteer


def test_conversations_are_read_by_the_person_and_prison_staff_only_in_date_order(personas, case):
    staff = list(conversations_for_case(access(personas.contact_officer, case)))
    assert len(staff) >= 2 and all(session.case_id == case.pk for session in staff)
    assert [(s.held_on, s.pk) for s in staff] == sorted((s.held_on, s.pk) for s in staff)
    assert list(conversations_for_case(access(personas.person, case))) == staff
    assert not conversations_for_case(access(personas.nav_with_consent, case)).exists()
    assert not conversations_for_case(access(personas.volunteer, case)).exists()


def test_part_one_held_is_the_earliest_completed_part_one_session():
    today = timezone.localdate()

    def session(pk, days, part=1, completed=True):
        return NeedsConversation(pk=pk, held_on=today - datetime.timedelta(days=days), part=part, completed=completed)

    assert part_one_held([]) is None
    assert part_one_held([session(1, 9, completed=False), session(2, 8, part=2)]) is None
    sessions = [session(3, 2), session(4, 9, completed=False), session(5, 5), session(6, 7, part=2)]
    assert part_one_held(sessions) == today - datetime.timedelta(days=5)


def test_volunteer_sharing_is_the_cases_own_choice_or_none(personas, case, other_case):
    sharing = volunteer_sharing(access(personas.person, case))
    assert sharing == VolunteerSharing.objects.get(case=case)
    assert volunteer_sharing(access(personas.outsider, other_case)) is None  # Lars has chosen nothing


def test_volunteers_in_group_lists_the_current_volunteers_and_drops_an_ended_one(personas, case):
    person = access(personas.person, case)
    vera = Membership.objects.get(case=case, user=personas.volunteer)
    assert [m.pk for m in volunteers_in_group(person)] == [vera.pk]
    membership_end(actor=personas.contact_officer, membership=vera, end_date=timezone.localdate())
    assert volunteers_in_group(person) == []
