"""The event services: one system user per agency, the body's hash, and each key applied once."""

import pytest
from django.db import IntegrityError

from api.models import EventKind, ReceivedEvent
from api.services import KeyReused, agency_system_user, body_hash, event_receive

pytestmark = pytest.mark.django_db


def test_the_system_user_is_one_per_agency_inactive_without_a_password(case, personas):
    first, again = agency_system_user(case.institution), agency_system_user(case.institution)
    assert first == again
    assert not first.is_active and not first.has_usable_password()
    assert first.agency == case.institution
    assert agency_system_user(personas.outsider.agency) != first


def test_the_hash_ignores_the_spelling_of_the_body_but_not_its_kind():
    assert body_hash("intake", {"a": 1, "b": 2}) == body_hash("intake", {"b": 2, "a": 1})
    assert body_hash("intake", {"a": 1}) != body_hash("released", {"a": 1})
    assert body_hash("intake", {"a": 1}) != body_hash("intake", {"a": 2})


def test_an_event_is_applied_once_and_its_result_kept(api_client):
    applied = []

    def apply(actor):
        applied.append(actor)
        return {"n": len(applied)}

    first = event_receive(client=api_client, key="k", kind=EventKind.INTAKE, body={"x": 1}, apply=apply)
    again = event_receive(client=api_client, key="k", kind=EventKind.INTAKE, body={"x": 1}, apply=apply)
    assert (first.replayed, again.replayed, again.result, len(applied)) == (False, True, {"n": 1}, 1)
    with pytest.raises(KeyReused):
        event_receive(client=api_client, key="k", kind=EventKind.INTAKE, body={"x": 2}, apply=apply)
    with pytest.raises(KeyReused):
        event_receive(client=api_client, key="k", kind=EventKind.RELEASED, body={"x": 1}, apply=apply)


def test_a_failed_event_leaves_neither_its_key_nor_its_writes(api_client, case):
    def apply(actor):
        ReceivedEvent.objects.create(client=api_client, key="other", kind=EventKind.INTAKE, payload_hash="h")
        raise ValueError("refused")

    with pytest.raises(ValueError):
        event_receive(client=api_client, key="k2", kind=EventKind.INTAKE, body={}, apply=apply)
    assert not ReceivedEvent.objects.filter(client=api_client).exists()


def test_a_key_stored_meanwhile_answers_as_a_replay(api_client):
    """Two requests with one key at once: the second's insert fails on the key and it answers the first's result."""

    def apply(actor):
        # The other request commits the same key first (here: inside this one, outside its savepoint's reach).
        raise IntegrityError("duplicate key")

    ReceivedEvent.objects.create(
        client=api_client,
        key="k3",
        kind=EventKind.INTAKE,
        payload_hash=body_hash(EventKind.INTAKE, {}),
        result={"n": 1},
    )
    outcome = event_receive(client=api_client, key="k3", kind=EventKind.INTAKE, body={}, apply=apply)
    assert outcome.replayed and outcome.result == {"n": 1}
