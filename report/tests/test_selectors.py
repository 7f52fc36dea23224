"""report.selectors: scopes read from the query string exist or are refused; their words (issue 22, point 6)."""

import pytest

from accounts.models import Agency, AgencyKind
from insight.scopes import Scope
from report.selectors import parse_scope, scope_choices, scope_label

pytestmark = pytest.mark.django_db


def test_a_scope_that_exists_is_read_and_anything_else_is_none(case):
    prison = case.institution
    assert parse_scope(f"prison:{prison.pk}") == Scope("prison", str(prison.pk))
    assert parse_scope("region:no-vest") == Scope("region", "no-vest")
    assert parse_scope(f"unit:{prison.pk}:{case.unit}") == Scope("unit", f"{prison.pk}:{case.unit}")
    for text in ("", "prison:", "prison:999999", "country:XX", "region:nowhere", "galaxy:1", f"unit:{prison.pk}:Z9"):
        assert parse_scope(text) is None, text


def test_a_scope_is_named_by_its_words_in_as_many_queries_whatever_their_number(case, django_assert_num_queries):
    prison = case.institution
    assert scope_label(Scope("prison", str(prison.pk))) == prison.name
    scopes = [
        Scope("prison", str(pk)) for pk in Agency.objects.filter(kind=AgencyKind.PRISON).values_list("pk", flat=True)
    ]
    with django_assert_num_queries(1):  # the agencies' names; no programme asked for
        choices = scope_choices([*scopes, Scope("region", "no-vest")])
    assert (f"prison:{prison.pk}", prison.name) in choices and choices[-1][0] == "region:no-vest"
