"""Anonymisation on schedule (issue 24 points 1-2): what goes, what stays, and that it cannot come back."""

import datetime
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import ExternalIdentity, User
from accounts.services import system_user
from cases.models import Case, Membership, Person, Stage
from journal.guard import as_owner
from journal.models import AccessEvent, JournalEntry
from journal.services import record_change
from retention.models import DeletionRecord
from retention.registry import MARK, PERSON, PERSON_USER, RULES, anonymous_username
from retention.services import anonymise_case, anonymise_due, expired_rows, replay_deletions

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 1)


def close(case: Case, anonymise_on: datetime.date = DAY) -> Case:
    """Close the case as handover.services would (the test only needs the columns)."""
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED,
        closed_on=anonymise_on - datetime.timedelta(days=730),
        closing_reason="Jonas flytter til Bergen hos sin søster.",
        anonymise_on=anonymise_on,
    )
    return Case.objects.get(pk=case.pk)


def texts_of(case: Case) -> set[str]:
    """Every non-empty text anonymisation removes from the case's rows, and the person's."""
    found: set[str] = set()
    for rule in RULES:
        owner = case.person_id if rule.per_person else case.pk
        if not (rule.fields or rule.emptied):
            continue
        for row in rule.model._default_manager.filter(**{rule.to_case: owner}).values(*rule.fields, *rule.emptied):
            found |= {value for value in row.values() if isinstance(value, str) and len(value) > 3}
    person = Person.objects.get(pk=case.person_id)
    found |= {person.first_name, person.last_name, person.national_id}
    if person.user is not None:
        found |= {value for value in (person.user.email, person.user.username) if value}
    return found - {"", MARK}


def database_text(case: Case) -> str:
    """The case's rows, the person's, the journal's entries of the case and the ledger, as text."""
    parts = []
    for rule in RULES:
        owner = case.person_id if rule.per_person else case.pk
        parts += [
            json.dumps(
                list(rule.model._default_manager.filter(**{rule.to_case: owner}).values()),
                default=str,
                ensure_ascii=False,
            )
        ]
    parts.append(json.dumps(list(Person.objects.filter(pk=case.person_id).values()), default=str, ensure_ascii=False))
    users = User.objects.filter(person__pk=case.person_id).values("username", "first_name", "last_name", "email")
    parts.append(json.dumps(list(users), ensure_ascii=False))
    parts.append(json.dumps(list(JournalEntry.objects.filter(case=case).values()), default=str, ensure_ascii=False))
    parts.append(json.dumps(list(DeletionRecord.objects.values()), default=str, ensure_ascii=False))
    return "\n".join(parts)


def verify_journal() -> str:
    out = StringIO()
    call_command("verify_journal", stdout=out)
    return out.getvalue()


def newer_case(due: Case, personas) -> Case:
    """A new sentence for the same person, with its lead (the database wants one by commit)."""
    officer = personas.contact_officer
    newer = Case.objects.create(
        person=due.person,
        institution=due.institution,
        security_level=due.security_level,
        country=due.country,
        legal_status=due.legal_status,
        intake_date=DAY,
        home_municipality=due.home_municipality,
        previous_case=due,
        created_by=officer,
    )
    lead = Membership.objects.create(
        case=newer,
        user=officer,
        role=officer.role,
        agency=officer.agency,
        start_date=DAY,
        accepted_at=timezone.now(),
        added_by=officer,
    )
    Case.objects.filter(pk=newer.pk).update(lead=lead)
    return Case.objects.get(pk=newer.pk)


@pytest.fixture
def due(case) -> Case:
    """Jonas's case, closed two years ago, due today (DAY); he has no other case."""
    assert Case.objects.filter(person=case.person).count() == 1
    return close(case)


