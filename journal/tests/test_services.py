"""The journal's writes: ``snapshot`` (JSON-friendly values, secrets redacted), ``record_change`` (one entry
with who, in which role and agency, what, on which case, old and new, linked into the chain),
``record_changes`` (one entry per change, for no case) and ``record_access`` (one event per case read).

That the application cannot rewrite the journal, and that each read is logged once per request, is in
``test_append_only.py``, ``test_app_cannot_rewrite.py`` and ``test_access_events.py``.
"""

import datetime

import pytest
from django.utils import timezone

from cases.models import Membership, Person
from consent.models import Consent
from directory.models import Referral, Service
from journal import chain
from journal.models import AccessEvent, AccessPurpose, JournalEntry
from journal.services import REDACTED, record_access, record_change, record_changes, snapshot

pytestmark = pytest.mark.django_db


def test_a_snapshot_gives_dates_as_text_relations_as_ids_and_redacts_the_identity_number(case):
    person = Person.objects.get(pk=case.person_id)
    person.national_id = "05059010052"
    values = snapshot(person, ["first_name", "birth_date", "national_id", "user"])
    assert values == {
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "national_id": REDACTED,
        "user": person.user_id,
    }
    person.national_id = ""
    assert snapshot(person, ["national_id"]) == {"national_id": ""}  # that none was given is no secret


def test_a_snapshot_gives_many_to_many_as_sorted_ids_and_uuids_as_text(case):
    consent = Consent.objects.filter(case=case, withdrawn_at__isnull=True).get()
    scope = sorted(consent.scope.values_list("pk", flat=True))
    assert scope and snapshot(consent, ["scope"]) == {"scope": scope}
    assert snapshot(Consent(case=case), ["scope"]) == {"scope": []}  # not saved: no members yet
    service = Service.objects.first()
    assert service is not None
    referral = Referral(service=service)
    assert snapshot(referral, ["service"]) == {"service": str(service.pk)}


def test_a_change_is_recorded_with_who_in_which_role_and_agency_what_and_the_old_and_new_values(case, personas):
    kari = personas.contact_officer
    head = JournalEntry.objects.order_by("-id").values_list("hash", flat=True)[0]
    membership = Membership.objects.filter(case=case).first()
    assert membership is not None
    entry = record_change(
        actor=kari, action="membership.end", obj=membership, case=case, old={"end_date": None}, new={"end_date": "x"}
    )
    saved = JournalEntry.objects.get(pk=entry.pk)
    assert (saved.actor_id, saved.actor_role, saved.actor_agency_id) == (kari.pk, kari.role, kari.agency_id)
    assert (saved.action, saved.case_id, saved.object_type, saved.object_id) == (
        "membership.end",
        case.pk,
        "cases.membership",
        str(membership.pk),
    )
    assert saved.old == {"end_date": None} and saved.new == {"end_date": "x"}
    assert abs(saved.at - timezone.now()) < datetime.timedelta(minutes=1)
    assert saved.prev_hash == head and saved.hash == chain.entry_hash(head, saved)


def test_a_change_to_no_case_is_recorded_without_one(personas):
    service = Service.objects.first()
    assert service is not None
    entry = record_change(actor=personas.admin, action="service.verify", obj=service, case=None, old=None, new={})
    saved = JournalEntry.objects.get(pk=entry.pk)
    assert saved.case_id is None and saved.object_type == "directory.service" and saved.object_id == str(service.pk)
    assert saved.actor_agency_id is None  # the administrator belongs to no agency


def test_many_changes_are_one_entry_each_linked_in_order_with_no_case(personas):
    services = list(Service.objects.order_by("name")[:3])
    before = JournalEntry.objects.count()
    last, head = JournalEntry.objects.order_by("-id").values_list("id", "hash")[0]
    entries = record_changes(
        actor=personas.admin,
        action="service.import",
        changes=[(service, None, {"name": service.name}) for service in services],
    )
    assert JournalEntry.objects.count() == before + 3
    saved = list(JournalEntry.objects.filter(id__gt=last).order_by("id"))
    assert [entry.object_id for entry in saved] == [str(service.pk) for service in services]
    assert {entry.case_id for entry in saved} == {None} and len({entry.at for entry in saved}) == 1
    assert [entry.new for entry in saved] == [{"name": service.name} for service in services]
    assert saved[0].prev_hash == head and saved[0].hash == chain.entry_hash(head, saved[0])
    assert saved[1].prev_hash == saved[0].hash and saved[2].prev_hash == saved[1].hash
    assert [entry.hash for entry in entries] == [entry.hash for entry in saved]


def test_no_changes_record_nothing(personas):
    before = JournalEntry.objects.count()
    assert record_changes(actor=personas.admin, action="service.import", changes=[]) == []
    assert JournalEntry.objects.count() == before


def test_a_read_by_the_person_is_recorded_with_their_role_no_agency_and_the_moment_read(case, personas):
    """One event per case, deduplicated and cut to 80 characters, is in ``test_access_events.py``."""
    jonas = personas.person
    assert jonas.agency_id is None
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    record_access(viewer=jonas, case_ids=[case.pk], purpose=AccessPurpose.OWN_CASE, view="personpages:road")
    event = AccessEvent.objects.get(id__gt=last)
    assert (event.user_id, event.role, event.agency_id, event.case_id) == (jonas.pk, "person", None, case.pk)
    assert (event.purpose, event.view) == (AccessPurpose.OWN_CASE, "personpages:road")
    assert abs(event.at - timezone.now()) < datetime.timedelta(minutes=1)
