"""The language follows the user's agency's country until the user chooses (issue 17, point 5)."""

import pytest
from django.urls import reverse

from accounts.models import User
from core.tests.second_factor import Client  # force_login passes the second factor for staff
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def page(client: Client, url: str, **headers) -> tuple[str, str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response["Content-Language"], response.content.decode()


def test_a_danish_prisons_staff_start_in_danish_whatever_the_browser_asks(client, denmark):
    client.force_login(denmark.contact_officer)
    language, body = page(client, reverse("cases:overview", kwargs={"code": denmark.case.code}), accept_language="nb")
    assert language == "da"
    assert "Log ud" in body and "Logg ut" not in body


def test_the_person_in_a_danish_prison_starts_in_danish(client, denmark):
    client.force_login(denmark.person)
    language, body = page(client, reverse("cases:overview", kwargs={"code": denmark.case.code}), accept_language="en")
    assert language == "da"
    assert "Log ud" in body


def test_norwegian_staff_start_in_norwegian_whatever_the_browser_asks(client, personas, case):
    client.force_login(personas.nav_with_consent)
    language, body = page(client, reverse("cases:overview", kwargs={"code": case.code}), accept_language="da")
    assert language == "nb"
    assert "Logg ut" in body


def test_a_choice_made_wins_over_the_country_and_is_kept_on_the_user(client, denmark):
    officer = denmark.contact_officer
    client.force_login(officer)
    url = reverse("cases:overview", kwargs={"code": denmark.case.code})
    client.post(reverse("set_language"), {"language": "nb", "next": url})
    assert page(client, url)[0] == "nb"
    officer.refresh_from_db()
    assert officer.language == "nb"
    entry = JournalEntry.objects.get(action="account.language", object_id=str(officer.pk))
    assert (entry.old, entry.new) == ({"language": ""}, {"language": "nb"})
    # Another browser, with no cookie: the choice kept on the user still wins.
    elsewhere = Client()
    elsewhere.force_login(User.objects.get(pk=officer.pk))
    language, body = page(elsewhere, url, accept_language="da")
    assert language == "nb" and "Logg ut" in body


def test_a_choice_of_an_unknown_language_changes_nothing(client, denmark):
    client.force_login(denmark.contact_officer)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    denmark.contact_officer.refresh_from_db()
    assert denmark.contact_officer.language == ""


def test_a_danish_case_tells_the_jobcentre_and_names_kif_not_nav(client, denmark):
    client.force_login(denmark.contact_officer)
    _language, timetable = page(client, reverse("timetable:case", kwargs={"code": denmark.case.code}))
    assert "Registrér, at jobcentret eller kommunen har fået besked om løsladelsesdatoen" in timetable
    assert '<option value="nav">Jobcentret</option>' in timetable
    assert "NAV" not in timetable
    _language, group = page(client, reverse("cases:group", kwargs={"code": denmark.case.code}))
    assert "Rådgiver i jobcentret" in group and "Medarbejder i KIF (Kriminalforsorgen i Frihed)" in group
    assert "NAV" not in group


def test_a_norwegian_case_still_tells_nav(client, personas, case):
    client.force_login(personas.contact_officer)
    _language, timetable = page(client, reverse("timetable:case", kwargs={"code": case.code}))
    assert "Registrer at NAV eller kommunen fikk vite om løslatelsesdatoen" in timetable
    assert '<option value="nav">NAV</option>' in timetable
