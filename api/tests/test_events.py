"""Events from the prison system: each applied once by the existing services, journaled as a person's would be."""

import datetime
import json

import pytest
from django.utils import timezone

from api.models import ApiClient, ReceivedEvent, Scope
from api.services import SYSTEM_USERNAME_PREFIX
from cases.models import Case, Membership
from handover.models import Transition, TransitionKind, TransitionState
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

INTAKE = "/api/events/intake"


def intake_body(**changes):
    today = timezone.localdate()
    body = {
        "first_name": "Per",
        "last_name": "Hansen",
        "birth_date": "1990-01-01",
        "home_municipality": "Bergen",
        "legal_status": "sentenced",
        "intake_date": (today - datetime.timedelta(days=2)).isoformat(),
        "sentence_start": (today - datetime.timedelta(days=2)).isoformat(),
        "sentence_months": 8,
        "contact_officer": "kari.kontakt",
    }
    body.update(changes)
    return body


def test_an_intake_event_opens_the_case_through_the_intake_service_and_hands_the_lead_to_the_officer(
    call, personas, api_client
):
    response = call("post", INTAKE, intake_body(), Idempotency_Key="intake-1")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["replayed"] is False
    case = Case.objects.get(code=answer["result"]["case_code"])
    assert case.institution_id == api_client.agency_id
    assert case.lead is not None and case.lead.user == personas.contact_officer
    actions = list(JournalEntry.objects.filter(case=case).order_by("pk").values_list("action", "actor__username"))
    system = f"{SYSTEM_USERNAME_PREFIX}{api_client.agency_id}"
    assert actions == [
        ("case.open", system),
        ("membership.add", system),
        ("case.lead", system),
        ("membership.add", system),
        ("case.lead", system),
        ("membership.end", system),
    ]
    # The system user cannot sign in and is no longer in the group.
    current = Membership.objects.filter(case=case, ended_at__isnull=True).values_list("user__username", flat=True)
    assert list(current) == ["kari.kontakt"]
    assert ReceivedEvent.objects.get(client=api_client, key="intake-1").result == answer["result"]


def test_the_same_event_twice_changes_nothing_and_says_so(call):
    first = call("post", INTAKE, intake_body(), Idempotency_Key="intake-2")
    counts = (Case.objects.count(), JournalEntry.objects.count(), Membership.objects.count())
    again = call("post", INTAKE, intake_body(), Idempotency_Key="intake-2")
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert (Case.objects.count(), JournalEntry.objects.count(), Membership.objects.count()) == counts


def test_the_key_may_come_in_the_body_and_one_is_required(call):
    assert call("post", INTAKE, intake_body(idempotency_key="in-body")).status_code == 200
    assert call("post", INTAKE, intake_body(idempotency_key="in-body")).json()["replayed"] is True
    missing = call("post", INTAKE, intake_body(first_name="Ola"))
    assert missing.status_code == 422
    assert missing.json()["title"] == "No idempotency key"


def test_the_same_key_with_another_event_is_a_conflict_and_changes_nothing(call):
    call("post", INTAKE, intake_body(), Idempotency_Key="intake-3")
    cases = Case.objects.count()
    response = call("post", INTAKE, intake_body(first_name="Pål"), Idempotency_Key="intake-3")
    assert response.status_code == 409
    assert response.json()["status"] == 409
    assert Case.objects.count() == cases


def test_an_event_the_service_refuses_keeps_no_key_so_it_can_be_sent_again_corrected(call, api_client):
    refused = call("post", INTAKE, intake_body(national_id="12345678901"), Idempotency_Key="intake-4")
    assert refused.status_code == 422
    assert "national_id" in refused.json()["errors"]
    assert not ReceivedEvent.objects.filter(client=api_client, key="intake-4").exists()
    assert call("post", INTAKE, intake_body(), Idempotency_Key="intake-4").status_code == 200


def test_the_identity_number_is_handled_as_at_intake_a_known_number_with_another_name_is_refused(call):
    number = "05059010052"  # checksum-valid, born 1990-05-05
    first = call("post", INTAKE, intake_body(national_id="050590 10052", birth_date="1990-05-05"), Idempotency_Key="n1")
    assert first.status_code == 200, first.content
    person = Case.objects.get(code=first.json()["result"]["case_code"]).person
    assert person.national_id == number  # compacted as the intake page does
    other = intake_body(national_id=number, birth_date="1990-05-05", first_name="Someone", last_name="Else")
    response = call("post", INTAKE, other, Idempotency_Key="n2")
    assert response.status_code == 422
    assert "national_id" in response.json()["errors"]
    assert "Hansen" not in response.content.decode()


def test_the_officer_must_be_of_the_clients_own_prison(call, personas):
    response = call("post", INTAKE, intake_body(contact_officer=personas.outsider.username), Idempotency_Key="i-6")
    assert response.status_code == 422
    assert "contact_officer" in response.json()["errors"]


