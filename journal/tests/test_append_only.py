import pytest
from django.db import DatabaseError, connection, transaction

from journal.models import AccessEvent, AccessPurpose, JournalEntry
from journal.services import record_access

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_read(personas, case):
    record_access(viewer=personas.nav_with_consent, case_ids=[case.pk], purpose=AccessPurpose.CASE_WORK, view="test")


@pytest.mark.parametrize("model", [JournalEntry, AccessEvent])
def test_database_rejects_update_of_journal_rows(model, personas, case):
    assert model.objects.exists()
    table = model._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET at = at")  # noqa: S608


@pytest.mark.parametrize("model", [JournalEntry, AccessEvent])
def test_database_rejects_delete_of_journal_rows(model, personas, case):
    count = model.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all().delete()
    assert model.objects.count() == count


def test_orm_update_is_rejected_too(case):
    entry = JournalEntry.objects.filter(case=case)[0]
    entry.action = "tampered"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    entry.refresh_from_db()
    assert entry.action != "tampered"