def test_a_due_case_loses_every_text_and_the_person_their_identity(due, personas):
    # Jonas signs in through ID-porten: his subject there is an identifier of him too.
    ExternalIdentity.objects.create(
        issuer="https://idporten.test/", subject="jonas-pairwise-subject", user=due.person.user
    )
    texts = texts_of(due)
    assert len(texts) > 20 and "Jonas" in texts
    born = due.person.birth_date
    outcome = anonymise_due(system_user(), DAY)
    assert (outcome.anonymised, outcome.persons) == (1, 1)
    left = database_text(due)
    assert [text for text in texts if text in left] == []
    case = Case.objects.get(pk=due.pk)
    person = Person.objects.get(pk=due.person_id)
    assert case.anonymised_at is not None and case.closing_reason == MARK
    assert (person.first_name, person.national_id, person.national_id_hash) == (MARK, "", "")
    assert person.birth_date == datetime.date(born.year, 1, 1)
    user = person.user
    assert user is not None
    assert (user.username, user.is_active, user.has_usable_password()) == (anonymous_username(user.pk), False, False)
    assert all(rule.left(rule.ids_for(due.pk)) == 0 for rule in RULES if not rule.per_person)
    assert PERSON.left([person.pk]) == 0 and PERSON_USER.left([user.pk]) == 0
    assert not ExternalIdentity.objects.filter(user=user).exists()


def test_codes_dates_and_counts_remain(due):
    def facts():
        case = Case.objects.values(
            "code",
            "stage",
            "intake_date",
            "expected_release",
            "released_on",
            "closed_on",
            "home_municipality",
            "institution",
            "legal_status",
            "sentence_days",
        ).get(pk=due.pk)
        counts = {rule.label: len(rule.ids_for(due.pk)) for rule in RULES if not rule.per_person}
        needs = sorted(due.needs.values_list("life_area", "status", "private", "recorded_at"))
        obstacles = sorted(due.obstacles.values_list("challenge", "stage", "happened_on", "failed_agency"))
        return case, counts, needs, obstacles

    before, entries = facts(), JournalEntry.objects.filter(case=due).count()
    anonymise_due(system_user(), DAY)
    assert facts() == before
    assert JournalEntry.objects.filter(case=due).count() == entries + 1  # the entry saying it was done


def test_the_journal_keeps_that_it_happened_not_what_the_case_held_and_the_chain_checks(due):
    entries = list(JournalEntry.objects.filter(case=due).values_list("pk", flat=True))
    accesses = AccessEvent.objects.filter(case=due).count()
    assert len(entries) > 5
    anonymise_due(system_user(), DAY)
    erased = JournalEntry.objects.filter(pk__in=entries)
    assert erased.filter(erased_at__isnull=True).count() == 0
    assert set(erased.values_list("old", "new", "salt").distinct()) == {(None, None, "")}
    done = JournalEntry.objects.get(case=due, action="case.anonymise")
    assert done.new is not None
    assert (
        done.erased_at is None
        and done.new["person"] is True
        and done.new["rows"]["journal.journalentry"] >= len(entries)
    )
    assert AccessEvent.objects.filter(case=due).count() == accesses  # who looked stays
    assert "intact" in verify_journal()


def test_the_ledger_lists_ids_and_field_names_never_content(due):
    texts = texts_of(due)
    anonymise_due(system_user(), DAY)
    record = DeletionRecord.objects.get(case_id=due.pk)
    dumped = json.dumps(record.removed)
    assert [text for text in texts if text in dumped] == []
    for item in record.removed:
        assert set(item) == {"model", "ids", "fields"}
        assert all(isinstance(pk, int) for pk in item["ids"]) and all(isinstance(f, str) for f in item["fields"])
    assert {"needs.need", "consent.consent", "cases.person", "journal.journalentry"} <= {
        item["model"] for item in record.removed
    }


def test_a_case_not_yet_due_and_an_open_case_are_untouched(case, other_case):
    later = close(case, DAY + datetime.timedelta(days=1))
    texts, other_texts = texts_of(later), texts_of(other_case)
    assert anonymise_due(system_user(), DAY).anonymised == 0
    assert anonymise_case(system_user(), other_case.pk, DAY + datetime.timedelta(days=3650)) is None
    assert [t for t in texts if t not in database_text(later)] == []
    assert [t for t in other_texts if t not in database_text(other_case)] == []
    assert not DeletionRecord.objects.exists()


