"""The journal is hash-chained: a change, removal or insertion anywhere is found by verify_journal."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from journal import chain
from journal.guard import as_owner
from journal.models import JournalEntry
from journal.services import record_change

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "sqlite": ["journal_journalentry_no_update", "journal_journalentry_no_delete"],
    "postgresql": ["journal_journalentry_append_only ON journal_journalentry"],
}


def tamper(sql: str, params=()) -> None:
    """Rewrite the journal as its owner could, past the triggers (rolled back with the test)."""
    with as_owner(), connection.cursor() as cursor:
        for trigger in TRIGGERS[connection.vendor]:
            cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute(sql, params)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_journal", stdout=out)
    return out.getvalue()


def middle_entry() -> JournalEntry:
    ids = list(JournalEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) > 10
    return JournalEntry.objects.get(pk=ids[len(ids) // 2])


def test_the_demo_journal_is_intact():
    assert verify().strip() == f"The journal is intact, {JournalEntry.objects.count()} rows."


def test_each_new_entry_links_to_the_one_before(personas, case):
    last = JournalEntry.objects.order_by("-id")[0]
    with transaction.atomic():
        entry = record_change(
            actor=personas.contact_officer, action="case.note", obj=case, case=case, old=None, new={"a": (1, 2)}
        )
    entry = JournalEntry.objects.get(pk=entry.pk)
    assert entry.prev_hash == last.hash
    assert entry.hash == chain.entry_hash(last.hash, entry)
    assert "intact" in verify()


def test_verify_journal_finds_a_changed_entry():
    entry = middle_entry()
    tamper("UPDATE journal_journalentry SET action = %s WHERE id = %s", ["tampered", entry.pk])
    with pytest.raises(CommandError, match=f"broken at entry {entry.pk}: its content does not match"):
        verify()


def test_verify_journal_finds_a_removed_entry():
    entry = middle_entry()
    after = JournalEntry.objects.filter(pk__gt=entry.pk).order_by("id")[0]
    tamper("DELETE FROM journal_journalentry WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError, match=f"broken at entry {after.pk}: does not link"):
        verify()


def test_verify_journal_finds_a_rewritten_entry_whose_hash_was_recomputed():
    """Recomputing the changed entry's own hash does not help: the next entry no longer links to it."""
    entry = middle_entry()
    entry.action = "tampered"
    forged = chain.entry_hash(entry.prev_hash, entry)
    after = JournalEntry.objects.filter(pk__gt=entry.pk).order_by("id")[0]
    tamper("UPDATE journal_journalentry SET action = 'tampered', hash = %s WHERE id = %s", [forged, entry.pk])
    with pytest.raises(CommandError, match=f"broken at entry {after.pk}: does not link"):
        verify()
