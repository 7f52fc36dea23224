"""Field-level leaks: canary strings in sensitive fields must not reach roles that may not see them."""

import pytest
from django.urls import reverse

from needs.models import Need
from needs.services import need_create
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

CANARY_PRIVATE = "CANARY-PRIVATE-HEALTH-7f3a"
CANARY_SHARED = "CANARY-DEBT-SHARED-19bc"

# Who may read which canary, on Jonas's case.
MAY_SEE_PRIVATE = {"person", "contact_officer"}
MAY_SEE_SHARED = {"person", "contact_officer", "social_worker", "nav_with_consent"}


@pytest.fixture
def canaries(personas, case):
    need_create(
        actor=personas.contact_officer,
        case=case,
        life_area=LifeArea.objects.get(slug="mental-health"),
        own_words=CANARY_PRIVATE,
        private=True,
    )
    need_create(
        actor=personas.contact_officer, case=case, life_area=LifeArea.objects.get(slug="debt"), summary=CANARY_SHARED
    )
    assert Need.objects.filter(case=case, own_words=CANARY_PRIVATE).exists()


def case_urls(case) -> list[str]:
    names = ["cases:overview", "cases:group", "cases:changes", "cases:access_log", "needs:map", "consent:page"]
    return [reverse(name, kwargs={"code": case.code}) for name in names] + [reverse("cases:caseload"), reverse("home")]


def test_canaries_reach_only_the_roles_that_may_see_them(client, personas, case, canaries):
    seen_by = {CANARY_PRIVATE: set(), CANARY_SHARED: set()}
    pages = 0
    for persona, user in personas.items():
        client.force_login(user)
        for url in case_urls(case):
            body = client.get(url, follow=True).content.decode()
            pages += 1
            for canary, who in seen_by.items():
                if canary in body:
                    who.add(persona)
    assert pages > 0
    assert seen_by[CANARY_PRIVATE] <= MAY_SEE_PRIVATE
    assert seen_by[CANARY_SHARED] <= MAY_SEE_SHARED
    # And those who may see them do see them somewhere, so the test cannot pass by showing nothing.
    assert seen_by[CANARY_PRIVATE] == MAY_SEE_PRIVATE
    assert seen_by[CANARY_SHARED] == MAY_SEE_SHARED


def test_change_log_shows_private_need_history_to_the_contact_officer_only(client, personas, case, canaries):
    url = reverse("cases:changes", kwargs={"code": case.code})
    client.force_login(personas.contact_officer)
    assert CANARY_PRIVATE in client.get(url).content.decode()
    client.force_login(personas.social_worker)
    body = client.get(url).content.decode()
    assert CANARY_SHARED in body
    assert CANARY_PRIVATE not in body


def test_member_without_consent_sees_no_case_facts(client, personas, case):
    url = reverse("cases:overview", kwargs={"code": case.code})
    client.force_login(personas.municipal_without_consent)
    body = client.get(url).content.decode()
    assert 'id="facts-heading"' not in body
    assert case.person.full_name in body  # they know whom the group is for
    client.force_login(personas.nav_with_consent)
    assert 'id="facts-heading"' in client.get(url).content.decode()
