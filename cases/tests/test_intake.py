"""Intake through the form: a good case is registered; bad input gets a message and saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Membership, Person
from journal.models import JournalEntry
from meetings.models import Meeting
from needs.models import Need
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
VALID_FNR = "15076500565"  # a checksum-valid synthetic Norwegian number, born 1965-07-15


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Ola",
        "last_name": "Nordmann",
        "birth_date": "1965-07-15",
        "national_id": "",
        "home_municipality": "Bergen",
        "unit": "Avdeling A",
        "security_level": "high",
        "legal_status": "sentenced",
        "intake_date": TODAY.isoformat(),
        "sentence_start": TODAY.isoformat(),
        "sentence_days": "300",
        "remand_days": "10",
        "isolation_days": "0",
        "expected_release": (TODAY + datetime.timedelta(days=290)).isoformat(),
        "acute_life_area": "",
        "acute_need": "",
        "next_meeting_at": "",
        "next_meeting_place": "",
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Case.objects.count(),
        Membership.objects.count(),
        Need.objects.count(),
        Meeting.objects.count(),
        JournalEntry.objects.count(),
    )


@pytest.fixture
def officer_client(client, personas):
    client.force_login(personas.contact_officer)
    return client


def test_intake_registers_case_with_acute_need_and_next_meeting(officer_client, personas):
    before = counts()
    start = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    response = officer_client.post(
        reverse("cases:intake"),
        form_data(
            national_id=VALID_FNR,
            acute_life_area=str(LifeArea.objects.get(slug="substance-use").pk),
            acute_need="Needs his medication from day one.",
            next_meeting_at=start,
            next_meeting_place="Room 1",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get(person__last_name="Nordmann")
    assert response["Location"] == reverse("cases:overview", kwargs={"code": case.code})
    assert case.institution == personas.contact_officer.agency
    assert len(case.code) == 13 and not case.code.isdigit()
    assert Membership.objects.get(case=case).user == personas.contact_officer
    assert case.lead == Membership.objects.get(case=case)
    assert Need.objects.get(case=case).acute
    assert Meeting.objects.get(case=case).place == "Room 1"
    after = counts()
    assert after[:5] == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1, before[4] + 1)
    # person, case, membership, the case's lead, need, meeting: each journaled.
    assert after[5] == before[5] + 6


def test_national_id_never_enters_the_journal_or_the_url(officer_client):
    response = officer_client.post(reverse("cases:intake"), form_data(national_id=VALID_FNR))
    assert VALID_FNR not in response["Location"]
    assert not any(VALID_FNR in str(entry.new) for entry in JournalEntry.objects.filter(object_type="cases.person"))
    overview = officer_client.get(response["Location"])
    assert VALID_FNR.encode() not in overview.content


BAD_INPUT = [
    ("expected_release", {"expected_release": (TODAY - datetime.timedelta(days=1)).isoformat()}),
    (
        "intake_date",
        {
            "intake_date": (TODAY + datetime.timedelta(days=400)).isoformat(),
            "sentence_start": (TODAY + datetime.timedelta(days=400)).isoformat(),
            "expected_release": (TODAY + datetime.timedelta(days=700)).isoformat(),
        },
    ),
    ("national_id", {"national_id": "15076500566"}),
    ("national_id", {"national_id": "01010112345"}),
    ("birth_date", {"birth_date": (TODAY + datetime.timedelta(days=3)).isoformat()}),
    ("sentence_days", {"sentence_days": ""}),
    ("remand_days", {"remand_days": "400"}),
    ("sentence_days", {"legal_status": "remand", "sentence_days": "100"}),
    ("first_name", {"first_name": ""}),
    ("acute_life_area", {"acute_need": "Something acute"}),
    ("next_meeting_place", {"next_meeting_at": "2030-01-01T10:00"}),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_INPUT)
def test_bad_intake_gets_a_message_next_to_the_field_and_saves_nothing(officer_client, field, overrides):
    before = counts()
    response = officer_client.post(reverse("cases:intake"), form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert f'id="id_{field}_error"'.encode() in response.content
    assert counts() == before


def test_the_good_form_data_used_above_is_valid(officer_client):
    """The bad-input cases differ from this valid form by one change each."""
    before = counts()
    response = officer_client.post(reverse("cases:intake"), form_data())
    assert response.status_code == 302
    assert counts()[1] == before[1] + 1


def test_institution_cannot_be_chosen_by_the_form(officer_client, personas, other_case):
    """Mass assignment: extra fields are ignored; the case lands in the officer's own prison."""
    response = officer_client.post(
        reverse("cases:intake"),
        form_data(institution=str(other_case.institution_id), stage="closed", code="chosen", created_by="1"),
    )
    assert response.status_code == 302
    case = Case.objects.get(person__last_name="Nordmann")
    assert case.institution == personas.contact_officer.agency
    assert case.code != "chosen"
    assert case.stage != "closed"


def test_nav_adviser_cannot_open_cases(client, personas):
    client.force_login(personas.nav_with_consent)
    before = counts()
    assert client.post(reverse("cases:intake"), form_data()).status_code == 403
    assert counts() == before


@pytest.mark.parametrize(("country", "digits"), [("NO", "11 digits"), ("DK", "10 digits (CPR number)")])
def test_the_national_id_help_says_how_many_digits_where_the_prison_is(country, digits):
    from django.utils import translation

    from cases.forms import IntakeForm

    with translation.override("en"):
        assert str(IntakeForm(country=country).fields["national_id"].help_text).startswith(digits)
        # Each form has its own copy of the field: one country's form does not change another's.
        assert str(IntakeForm(country="NO").fields["national_id"].help_text).startswith("11 digits")
    with translation.override("da"):
        assert str(IntakeForm(country="DK").fields["national_id"].help_text).startswith("10 cifre")
