"""The directory's first entries (issue 21, points 1 and 7): the examples, the networks, every municipality."""

import datetime

import pytest

from directory.models import Service, ServiceArea, TaxonomyTerm
from directory.seed import EXAMPLES, municipalities
from reference.models import LifeArea

pytestmark = pytest.mark.django_db


def test_every_life_area_is_a_term_of_the_taxonomy_under_its_tangle():
    areas = list(LifeArea.objects.select_related("tangle"))
    assert len(areas) > 10
    for area in areas:
        term = TaxonomyTerm.objects.select_related("parent__tangle").get(life_area=area)
        assert term.code == area.slug
        assert term.parent is not None and term.parent.tangle == area.tangle


@pytest.mark.parametrize(
    ("name", "source", "town"),
    [
        ("FRI – fra fengsel til varig bolig", "tilbakeføring.no", "Drammen"),
        ("Fra fengsel til frihet – Askers fengselsteam", "tilbakeføring.no", "Asker"),
        ("Gjengangerteam – bolig etter soning", "tilbakeføring.no", "Trondheim"),
        ("WayBack – fadder ved løslatelsen", "NIBR-rapport 2011:20, kap. 5.17", "Oslo"),
        ("Nettverk etter soning", "NIBR-rapport 2011:20, kap. 5.19", "Oslo"),
        ("Selvbyggerprosjektet – pusse opp din egen leilighet", "NIBR-rapport 2011:20, kap. 5.13", "Oslo"),
    ],
)
def test_the_examples_and_networks_cite_their_source(name, source, town):
    service = Service.objects.get(name=name)
    assert source in service.source
    assert ServiceArea.objects.filter(service=service, name=town).exists()
    assert ".txt" not in service.source  # never our file names


def test_every_municipality_of_the_demo_world_has_nav_and_help_with_housing():
    towns = municipalities()
    assert {"Bergen", "Askøy", "Os", "Drammen", "Oslo"} <= set(towns["NO"])
    assert "København" in towns["DK"]
    for town in towns["NO"]:
        served = Service.objects.filter(service_areas__name=town)
        assert served.filter(name=f"NAV {town}").exists(), town
        assert served.filter(taxonomy_terms__code="housing", organization__name__endswith="kommune").exists(), town
    for town in towns["DK"]:
        served = Service.objects.filter(service_areas__name=town)
        assert served.filter(name=f"Jobcenter {town}").exists(), town
        assert served.filter(taxonomy_terms__code="housing").exists(), town
    assert len(EXAMPLES) == 10


def test_the_seed_runs_twice_without_adding_anything():
    from django.apps import apps

    from directory.seed import seed_directory

    before = Service.objects.count()
    seed_directory(apps)
    assert Service.objects.count() == before


def test_an_entry_nobody_has_checked_or_not_for_a_year_is_flagged(fri):
    from django.utils import timezone

    from directory.services import service_verify

    today = timezone.localdate()
    wayback = Service.objects.get(name="WayBack – fadder ved løslatelsen")
    assert wayback.last_verified is None and wayback.needs_verifying(today)
    assert fri.last_verified == today and not fri.needs_verifying(today)  # the demo's admin checked it
    assert fri.needs_verifying(today + datetime.timedelta(days=366))
    assert not fri.needs_verifying(today + datetime.timedelta(days=365))
    service_verify(actor=fri.owner.users.first(), service=wayback)
    wayback.refresh_from_db()
    assert wayback.last_verified == today and wayback.version == 2
