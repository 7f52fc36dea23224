"""HSDS 3.0 JSON export and import (issue 21, point 6): the same directory back, idempotent, rejections reported."""

import copy
import io
import json

import pytest
from django.core.management import call_command

from accounts.models import User
from directory.hsds import export, import_services, schema_errors
from directory.models import Location, Organization, Referral, Service
from journal.models import JournalEntry
from plans.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return User.objects.get(username="admin")


def empty_the_directory():
    """As a fresh database would have it: no entry (the life areas' taxonomy stays, it is reference data)."""
    Referral.objects.all().delete()
    Measure.objects.filter(service__isnull=False).update(service=None)
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()


def test_export_then_import_into_an_empty_directory_gives_the_same_directory(admin):
    before = export()
    assert before["total_items"] > 100 and before["hsds_version"] == "3.0"
    fri = next(record for record in before["contents"] if record["name"].startswith("FRI"))
    assert {a["taxonomy_term"]["code"] for a in fri["attributes"]} >= {"housing", "network"}
    assert [area["name"] for area in fri["service_areas"]] == ["Drammen", "Ringerike"]
    empty_the_directory()
    assert export()["total_items"] == 0
    report = import_services(json.loads(json.dumps(before)), actor=admin)
    assert (report.created, report.changed, report.rejected) == (before["total_items"], 0, [])
    assert export() == before
    drammen = Service.objects.get(name="Boligtjenesten i Drammen kommune")
    assert "bolig" in drammen.search_text and "drammen" in drammen.search_text  # searchable again


def test_importing_the_same_file_again_changes_nothing(admin):
    data = export()
    journal = JournalEntry.objects.count()
    report = import_services(data, actor=admin)
    assert (report.created, report.changed, report.unchanged) == (0, 0, data["total_items"])
    assert JournalEntry.objects.count() == journal
    changed = copy.deepcopy(data)
    changed["contents"][0]["description"] = "Ny beskrivelse."
    again = import_services(changed, actor=admin)
    assert (again.created, again.changed) == (0, 1)
    assert JournalEntry.objects.filter(action="service.import").count() == 1


def test_every_rejected_record_is_reported_with_its_reason_and_the_rest_is_imported(admin):
    data = export()
    records = data["contents"][:4]
    empty_the_directory()
    bad = copy.deepcopy(records)
    bad[0]["id"] = "not-a-uuid"
    bad[1]["status"] = "sometimes"
    bad[2]["attributes"][0]["taxonomy_term"]["code"] = "astrology"
    bad.append("not even an object")
    report = import_services({"contents": bad}, actor=admin)
    reasons = {index: " ".join(errors) for index, _id, errors in report.rejected}
    assert set(reasons) == {0, 1, 2, 4}
    assert "HSDS 3.0 schema: id: 'not-a-uuid' is not a 'uuid'" in reasons[0]  # the schema's format, checked
    assert "status" in reasons[1] and "astrology" in reasons[2]
    assert report.created == 1 and Service.objects.count() == 1


