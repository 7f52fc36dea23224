"""Many events in one request: each under its own key, in its own savepoint, with its own result and scope."""

import pytest
from django.utils import timezone

from api.models import ApiClient, ReceivedEvent, Scope
from api.tests.test_events import intake_body
from cases.models import Case, Membership
from handover.models import Transition
from journal.models import JournalEntry
from release.models import ReadinessItem

pytestmark = pytest.mark.django_db

BATCH = "/api/events/batch"
#: The rows an event may write; a batch sent again must leave every count as it was.
COUNTED = (Case, Membership, JournalEntry, Transition, ReadinessItem, ReceivedEvent)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def intake(key: str, **changes) -> dict:
    return {"kind": "intake", "idempotency_key": key, **intake_body(**changes)}


def released(key: str, code: str, **changes) -> dict:
    body = {"released_on": timezone.localdate().isoformat(), "reason": "Released by the court"}
    return {"kind": "released", "idempotency_key": key, "case_code": code, **body, **changes}


def send(call, *events, **kwargs):
    response = call("post", BATCH, {"events": list(events)}, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()


def test_each_event_is_applied_by_its_service_and_the_same_batch_again_changes_nothing_and_says_so(call, case):
    before = counts()
    first = send(
        call,
        intake("b-1", first_name="Per"),
        intake("b-2", first_name="Pål", birth_date="1991-02-02"),
        released("b-3", case.code),
    )
    assert [event["status"] for event in first["events"]] == [200, 200, 200]
    assert [event["replayed"] for event in first["events"]] == [False, False, False]
    assert (first["applied"], first["replayed"], first["refused"]) == (3, 0, 0)
    assert [event["index"] for event in first["events"]] == [0, 1, 2]
    opened = Case.objects.get(code=first["events"][0]["result"]["case_code"])
    assert opened.lead is not None and opened.lead.user.username == "kari.kontakt"
    # Journaled as the single events are, by the same services.
    assert JournalEntry.objects.filter(case=opened, action="case.open").count() == 1
    assert JournalEntry.objects.filter(case=case, action="release.sudden").count() == 1
    assert ReadinessItem.objects.filter(transition__case=case).count() == 10
    after_first = counts()
    assert after_first != before

    again = send(
        call,
        intake("b-1", first_name="Per"),
        intake("b-2", first_name="Pål", birth_date="1991-02-02"),
        released("b-3", case.code),
    )
    assert counts() == after_first
    assert [event["replayed"] for event in again["events"]] == [True, True, True]
    assert [event["result"] for event in again["events"]] == [event["result"] for event in first["events"]]
    assert (again["applied"], again["replayed"], again["refused"]) == (0, 3, 0)


def test_an_event_sent_alone_is_a_replay_in_a_batch_and_a_key_twice_in_a_batch_is_applied_once(call):
    alone = call("post", "/api/events/intake", intake_body(), Idempotency_Key="k-1")
    assert alone.status_code == 200
    answer = send(call, intake("k-1"), intake("k-2", first_name="Ola"), intake("k-2", first_name="Ola"))
    assert [event["replayed"] for event in answer["events"]] == [True, False, True]
    assert answer["events"][0]["result"] == alone.json()["result"]
    assert answer["events"][1]["result"] == answer["events"][2]["result"]
    assert ReceivedEvent.objects.filter(key="k-2").count() == 1


def test_a_refused_event_among_good_ones_leaves_nothing_and_the_others_stand(call, case, other_case, personas):
    journal_other = JournalEntry.objects.filter(case=other_case).count()
    answer = send(
        call,
        intake("g-1"),
        intake("bad-officer", first_name="Ola", contact_officer=personas.outsider.username),  # not of this prison
        released("other-prison", other_case.code),  # another prison's case: as if missing
        released("missing", "nosuchcase234"),
        released("no-reason", case.code, reason=""),  # the service wants a reason
        intake("g-1", first_name="Somebody else"),  # the key again with another event
        intake("g-2", first_name="Kari", birth_date="1985-03-03"),
    )
    statuses = [event["status"] for event in answer["events"]]
    assert statuses == [200, 422, 404, 404, 422, 409, 200]
    assert (answer["applied"], answer["replayed"], answer["refused"]) == (2, 0, 5)
    problems = [event["problem"] for event in answer["events"]]
    assert problems[0] is None and problems[6] is None
    assert "contact_officer" in problems[1]["errors"]
    assert problems[2] == problems[3]  # "not yours" reads as "missing"
    assert problems[5]["title"] == "Key used before"
    assert [event["result"] for event in answer["events"]][1:6] == [None] * 5
    # The refused ones left no key (they may be sent again, corrected) and touched nothing.
    keys = set(ReceivedEvent.objects.values_list("key", flat=True))
    assert {"g-1", "g-2"} <= keys and not keys & {"bad-officer", "other-prison", "missing", "no-reason"}
    assert JournalEntry.objects.filter(case=other_case).count() == journal_other
    case.refresh_from_db()
    assert case.released_on is None
    assert not Transition.objects.filter(case=case).exists()
    # Sent again, corrected, the refused release is applied.
    fixed = send(call, released("no-reason", case.code))
    assert fixed["events"][0]["status"] == 200
    case.refresh_from_db()
    assert case.released_on == timezone.localdate()


def test_each_event_needs_its_own_scope(call, issuer, api_client):
    """A prison system (events.write) cannot acknowledge a notice in a batch; NAV's client cannot register an intake."""
    answer = send(call, intake("s-1"), {"kind": "notice_ack", "idempotency_key": "s-2", "notice_id": 1})
    assert [event["status"] for event in answer["events"]] == [200, 403]
    assert answer["events"][1]["problem"]["title"] == "Missing scope"
    assert not ReceivedEvent.objects.filter(key="s-2").exists()

    token = issuer.token(scope=Scope.NOTICES_ACKNOWLEDGE)  # the token lacks events.write
    ApiClient.objects.filter(pk=api_client.pk).update(scopes=[Scope.EVENTS_WRITE, Scope.NOTICES_ACKNOWLEDGE])
    answer = send(call, intake("s-3"), token=token)
    assert answer["events"][0]["status"] == 403
    assert not ReceivedEvent.objects.filter(key="s-3").exists()

    # A token with neither events scope is refused whole, before any event is looked at.
    response = call("post", BATCH, {"events": [intake("s-4")]}, token=issuer.token(scope=Scope.CASES_READ))
    assert response.status_code == 403
    assert response.json()["title"] == "Missing scope"


def test_a_batch_that_does_not_match_the_description_is_refused_whole(call):
    before = counts()
    bodies: list[dict[str, list[dict]]] = [
        {"events": []},
        {"events": [intake("d-1"), {"kind": "intake", "first_name": "No key"}]},
        {"events": [intake("d-2"), {"kind": "no-such-kind", "idempotency_key": "d-3"}]},
        {"events": [intake("d-4")] * 501},
    ]
    for body in bodies:
        response = call("post", BATCH, body)
        assert response.status_code == 422, body
        assert response.json()["title"] == "Invalid request"
    assert counts() == before


def test_a_replayed_batch_costs_a_fixed_number_of_queries_and_an_event_a_bounded_number(
    call, case, django_assert_max_num_queries
):
    """Pins the event path: replays are looked up once per batch; an intake and a release stay within their count.

    Measured on 2026-12-06: a replayed batch of 12 events 4 queries (the token's client, the
    keys, the request's savepoint and its release); one intake 68 on SQLite and 75 on
    PostgreSQL, one release at short notice 110 and 135 (PostgreSQL adds an advisory lock per
    journal entry and a savepoint per checked constraint). Before, one request per event on
    PostgreSQL: an intake 100 queries, a release 180.
    """
    from django.db import connection

    events = [intake(f"q-{i}", first_name=f"Ola{i}", birth_date=f"19{70 + i}-01-01") for i in range(11)]
    events.append(released("q-release", case.code))
    send(call, *events)
    postgres = connection.vendor == "postgresql"
    with django_assert_max_num_queries(4):
        again = send(call, *events)
    assert again["replayed"] == 12
    with django_assert_max_num_queries(75 if postgres else 68):
        send(call, intake("q-one", first_name="Eli", birth_date="1999-09-09"))
    other = Case.objects.exclude(pk=case.pk).filter(institution=case.institution, released_on__isnull=True)
    code = other.exclude(transitions__isnull=False).values_list("code", flat=True).first()
    assert code is not None
    with django_assert_max_num_queries(135 if postgres else 110):
        answer = send(call, released("q-release-2", code))
    assert answer["events"][0]["status"] == 200, answer


def test_a_batch_is_not_one_transaction_so_the_journal_is_held_for_one_event_at_a_time():
    """Each event commits in its own transaction (``api.services.event_receive``): the batch's address
    is served outside ATOMIC_REQUESTS, which would hold the journal's lock for the whole batch."""
    from django.urls import resolve, reverse

    served = resolve(reverse("api:event_batch")).func
    assert "default" in getattr(served, "_non_atomic_requests", set())
    single = resolve(reverse("api:event_intake")).func
    assert "default" not in getattr(single, "_non_atomic_requests", set())
