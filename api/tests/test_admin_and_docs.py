"""The API's clients in the admin (journaled), and its docs page served from our own static files under the CSP."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from api.models import ApiClient, Scope
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_client_with_its_scopes_and_the_journal_keeps_it(client, personas, case):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "client_id": "nav-system",
            "name": "NAV",
            "agency": personas.nav_with_consent.agency_id,
            "consumer_id": "",
            "scopes": [Scope.CASES_READ],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    added = ApiClient.objects.get(client_id="nav-system")
    assert added.scopes == [Scope.CASES_READ]
    entry = JournalEntry.objects.get(object_type="api.apiclient", object_id=str(added.pk))
    assert entry.action == "admin.add" and entry.actor == personas.admin


def test_the_docs_page_loads_only_our_own_static_files_under_the_csp(client):
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses and all(address.startswith("/static/") for address in addresses), addresses
    for address in addresses:
        assert finders.find(address.removeprefix("/static/")), address
    assert "<script>" not in page.replace(" ", "")  # no inline script (the settings are JSON data)


def test_the_description_is_openapi_3_1_with_bearer_tokens(client):
    description = client.get("/api/openapi.json").json()
    assert description["openapi"].startswith("3.1")
    schemes = description["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in schemes.values()} == {"bearer"}
