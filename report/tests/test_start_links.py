"""The start pages link to the figures for those who may read them (issue 22; ``access.insight.sees_figures``):
the reentry coordinator's "What is due" links to the indicators, the report and the surveys' figures of their
prison and country, and each link opens; a contact officer's start page has none of them; the analyst's start
page links to the indicators and the report."""

import re

import pytest
from django.urls import reverse

from access.insight import sees_figures
from accounts.models import User

pytestmark = pytest.mark.django_db

FIGURES = ("insight:index", "report:page", "surveys:figures")


def figure_links(html: str) -> set[str]:
    block = re.search(r'<p data-testid="figures-links">(.*?)</p>', html, re.S)
    return set(re.findall(r'href="([^"]+)"', block.group(1))) if block else set()


def start_page(client_for, user) -> str:
    client = client_for(user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinators_start_page_links_to_the_figures_of_their_prison_and_they_open(client_for):
    tove = User.objects.get(username="tove.koordinator")
    assert sees_figures(tove)
    html = start_page(client_for, tove)
    assert figure_links(html) == {reverse(name) for name in FIGURES}
    client = client_for(tove)
    for name in FIGURES:
        assert client.get(reverse(name)).status_code == 200, name


def test_a_contact_officers_start_page_has_no_link_to_the_figures(client_for, personas):
    officer = personas.contact_officer
    assert not sees_figures(officer)
    html = start_page(client_for, officer)
    assert figure_links(html) == set()
    assert reverse("insight:index") not in html and reverse("report:page") not in html


def test_the_analysts_start_page_links_to_the_indicators_and_the_report(client_for, personas):
    html = start_page(client_for, personas.analyst)
    assert f'href="{reverse("insight:index")}"' in html
    assert f'href="{reverse("report:page")}"' in html