def test_the_commands_write_and_read_a_file_and_say_what_they_did(admin, tmp_path):
    path = tmp_path / "directory.json"
    call_command("export_hsds", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_hsds", str(path), "--actor", "admin", stdout=out, stderr=io.StringIO())
    total = json.loads(path.read_text())["total_items"]
    assert out.getvalue().strip().endswith(f"created 0, changed 0, unchanged {total}, rejected 0")


def test_the_export_is_valid_against_the_vendored_hsds_schema():
    data = export()
    assert data["contents"]
    assert [(r["name"], schema_errors(r)) for r in data["contents"] if schema_errors(r)] == []


def test_a_record_breaking_the_schema_and_one_breaking_our_rules_are_both_reported(admin):
    records = copy.deepcopy(export()["contents"][:3])
    empty_the_directory()
    records[0]["name"] = 42  # HSDS 3.0: name is a string
    records[1]["attributes"][0]["taxonomy_term"]["code"] = "astrology"  # valid HSDS, not one of our life areas
    report = import_services({"contents": records}, actor=admin)
    reasons = {index: " ".join(errors) for index, _id, errors in report.rejected}
    assert set(reasons) == {0, 1}
    assert reasons[0].startswith("HSDS 3.0 schema: name:") and "astrology" in reasons[1]
    assert report.created == 1 and Service.objects.count() == 1


def test_the_import_command_shows_progress_on_stderr(admin, tmp_path):
    path = tmp_path / "directory.json"
    call_command("export_hsds", str(path), stderr=io.StringIO())
    total = json.loads(path.read_text())["total_items"]
    err = io.StringIO()
    call_command("import_hsds", str(path), "--actor", "admin", "--every", "50", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == f"50 of {total} records" and lines[-1] == f"{total} of {total} records"
    assert len(lines) == total // 50 + (1 if total % 50 else 0)


def test_a_service_in_the_file_twice_is_refused_the_second_time(admin):
    records = copy.deepcopy(export()["contents"][:2])
    empty_the_directory()
    twice = copy.deepcopy(records[0])
    twice["description"] = "Den andre beskrivelsen."
    report = import_services({"contents": [records[0], records[1], twice]}, actor=admin)
    assert report.created == 2
    assert [(index, errors) for index, _id, errors in report.rejected] == [
        (2, ["id: the file holds this service twice"])
    ]
    assert Service.objects.get(id=records[0]["id"]).description == records[0]["description"]


def test_text_longer_than_the_database_holds_is_refused_with_the_field_named(admin):
    records = copy.deepcopy(export()["contents"][:2])
    empty_the_directory()
    records[0]["phones"] = [{"id": "7a1c3f0e-9b1d-4c2e-8f3a-1d2e3f4a5b6c", "number": "9" * 41}]
    records[0]["minimum_age"] = 40000
    records[1]["x_overgang"] = "inside"
    report = import_services({"contents": records}, actor=admin)
    reasons = {index: errors for index, _id, errors in report.rejected}
    assert reasons[0] == ["minimum_age: a whole number from 0 to 150", "phones[0].number: at most 40 characters"]
    assert reasons[1] == ["x_overgang: must be an object"]
    assert Service.objects.count() == 0


def test_a_clash_only_the_database_sees_undoes_its_own_record_and_the_rest_of_the_batch_is_written(admin):
    """New services go in one INSERT per table; a child id another service already has makes the
    database refuse that, and the batch is then written record by record."""
    records = copy.deepcopy(export()["contents"])
    kept = next(record for record in records if record["phones"])
    new = [record for record in records if record is not kept][:5]
    empty_the_directory()
    assert import_services({"contents": [kept]}, actor=admin).created == 1
    journal = JournalEntry.objects.count()
    new[2]["phones"] = [{**kept["phones"][0], "service_id": new[2]["id"]}]  # the kept service's phone id
    report = import_services({"contents": new}, actor=admin)
    assert report.created == 4
    assert [(index, errors) for index, _id, errors in report.rejected] == [
        (2, ["an identifier is already used by another record"])
    ]
    assert not Service.objects.filter(id=new[2]["id"]).exists()
    assert set(Service.objects.values_list("name", flat=True)) == {
        kept["name"],
        *(r["name"] for i, r in enumerate(new) if i != 2),
    }
    assert JournalEntry.objects.count() == journal + 4
    out = io.StringIO()
    call_command("verify_journal", stdout=out)
    assert "intact" in out.getvalue()


def test_the_import_reads_and_writes_a_batch_in_a_fixed_number_of_queries(admin, django_assert_max_num_queries):
    """Speed without a clock: the queries of a batch do not grow with its records (ids looked up
    once per table, new services written in one INSERT per table, an unchanged record not at all)."""
    records = copy.deepcopy(export()["contents"][:40])
    empty_the_directory()
    with django_assert_max_num_queries(30):
        assert import_services({"contents": records}, actor=admin).created == 40
    with django_assert_max_num_queries(12):
        assert import_services({"contents": records}, actor=admin).unchanged == 40