def test_running_twice_changes_nothing_the_second_time(due):
    first = anonymise_due(system_user(), DAY)
    snapshot = (database_text(due), JournalEntry.objects.count(), DeletionRecord.objects.count())
    second = anonymise_due(system_user(), DAY)
    assert (first.anonymised, second.anonymised) == (1, 0)
    assert anonymise_case(system_user(), due.pk, DAY) is None  # a run that raced the first finds it done
    assert (database_text(due), JournalEntry.objects.count(), DeletionRecord.objects.count()) == snapshot


def test_a_person_with_a_newer_case_keeps_it_and_their_person_record(due, personas):
    newer = newer_case(due, personas)
    with transaction.atomic():
        record_change(
            actor=personas.contact_officer,
            action="case.open",
            obj=newer,
            case=newer,
            old=None,
            new={"unit": "Avdeling B, ny dom"},
        )
    person_before = Person.objects.values().get(pk=due.person_id)
    outcome = anonymise_due(system_user(), DAY)
    assert (outcome.anonymised, outcome.persons) == (1, 0)
    assert Person.objects.values().get(pk=due.person_id) == person_before
    assert Case.objects.get(pk=newer.pk).anonymised_at is None
    assert JournalEntry.objects.get(case=newer, action="case.open").new == {"unit": "Avdeling B, ny dom"}
    assert personas.person.__class__.objects.get(pk=personas.person.pk).is_active
    assert due.person.achievements.exclude(title=MARK).exists() or not due.person.achievements.exists()
    # When the newer case's day comes too, the person goes with it.
    close(newer, DAY + datetime.timedelta(days=10))
    assert anonymise_due(system_user(), DAY + datetime.timedelta(days=10)).persons == 1
    assert Person.objects.get(pk=due.person_id).first_name == MARK


def test_after_anonymisation_the_persons_pages_show_nothing_of_the_old_case(due, personas, client_for):
    """The person has a newer case, so their login stays; no page they reach shows the old case's words."""
    newer = newer_case(due, personas)
    texts = texts_of(due) - {due.person.first_name, due.person.last_name, personas.person.username}
    anonymise_due(system_user(), DAY)
    client = client_for(personas.person)
    pages = [
        "/",
        f"/cases/{due.code}/",
        f"/cases/{due.code}/changes/",
        f"/cases/{due.code}/access-log/",
        f"/cases/{due.code}/me/road/",
        f"/cases/{newer.code}/",
    ]
    shown = ""
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code in (200, 403, 404), page
        shown += response.content.decode()
    assert [text for text in texts if text in shown] == []


def test_the_ledger_is_append_only(due):
    anonymise_due(system_user(), DAY)
    for sql in ("UPDATE retention_deletionrecord SET case_id = 0", "DELETE FROM retention_deletionrecord"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert DeletionRecord.objects.count() == 1


def test_the_journal_allows_erasing_values_and_nothing_else(case):
    entry = JournalEntry.objects.filter(case=case).order_by("pk")[0]
    attempts = [
        "UPDATE journal_journalentry SET old = NULL, new = NULL, salt = '' WHERE id = %s",  # no erased_at
        "UPDATE journal_journalentry SET new = '{\"x\": 1}', erased_at = CURRENT_TIMESTAMP WHERE id = %s",
    ]
    for sql in attempts:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).erased_at is None


def restore(rows: str, entries: list[Any]) -> None:
    """Put back the rows of a dump made before (as restoring an older backup would), the journal's as its owner."""
    for obj in serializers.deserialize("json", rows):
        obj.save()
    trigger = {
        "sqlite": "DROP TRIGGER journal_journalentry_no_update",
        "postgresql": "DROP TRIGGER journal_journalentry_append_only ON journal_journalentry",
    }
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(trigger[connection.vendor])
        for entry in entries:
            cursor.execute(
                "UPDATE journal_journalentry SET old = %s, new = %s, salt = %s, erased_at = NULL WHERE id = %s",
                [json.dumps(entry["old"]), json.dumps(entry["new"]), entry["salt"], entry["id"]],
            )


