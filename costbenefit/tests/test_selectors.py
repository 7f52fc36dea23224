"""costbenefit.selectors: which line of assumptions a scope uses, and its versions (issue 22, point 4)."""

import pytest

from accounts.models import Agency, AgencyKind, Country
from costbenefit.models import Assumptions
from costbenefit.selectors import country_of, current_version, line_for, lines, version_of
from insight.scopes import Scope

pytestmark = pytest.mark.django_db


def test_a_country_and_its_prisons_use_the_countrys_line_and_a_country_without_one_none():
    norway = line_for(Scope("country", Country.NORWAY))
    assert norway is not None and norway in lines()
    prison = Agency.objects.filter(kind=AgencyKind.PRISON, country=Country.NORWAY).first()
    assert prison is not None and line_for(Scope("prison", str(prison.pk))) == norway
    assert country_of(Scope("region", "no-vest")) == Country.NORWAY
    assert line_for(Scope("prison", "999999")) is None  # a prison that does not exist


def test_the_current_version_is_the_newest_and_an_old_one_stays_readable():
    line = Assumptions.objects.order_by("pk").first()
    assert line is not None
    current = current_version(line)
    assert version_of(line, current.number) == current
    assert version_of(line, current.number + 1) is None
