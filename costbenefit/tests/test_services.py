"""Editing the assumptions: a new version each time, journaled; bad, empty or stale edits change nothing."""

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Country
from core.errors import ConcurrentEditError
from costbenefit.gain import gain
from costbenefit.models import Assumptions, AssumptionVersion
from costbenefit.services import AssumptionValues, assumptions_edit, assumptions_start
from insight.registry import Count
from insight.scopes import Scope
from journal.models import JournalEntry
from programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def denmark() -> Assumptions:
    return Assumptions.objects.get(country=Country.DENMARK, programme__isnull=True)


def values_of(version: AssumptionVersion, **changes) -> AssumptionValues:
    values = AssumptionValues(
        value_per_success=version.value_per_success,
        value_source=version.value_source,
        cost_per_participant=version.cost_per_participant,
        cost_source=version.cost_source,
        comparison_percent=version.comparison_percent,
        comparison_source=version.comparison_source,
        currency=version.currency,
    )
    return dataclasses.replace(values, **changes)


def state(line: Assumptions) -> tuple:
    """Everything an edit could touch: the line's number, its versions' values, the journal's length."""
    line.refresh_from_db()
    versions = list(AssumptionVersion.objects.filter(line=line).order_by("number").values())
    return line.version, versions, JournalEntry.objects.count()


def test_the_seeds_cite_their_sources_not_our_files():
    seeded = AssumptionVersion.objects.filter(number=1, made_by__isnull=True).select_related("line")
    by_country = {version.line.country: version for version in seeded if version.line.programme_id is None}
    denmark, norway = by_country[Country.DENMARK], by_country[Country.NORWAY]
    assert (denmark.currency, norway.currency) == ("DKK", "NOK")
    assert "298.000" in denmark.value_source and "40 pct" in denmark.value_source
    assert "Exitprogrammet (Københavns Kommune, 2015)" in denmark.value_source
    assert norway.value_per_success == Decimal(32_000_000)
    assert "Oslo Economics, 2024" in norway.value_source and "32 millioner" in norway.value_source
    for version in seeded:
        for source in (version.value_source, version.cost_source, version.comparison_source):
            assert "seed" not in source.lower() and ".txt" not in source


