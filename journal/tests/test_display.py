"""The change log speaks in names and labels, not ids, and never names a need by its words (by its life area)."""

import pytest
from django.urls import reverse
from django.utils import translation

from needs.models import Need

pytestmark = pytest.mark.django_db


def test_change_log_shows_names_not_ids(client, personas, case):
    client.force_login(personas.contact_officer)
    body = client.get(reverse("cases:changes", kwargs={"code": case.code})).content.decode()
    assert "Nils Berg" in body  # a consent's scope and a membership's user, by name
    assert "NAV Bergenhus" in body
    housing = Need.objects.filter(case=case, life_area__slug="housing")[0]
    assert housing.life_area.name in body
    assert "[3]" not in body and "scope</strong>: [" not in body


def test_a_need_is_never_named_by_its_words(personas, case):
    from journal.display import describe_changes
    from journal.models import JournalEntry

    need = Need.objects.filter(case=case, private=True)[0]
    entry = JournalEntry(object_type="needs.resource", old=None, new={"description": "x"})
    entry_with_need = JournalEntry(object_type="needs.need", old=None, new={"conversation": None})
    with translation.override("en"):  # the field label is asserted in English
        described = describe_changes([entry, entry_with_need])
        assert described[0].display == [("description", None, "x")]
    assert need.own_words not in str([item.display for item in described])


def test_every_action_the_services_journal_has_words():
    """The change log and the agenda show actions in words; a new action needs a label."""
    import pathlib
    import re

    from django.conf import settings

    from journal.actions import ACTION_LABELS
    from plans.models import MeasureStatus

    root = pathlib.Path(settings.BASE_DIR)
    found = set()
    for path in root.glob("*/*.py"):
        if path.parts[-2] in {"node_modules", ".venv", "population", "bench"} or "tests" in path.parts:
            continue
        text = path.read_text()
        found.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        found.update(re.findall(r'_journal\(\s*actor,\s*"([a-z_]+\.[a-z_]+)"', text))
    found.update(f"measure.{status}" for status in MeasureStatus.values)
    assert len(found) > 30
    assert sorted(found - set(ACTION_LABELS)) == []


@pytest.mark.parametrize("object_type", ["cases.meeting", "meetings.meeting"])
def test_a_meetings_entry_is_put_in_words_before_and_after_the_model_moved(object_type):
    """Entries written while the meeting lived in the cases app keep that label; both read as the meeting."""
    from journal.display import describe_changes
    from journal.models import JournalEntry

    entry = JournalEntry(object_type=object_type, old=None, new={"kind": "group", "person_attends": True})
    with translation.override("en"):
        (described,) = describe_changes([entry])
    assert ("kind", None, "Group meeting") in described.display
    assert ("the person attends", None, "yes") in described.display


def test_reference_data_is_named_from_what_the_worker_keeps_and_an_edit_is_seen_at_once(
    django_assert_num_queries,
):
    """Tangles, knots, life areas and agencies: a table read once, then no query; a save forgets it."""
    from accounts.models import Agency
    from journal.display import describe_changes
    from journal.models import JournalEntry
    from reference import names
    from reference.models import Knot, LifeArea

    names.forget()
    knot = Knot.objects.select_related("tangle").order_by("pk")[0]
    area = LifeArea.objects.filter(tangle=knot.tangle).order_by("pk")[0]
    first, second = Agency.objects.order_by("pk")[:2]
    need = JournalEntry(
        object_type="needs.need", old=None, new={"tangle": knot.tangle_id, "life_area": area.pk, "knot": knot.pk}
    )
    measure = JournalEntry(
        object_type="plans.measure", old={"responsible_agency": first.pk}, new={"responsible_agency": second.pk}
    )
    with translation.override("en"):
        with django_assert_num_queries(3):  # the tangles, the knots, the life areas: a query each
            describe_changes([need], kept_reference=True)
        with django_assert_num_queries(1):  # the agencies
            describe_changes([measure], kept_reference=True)
        with django_assert_num_queries(0):
            need_words, measure_words = describe_changes([need, measure], kept_reference=True)
        assert {("tangle", None, knot.tangle.name), ("knot", None, knot.name)} <= set(need_words.display)
        assert ("life area", None, area.name) in need_words.display
        assert measure_words.display == [("responsible agency", first.name, second.name)]
        second.name = "Renamed office"
        second.save()
        (measure_words,) = describe_changes([measure], kept_reference=True)
    assert measure_words.display == [("responsible agency", first.name, "Renamed office")]
    with django_assert_num_queries(1):  # without kept_reference, the agencies are read as before
        describe_changes([measure])