def test_replay_after_restoring_an_older_backup_leaves_no_expired_row(due):
    texts = texts_of(due)
    objects = [due, due.person, due.person.user]
    for rule in RULES:
        owner = due.person_id if rule.per_person else due.pk
        objects += list(rule.model._default_manager.filter(**{rule.to_case: owner}))
    dump = serializers.serialize("json", objects)
    entries = list(JournalEntry.objects.filter(case=due).values("id", "old", "new", "salt"))
    anonymise_due(system_user(), DAY)
    restore(dump, entries)
    assert expired_rows() > 20 and "Jonas" in database_text(due)  # the old rows are back
    out = StringIO()
    call_command("replay_deletions", stdout=out)
    assert out.getvalue().strip().endswith("0 expired rows left") and len(out.getvalue().strip().splitlines()) == 1
    assert expired_rows() == 0
    assert [text for text in texts if text in database_text(due)] == []
    assert Case.objects.get(pk=due.pk).anonymised_at is not None
    # Replaying again changes nothing.
    again = replay_deletions()
    assert (again.rows, again.entries, again.left) == (0, 0, 0)


def test_anonymise_due_command_prints_one_line(due):
    out = StringIO()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC)):
        call_command("anonymise_due", stdout=out)
    assert out.getvalue().strip().startswith("anonymised 1 cases and 1 persons")


def test_a_backup_older_than_the_ledger_is_replayed_from_the_exported_ledger(due, tmp_path):
    """The older backup has no ledger record of the case: the exported ledger brings it, and the case goes again."""
    texts = texts_of(due)
    dump = serializers.serialize("json", [due, due.person, *due.needs.all(), *due.consents.all()])
    entries = list(JournalEntry.objects.filter(case=due).values("id", "old", "new", "salt"))
    anonymise_due(system_user(), DAY)
    ledger_file = tmp_path / "ledger.jsonl"
    call_command("export_deletions", ledger_file, stdout=StringIO())
    restore(dump, entries)
    trigger = {
        "sqlite": "DROP TRIGGER retention_deletionrecord_no_delete",
        "postgresql": "DROP TRIGGER retention_deletionrecord_append_only ON retention_deletionrecord",
    }
    with as_owner(), connection.cursor() as cursor:  # the backup was made before the ledger had the record
        cursor.execute(trigger[connection.vendor])
        cursor.execute("DELETE FROM retention_deletionrecord")
    assert expired_rows() == 0  # without the newer ledger, nothing says the restored rows expired
    out = StringIO()
    call_command("replay_deletions", "--ledger", ledger_file, stdout=out)
    assert "0 expired rows left" in out.getvalue() and DeletionRecord.objects.count() == 1
    assert expired_rows() == 0 and [text for text in texts if text in database_text(due)] == []
    assert "intact" in verify_journal()


def test_a_changed_ledger_file_is_refused(due, tmp_path):
    anonymise_due(system_user(), DAY)
    ledger_file = tmp_path / "ledger.jsonl"
    call_command("export_deletions", ledger_file, stdout=StringIO())
    original = ledger_file.read_text()
    changed = original.replace(f'"case_id": {due.pk},', f'"case_id": {due.pk + 1000},')
    assert changed != original
    ledger_file.write_text(changed)
    with pytest.raises(CommandError, match="broken"):
        call_command("replay_deletions", "--ledger", ledger_file, stdout=StringIO())


def test_after_anonymisation_the_staffs_pages_of_the_case_show_no_personal_words(due, personas, client_for):
    texts = texts_of(due)
    anonymise_due(system_user(), DAY)
    client = client_for(personas.contact_officer)
    shown = ""
    for page in ("", "changes/", "access-log/", "group/"):
        response = client.get(f"/cases/{due.code}/{page}")
        assert response.status_code == 200, page
        shown += response.content.decode()
    assert [text for text in texts if text in shown] == []
    assert MARK in shown
