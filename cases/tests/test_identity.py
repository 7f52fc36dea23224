"""National identity numbers are encrypted at rest and found by a keyed hash (issue #16, hole 10)."""

import io
import re
import tempfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from stdnum.no import fodselsnummer

from cases.identity import national_id_digest
from cases.models import LegalStatus, Person
from cases.services import IntakeData, case_open
from population.generator import Generator

pytestmark = pytest.mark.django_db

NUMBER = "05059010052"
#: Eleven digits standing alone, as a number is written (not a run inside a hex hash or a token).
ELEVEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{11}(?![0-9A-Za-z])")


def register(actor, number: str = NUMBER, first_name: str = "Ida"):
    return case_open(
        actor=actor,
        data=IntakeData(
            first_name=first_name,
            last_name="Hansen",
            birth_date=fodselsnummer.get_birth_date(number),
            national_id=number,
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=timezone.localdate(),
            sentence_start=timezone.localdate(),
            sentence_days=180,
        ),
    )


def dump_texts() -> list[str]:
    """``dumpdata`` of everything, and every column of every table as the database holds it."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    texts = [out.getvalue()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts.extend(str(value) for row in cursor.fetchall() for value in row if value is not None)
    return texts


def test_no_dump_holds_an_identity_number(personas):
    register(personas.contact_officer)
    Generator(cases=30, seed=16).run()
    numbers = set(Person.objects.exclude(national_id_hash="").values_list("national_id", flat=True))
    assert NUMBER in numbers and len(numbers) > 10
    dump = "\n".join(dump_texts())
    assert [number for number in numbers if number in dump] == []
    # Nor any checksum-valid Norwegian number written out anywhere.
    assert [found for found in ELEVEN_DIGITS.findall(dump) if fodselsnummer.is_valid(found)] == []


def test_the_number_reads_back_and_is_found_by_its_keyed_hash(personas):
    case = register(personas.contact_officer)
    person = Person.objects.get(national_id_hash=national_id_digest(NUMBER))
    assert person == case.person
    assert person.national_id == NUMBER
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, national_id_hash FROM cases_person WHERE id = %s", [person.pk])
        stored, digest = cursor.fetchone()
    assert NUMBER not in stored and NUMBER not in digest


def test_the_same_number_registered_again_finds_the_same_person(personas):
    first = register(personas.contact_officer)
    again = register(personas.contact_officer)
    assert again.person_id == first.person_id


def test_dumpdata_carries_the_ciphertext_and_loaddata_restores_the_number(personas):
    case = register(personas.contact_officer)
    out = io.StringIO()
    call_command("dumpdata", "cases.person", format="json", stdout=out)
    assert NUMBER not in out.getvalue()
    Person.objects.filter(pk=case.person_id).update(national_id="", national_id_hash="")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as fixture:
        fixture.write(out.getvalue())
        fixture.flush()
        call_command("loaddata", fixture.name, verbosity=0)
    assert Person.objects.get(national_id_hash=national_id_digest(NUMBER)).national_id == NUMBER


def test_a_lookup_by_the_clear_number_is_refused_not_silently_empty():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Person.objects.filter(national_id=NUMBER))