def test_the_expected_release_date_changes_through_the_service_with_old_and_new_in_the_journal(call, case):
    new_date = (case.expected_release or timezone.localdate()) + datetime.timedelta(days=30)
    body = {"case_code": case.code, "expected_release": new_date.isoformat()}
    response = call("post", "/api/events/expected-release", body, Idempotency_Key="release-date-1")
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.expected_release == new_date
    entry = JournalEntry.objects.filter(case=case, action="case.expected_release").get()
    assert entry.new is not None
    assert entry.new["expected_release"] == new_date.isoformat()
    assert entry.actor.username.startswith(SYSTEM_USERNAME_PREFIX)
    before_intake = {"case_code": case.code, "expected_release": (case.intake_date - datetime.timedelta(1)).isoformat()}
    refused = call("post", "/api/events/expected-release", before_intake, Idempotency_Key="release-date-2")
    assert refused.status_code == 422


def test_a_release_without_a_planned_one_is_recorded_at_short_notice(call, case):
    today = timezone.localdate()
    body = {"case_code": case.code, "released_on": today.isoformat()}
    assert call("post", "/api/events/released", body, Idempotency_Key="rel-1").status_code == 422  # needs a reason
    response = call(
        "post", "/api/events/released", {**body, "reason": "Released by the court"}, Idempotency_Key="rel-1"
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.released_on == today
    assert JournalEntry.objects.filter(case=case, action="release.sudden").exists()
    transition = Transition.objects.get(case=case, kind=TransitionKind.RELEASE)
    assert transition.state == TransitionState.COMPLETED and transition.sudden


def test_a_transfer_is_planned_and_stays_planned_until_the_lead_is_handed(call, case):
    today = timezone.localdate()
    body = {"case_code": case.code, "on": today.isoformat(), "to_unit": "Avdeling Ny"}
    response = call("post", "/api/events/transferred", body, Idempotency_Key="move-1")
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["status"] == "planned"
    assert result["detail"]  # why it is not recorded done
    transition = Transition.objects.get(case=case, kind=TransitionKind.TRANSFER_UNIT)
    assert transition.state == TransitionState.PLANNED
    unknown = {**body, "to_prison": "No Such Prison"}
    assert call("post", "/api/events/transferred", unknown, Idempotency_Key="move-2").status_code == 422


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/events/expected-release", {"expected_release": None}),
        ("/api/events/released", {"released_on": "2026-01-01", "reason": "x"}),
        ("/api/events/transferred", {"on": "2026-01-01", "to_unit": "B"}),
    ],
)
def test_another_prisons_case_is_not_found_as_a_missing_one_and_is_left_alone(call, other_case, path, body):
    journal = JournalEntry.objects.count()
    theirs = call("post", path, {**body, "case_code": other_case.code}, Idempotency_Key="other-1")
    missing = call("post", path, {**body, "case_code": "nosuchcase234"}, Idempotency_Key="other-2")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert JournalEntry.objects.count() == journal


def test_a_client_of_an_agency_that_is_no_prison_sends_no_events_about_cases(call, api_client, personas, case):
    api_client.agency = personas.nav_with_consent.agency
    api_client.save()
    body = {"case_code": case.code, "expected_release": None}
    assert call("post", "/api/events/expected-release", body, Idempotency_Key="nav-1").status_code == 404
    assert call("post", INTAKE, intake_body(contact_officer="nils.nav"), Idempotency_Key="nav-2").status_code == 422


def test_bad_input_is_a_problem_not_an_error(call):
    for body in ({}, {"first_name": "\x00"}, intake_body(birth_date="9999-12-31"), intake_body(sentence_years=10**9)):
        response = call("post", INTAKE, body, Idempotency_Key="bad-1")
        assert response.status_code == 422, body
        assert response.json()["title"] == "Invalid request"


def test_an_event_needs_the_events_scope(call, issuer, api_client):
    token = issuer.token(scope=Scope.CASES_READ)
    response = call("post", INTAKE, intake_body(), token=token, Idempotency_Key="scope-1")
    assert response.status_code == 403
    assert response.json()["title"] == "Missing scope"
    ApiClient.objects.filter(pk=api_client.pk).update(scopes=[Scope.CASES_READ])
    response = call("post", INTAKE, intake_body(), Idempotency_Key="scope-2")  # the token has it, the client not
    assert response.status_code == 403


def test_a_machine_client_needs_no_csrf_token_as_it_sends_no_cookie(issuer, api_client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        INTAKE,
        json.dumps(intake_body()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issuer.token()}",
        HTTP_IDEMPOTENCY_KEY="csrf-1",
    )
    assert response.status_code == 200, response.content
