"""Reads for a group member: what that member may see, decided by access.policy, each read an access event."""

import pytest

from access.policy import access_by_code, cases_visible_to
from api.models import ApiClient, Scope
from cases.models import Membership
from cases.services import membership_end
from consent.services import consent_withdraw
from journal.models import AccessEvent, AccessPurpose
from needs.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(api_client):
    """Move the test's client to the agency of the given user (NAV's case system, the municipality's ...)."""

    def move(user):
        ApiClient.objects.filter(pk=api_client.pk).update(agency=user.agency)

    return move


def detail(call, code, member, **headers):
    return call("get", f"/api/cases/{code}", X_Acting_For=member.username, **headers)


def test_a_covered_member_reads_the_needs_the_page_shows_them_and_the_person_sees_the_read(
    call, client_of, personas, case
):
    nav = personas.nav_with_consent
    client_of(nav)
    response = detail(call, case.code, nav)
    assert response.status_code == 200, response.content
    body = response.json()
    access = access_by_code(nav, case.code)
    assert access is not None
    shown = Need.objects.filter(case=case).filter(access.needs_filter)
    assert len(body["needs"]) == shown.count() < Need.objects.filter(case=case).count()  # a private need stays hidden
    assert body["group"] is not None
    event = AccessEvent.objects.filter(case=case, user=nav).latest("pk")
    assert (event.view, event.purpose) == ("api:case", AccessPurpose.CASE_WORK)


def test_the_list_is_the_members_own_list_each_listed_case_an_access_event(call, client_of, personas, case):
    nav = personas.nav_with_consent
    client_of(nav)
    response = call("get", "/api/cases", X_Acting_For=nav.username)
    assert response.status_code == 200
    assert sorted(item["code"] for item in response.json()) == sorted(
        cases_visible_to(nav).values_list("code", flat=True)
    )
    assert AccessEvent.objects.filter(case=case, user=nav, view="api:cases", purpose=AccessPurpose.CASELOAD).exists()


def test_the_act_claim_names_the_member_too(call, client_of, issuer, personas, case):
    nav = personas.nav_with_consent
    client_of(nav)
    token = issuer.token(act={"sub": nav.username})
    assert call("get", f"/api/cases/{case.code}", token=token).status_code == 200


def test_a_member_without_consent_sees_no_needs(call, client_of, personas, case):
    municipal = personas.municipal_without_consent
    client_of(municipal)
    body = detail(call, case.code, municipal).json()
    assert body["needs"] is None
    assert body["expected_release"] is None and body["intake_date"] is None


def test_a_withdrawn_consent_hides_the_needs_on_the_next_read(call, client_of, personas, case):
    nav = personas.nav_with_consent
    client_of(nav)
    assert detail(call, case.code, nav).json()["needs"] is not None
    consent_withdraw(actor=personas.person, case=case)
    assert detail(call, case.code, nav).json()["needs"] is None


def test_a_removed_member_reads_nothing_of_the_case(call, client_of, personas, case):
    nav = personas.nav_with_consent
    client_of(nav)
    membership = Membership.objects.get(case=case, user=nav, ended_at__isnull=True)
    membership_end(actor=personas.contact_officer, membership=membership)
    missing = detail(call, "nosuchcase234", nav)
    theirs = detail(call, case.code, nav)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    listed = call("get", "/api/cases", X_Acting_For=nav.username).json()
    assert case.code not in {item["code"] for item in listed}


def test_acting_for_a_user_of_another_agency_is_refused(call, client_of, personas, case):
    client_of(personas.municipal_without_consent)
    response = detail(call, case.code, personas.nav_with_consent)  # NAV's adviser, not the municipality's
    assert response.status_code == 403
    assert response.json()["title"] == "No member to act for"
    assert not AccessEvent.objects.filter(user=personas.nav_with_consent, view__startswith="api:").exists()


@pytest.mark.parametrize("who", ["admin", "analyst", "nobody"])
def test_acting_for_no_one_who_sees_cases_is_refused(call, personas, case, who):
    username = getattr(personas, who).username if who != "nobody" else "no.such.user"
    assert call("get", f"/api/cases/{case.code}", X_Acting_For=username).status_code == 403
    assert call("get", f"/api/cases/{case.code}").status_code == 403  # no member named


def test_another_prisons_case_or_another_cases_code_is_not_found_as_a_missing_one(
    call, client_of, personas, case, other_case
):
    officer = personas.contact_officer  # the prison's own client, for its own officer
    assert detail(call, case.code, officer).status_code == 200
    missing = detail(call, "nosuchcase234", officer)
    theirs = detail(call, other_case.code, officer)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert not AccessEvent.objects.filter(case=other_case, user=officer).exists()


def test_reading_needs_the_read_scope(call, issuer, personas, case):
    token = issuer.token(scope=Scope.EVENTS_WRITE)
    assert detail(call, case.code, personas.contact_officer, token=token).status_code == 403