def test_an_edit_makes_a_new_version_keeps_the_old_and_the_gain_moves(denmark, personas):
    scope = Scope("country", "DK")
    before = gain(scope, participants=100, success=Count(40, 100))
    first = AssumptionVersion.objects.get(line=denmark, number=1)
    first_values = AssumptionVersion.objects.filter(pk=first.pk).values().get()
    entries = JournalEntry.objects.count()

    new = assumptions_edit(
        actor=personas.analyst,
        line=denmark,
        version=1,
        values=values_of(first, cost_per_participant=Decimal(140_000), cost_source="EKP's budget 2014 (7.0 mio. kr.)"),
        note="  The programme's cost,   apart ",
    )

    denmark.refresh_from_db()
    assert (new.number, denmark.version, new.made_by) == (2, 2, personas.analyst)
    assert new.note == "The programme's cost, apart"
    assert AssumptionVersion.objects.filter(pk=first.pk).values().get() == first_values  # the old one, as it was
    after = gain(scope, participants=100, success=Count(40, 100))
    assert before is not None and after is not None and before.central and after.central
    assert (before.assumptions.number, after.assumptions.number) == (1, 2)
    assert before.central.per_participant - after.central.per_participant == Decimal(140_000)
    entry = JournalEntry.objects.order_by("pk").last()
    assert entry is not None
    assert JournalEntry.objects.count() == entries + 1
    assert (entry.action, entry.actor, entry.case, entry.object_id) == (
        "assumptions.edit",
        personas.analyst,
        None,
        str(denmark.pk),
    )
    old, new_values = entry.old or {}, entry.new or {}
    assert (old["cost_per_participant"], new_values["cost_per_participant"]) == ("0", "140000")
    assert (old["number"], new_values["number"]) == (1, 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value_per_success": Decimal(-1)}, "value_per_success"),
        ({"value_per_success": Decimal("1.5")}, "value_per_success"),
        ({"value_per_success": Decimal("NaN")}, "value_per_success"),
        ({"value_per_success": Decimal("1e20")}, "value_per_success"),
        ({"cost_per_participant": "many"}, "cost_per_participant"),
        ({"comparison_percent": Decimal("100.01")}, "comparison_percent"),
        ({"comparison_percent": Decimal("12.345")}, "comparison_percent"),
        ({"value_source": "   "}, "value_source"),
        ({"cost_source": "x" * 501}, "cost_source"),
        ({"comparison_source": ""}, "comparison_source"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_bad_input_changes_nothing_and_says_which_field(denmark, personas, changes, field):
    current = AssumptionVersion.objects.get(line=denmark, number=denmark.version)
    before = state(denmark)
    with pytest.raises(ValidationError) as refused:
        assumptions_edit(actor=personas.analyst, line=denmark, version=1, values=values_of(current, **changes))
    assert field in refused.value.message_dict
    assert state(denmark) == before


def test_an_edit_that_changes_nothing_is_refused(denmark, personas):
    current = AssumptionVersion.objects.get(line=denmark, number=denmark.version)
    before = state(denmark)
    with translation.override("en"), pytest.raises(ValidationError, match="Nothing was changed"):
        assumptions_edit(actor=personas.analyst, line=denmark, version=1, values=values_of(current), note="Why not")
    assert state(denmark) == before


def test_a_stale_edit_is_refused_and_the_newer_version_stays(denmark, personas):
    """Two analysts began from version 1; the second to save is refused, with the line as it is now."""
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    assumptions_edit(
        actor=personas.analyst, line=denmark, version=1, values=values_of(current, comparison_percent=Decimal(20))
    )
    before = state(denmark)
    with pytest.raises(ConcurrentEditError) as conflict:
        assumptions_edit(
            actor=personas.analyst, line=denmark, version=1, values=values_of(current, comparison_percent=Decimal(30))
        )
    assert conflict.value.current.version == 2
    assert state(denmark) == before
    assert AssumptionVersion.objects.get(line=denmark, number=2).comparison_percent == Decimal(20)


@pytest.mark.parametrize("persona", ["contact_officer", "admin", "person", "outsider"])
def test_only_the_analyst_may_edit(denmark, personas, persona):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    before = state(denmark)
    with pytest.raises(PermissionDenied):
        assumptions_edit(
            actor=getattr(personas, persona),
            line=denmark,
            version=1,
            values=values_of(current, value_per_success=Decimal(1)),
        )
    assert state(denmark) == before


def test_a_too_long_note_is_refused(denmark, personas):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    before = state(denmark)
    with pytest.raises(ValidationError) as refused:
        assumptions_edit(
            actor=personas.analyst,
            line=denmark,
            version=1,
            values=values_of(current, value_per_success=Decimal(1)),
            note="x" * 501,
        )
    assert "note" in refused.value.message_dict
    assert state(denmark) == before


def test_a_programme_gets_a_line_of_its_own_from_its_countrys_and_its_gain_follows_it(personas):
    norway = Assumptions.objects.get(country=Country.NORWAY, programme__isnull=True)
    tog = Programme.objects.get(slug="tog")
    scope = Scope("programme", "tog")
    assert gain(scope, participants=20, success=Count(10, 20)).assumptions.line_id == norway.pk  # type: ignore[union-attr]
    entries = JournalEntry.objects.count()

    line = assumptions_start(actor=personas.analyst, programme=tog)

    first = AssumptionVersion.objects.get(line=line, number=1)
    country_first = AssumptionVersion.objects.get(line=norway, number=1)
    assert (line.country, line.programme, line.version, first.made_by) == ("NO", tog, 1, personas.analyst)
    assert (first.value_per_success, first.value_source) == (
        country_first.value_per_success,
        country_first.value_source,
    )
    assert JournalEntry.objects.count() == entries + 1
    assert JournalEntry.objects.order_by("pk").last().action == "assumptions.start"  # type: ignore[union-attr]
    assumptions_edit(
        actor=personas.analyst, line=line, version=1, values=values_of(first, value_per_success=Decimal(1_000_000))
    )
    moved = gain(scope, participants=20, success=Count(10, 20))
    assert moved is not None and moved.central is not None
    assert (moved.assumptions.line_id, moved.central.per_participant) == (line.pk, Decimal(500_000))
    assert gain(Scope("country", "NO"), participants=20, success=Count(10, 20)).assumptions.line_id == norway.pk  # type: ignore[union-attr]


def test_a_programme_with_a_line_or_a_country_without_one_is_refused(personas):
    exit_programme = Programme.objects.get(slug="exit")
    lines = Assumptions.objects.count()
    with pytest.raises(ValidationError) as refused:
        assumptions_start(actor=personas.analyst, programme=exit_programme)
    assert "programme" in refused.value.message_dict
    swedish = Programme.objects.create(slug="sverige", name="Ett program", country="SE", owner="Kriminalvården")
    with pytest.raises(ValidationError):
        assumptions_start(actor=personas.analyst, programme=swedish)
    with pytest.raises(PermissionDenied):
        assumptions_start(actor=personas.admin, programme=Programme.objects.get(slug="tog"))
    assert Assumptions.objects.count() == lines
