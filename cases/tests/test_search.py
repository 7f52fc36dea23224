"""Search and paging of the caseload (issue 17, point 9).

A search finds only the viewer's own cases (``cases_visible_to``): by name, by case code,
or by identity number through its keyed hash. A case in another prison is not found and
leaves no trace: the answer is the one for a case that does not exist, and no access event
names it. Lists come a page at a time, at a constant number of queries.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.policy import cases_visible_to
from cases.models import Case, Person
from cases.services import IntakeData, case_open
from cases.tests.test_query_budget import CASELOAD_BUDGET
from journal.models import AccessEvent

pytestmark = pytest.mark.django_db

JONAS_NUMBER = "12049910094"
LARS_NUMBER = "03039510099"
UNUSED_NUMBER = "05059010052"


@pytest.fixture
def numbered(case, other_case):
    """Jonas (Bergen) and Lars (Oslo) with identity numbers, stored as intake stores them (encrypted, hashed)."""
    for person, number in ((case.person, JONAS_NUMBER), (other_case.person, LARS_NUMBER)):
        person.national_id = number
        person.save(update_fields=["national_id", "national_id_hash"])
    return case, other_case


def search(client, text: str, url: str | None = None):
    return client.post(url or reverse("cases:caseload"), {"q": text})


def listed_codes(response) -> set[str]:
    return set(re.findall(r'<td><a class="ds-link" href="/cases/([a-z0-9]+)/">', response.content.decode()))


@pytest.mark.parametrize(
    "text", ["Jonas", "HANSEN jonas", "jonas hansen", JONAS_NUMBER, "120499 10094", "CODE"], ids=lambda t: t[:12]
)
def test_a_search_finds_the_viewers_own_case_by_name_code_or_identity_number(client_for, personas, numbered, text):
    jonas, _ = numbered
    text = jonas.code.upper() if text == "CODE" else text
    response = search(client_for(personas.contact_officer), text)
    assert response.status_code == 200
    assert listed_codes(response) == {jonas.code}
    assert 'data-search-count="1"' in response.content.decode()


def test_a_search_for_another_prisons_case_finds_nothing_and_records_nothing(client_for, personas, numbered):
    _, lars = numbered
    client = client_for(personas.contact_officer)
    before = AccessEvent.objects.count()
    answers = {}
    for label, text in (("number", LARS_NUMBER), ("code", lars.code), ("name", "Lars Olsen")):
        response = search(client, text)
        assert response.status_code == 200
        assert listed_codes(response) == set()
        answers[label] = response.content.decode().replace(text, "TEXT")
        assert lars.code not in answers[label].replace(f'value="{lars.code}"', "")
    missing = search(client, UNUSED_NUMBER).content.decode().replace(UNUSED_NUMBER, "TEXT")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    # The number of a case elsewhere answers exactly as a number nobody has.
    assert strip.sub("", answers["number"]) == strip.sub("", missing)
    assert AccessEvent.objects.count() == before
    assert not AccessEvent.objects.filter(case=lars, user=personas.contact_officer).exists()


def test_an_outsider_finds_nothing_of_bergen_by_identity_number(client_for, personas, numbered):
    jonas, lars = numbered
    response = search(client_for(personas.outsider), JONAS_NUMBER)
    assert listed_codes(response) == set()
    assert search(client_for(personas.outsider), LARS_NUMBER).status_code == 200
    assert listed_codes(search(client_for(personas.outsider), LARS_NUMBER)) == {lars.code}
    assert not AccessEvent.objects.filter(case=jonas, user=personas.outsider).exists()


def test_the_identity_number_is_never_in_an_address(client_for, personas, numbered):
    client = client_for(personas.contact_officer)
    response = search(client, JONAS_NUMBER)
    body = response.content.decode()
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', body)
    assert hrefs and not [href for href in hrefs if "1204991" in href]
    assert 'method="post"' in body[body.index("search-form") - 80 :]
    # A search by identity number in the address is not read as one: only names are kept in links.
    assert 'name="q"' in body


def add_cases(actor, n: int, last_name: str = "Paged") -> list[Case]:
    """Cases the actor opens, and so leads."""
    cases = []
    for i in range(n):
        case = case_open(
            actor=actor,
            data=IntakeData(
                first_name=f"P{i:03d}",
                last_name=last_name,
                birth_date=datetime.date(2000, 1, 1),
                home_municipality="Bergen",
                legal_status="remand",
                intake_date=timezone.localdate() - datetime.timedelta(days=1),
            ),
        )
        cases.append(case)
    return cases


def caseload_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:caseload"), params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_caseload_pages_and_logs_only_the_page_it_shows(client_for, personas):
    nav = personas.contact_officer
    add_cases(nav, 55)
    client = client_for(nav)
    total = cases_visible_to(nav).count()
    assert 55 <= total < 100
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first_count, first = caseload_queries(client)
    assert first.count('<tr>\n      <td><a class="ds-link" href="/cases/') == 50
    assert 'rel="next"' in first and 'data-page="1" data-pages="2"' in first
    assert AccessEvent.objects.filter(id__gt=last, user=nav).count() == 50
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    second_count, second = caseload_queries(client, page=2)
    assert second.count('<tr>\n      <td><a class="ds-link" href="/cases/') == total - 50
    assert AccessEvent.objects.filter(id__gt=last, user=nav).count() == total - 50
    assert first_count == second_count <= CASELOAD_BUDGET


def test_a_name_search_pages_with_the_search_kept_in_the_links(client_for, personas):
    nav = personas.contact_officer
    add_cases(nav, 52, last_name="Sidelengde")
    client = client_for(nav)
    response = client.post(reverse("cases:caseload"), {"q": "sidelengde"})
    body = response.content.decode()
    assert 'data-search-count="52"' in body
    assert 'href="?q=sidelengde&amp;page=2"' in body
    second = client.get(reverse("cases:caseload"), {"q": "sidelengde", "page": 2}).content.decode()
    assert second.count("Sidelengde") >= 2
    assert Person.objects.filter(last_name="Sidelengde").count() == 52
