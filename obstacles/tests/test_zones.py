"""Failure zones between agencies (seed 000, «Sviktsoner»; issue 19 points 5 and 6): counts by stage, by the pair
of agencies and by quarter with the trend, for a coordinator (their prison) and the analyst (aggregates only);
the CSV export hides exactly what the page hides; no one counts another prison or exports by case."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from obstacles.aggregates import Cell
from obstacles.models import Obstacle, Source
from obstacles.selectors import quarter_start, trend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_demo_obstacles(db):
    """The demo's two obstacles on Jonas's case are set aside: the counts here are the tests' own."""
    Obstacle.objects.all().delete()


HIDDEN = {"fewer than 5", "færre enn 5", "hidden", "skjult"}


def add(case, n, stage="release", failed="prison", bore="nav", on=None, text="Sone"):
    Obstacle.objects.bulk_create(
        Obstacle(
            case=case,
            source=Source.GROUP,
            logged_at=timezone.now(),
            what_happened=f"{text} {i}",
            happened_on=on or timezone.localdate(),
            stage=stage,
            failed_agency=failed,
            bore_agency=bore,
        )
        for i in range(n)
    )


def users():
    return User.objects.get(username="tove.koordinator"), User.objects.get(username="otto.koordinator")


def row(page: str, attribute: str, value: str) -> list[str] | None:
    """The counts of one table row on the page, or None if the row is not there."""
    found = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', page, re.S)
    return re.findall(r'<td class="count"[^>]*>([^<]*)</td>', found.group(1)) if found else None


def counts(page: str) -> list[str]:
    return re.findall(r'<td class="count"[^>]*>([^<]*)</td>', page)


def test_the_coordinator_counts_their_prison_by_pair_stage_and_quarter(client_for, case, other_case):
    tove, otto = users()
    add(case, 6)  # prison -> NAV, at the release
    add(other_case, 7, stage="preparing_release", bore="municipality")
    page = client_for(tove).get(reverse("obstacles:zones")).content.decode()
    # Columns: during the sentence, preparing the release, the release itself, expectations, all stages.
    assert row(page, "data-pair", "prison-nav") == ["0", "0", "6", "0", "6"]
    assert row(page, "data-pair", "prison-municipality") != ["0", "7", "0", "0", "7"]  # Oslo's are not Bergen's
    this_quarter = row(page, "data-quarter", quarter_start(timezone.localdate()).isoformat())
    assert this_quarter is not None and this_quarter[2] == "6"
    oslo = client_for(otto).get(reverse("obstacles:zones")).content.decode()
    assert row(oslo, "data-pair", "prison-nav") is None
    assert row(oslo, "data-pair", "prison-municipality") == ["0", "7", "0", "0", "7"]
    country = client_for(otto).get(reverse("obstacles:zones"), {"scope": "country"}).content.decode()
    assert row(country, "data-pair", "prison-nav") == ["0", "0", "6", "0", "6"]


def test_the_analyst_sees_small_counts_hidden_and_the_csv_hides_the_same(client_for, personas, case, other_case):
    add(case, 3)
    add(other_case, 8, stage="during_sentence")
    add(other_case, 9, stage="release", bore="municipality")
    client = client_for(personas.analyst)
    page = client.get(reverse("obstacles:zones")).content.decode()
    nav = row(page, "data-pair", "prison-nav")
    assert nav is not None and nav[2] in HIDDEN and "3" not in nav
    assert "Sone 0" not in page and case.code not in page and other_case.code not in page
    export = client.get(reverse("obstacles:zones_csv"))
    assert export["Content-Type"].startswith("text/csv") and "attachment" in export["Content-Disposition"]
    table = list(csv.reader(io.StringIO(export.content.decode())))
    exported = [cell for line in table[1:-1] for cell in line[2:]]
    assert exported == counts(page)  # the same figures, hidden alike
    assert case.code not in export.content.decode()


def test_attackers_another_prison_another_unit_and_a_case_level_export(client_for, personas, case):
    tove, otto = users()
    add(case, 6, text="Bergens sone")
    bergen = str(case.institution_id)
    for name in ("obstacles:zones", "obstacles:zones_csv"):
        url = reverse(name)
        # Oslo's coordinator names Bergen's prison: as if it did not exist.
        assert client_for(otto).get(url, {"scope": "prison", "unit": bergen}).status_code == 404
        assert client_for(otto).get(url, {"scope": "country", "unit": bergen}).status_code == 404
        assert client_for(tove).get(url, {"unit": bergen}).status_code == 200  # her own
        # The analyst has no unit to count, and names none.
        analyst = client_for(personas.analyst)
        assert analyst.get(url, {"scope": "prison"}).status_code == 404
        assert analyst.get(url, {"unit": bergen}).status_code == 404
        assert analyst.get(url, {"scope": "nonsense"}).status_code == 404
        # Staff of a case and the person: not theirs at all.
        assert client_for(personas.contact_officer).get(url).status_code == 403
        assert client_for(personas.person).get(url).status_code == 403
    analyst = client_for(personas.analyst)
    plain = analyst.get(reverse("obstacles:zones_csv")).content
    for asked in ({"level": "case"}, {"by": "case"}, {"case": case.code}, {"format": "cases"}):
        export = analyst.get(reverse("obstacles:zones_csv"), asked).content
        assert export == plain, asked  # there is no export by case: the same aggregates
        assert case.code.encode() not in export and b"Bergens sone" not in export
    assert analyst.get(reverse("obstacles:unit")).status_code == 403
    assert analyst.get(reverse("obstacles:case", kwargs={"code": case.code})).status_code == 404


def test_the_trend_over_the_complete_quarters(client_for, personas, case):
    today = timezone.localdate()
    for back, n in zip(range(7, 0, -1), (5, 6, 7, 9, 10, 12, 15), strict=True):
        add(case, n, stage="expectations", failed="nav", bore="prison", on=quarter_start(today, back))
    page = client_for(personas.analyst).get(reverse("obstacles:zones")).content.decode()
    assert re.search(r'<td data-trend="rising">', page)
    assert (row(page, "data-pair", "nav-prison") or [])[3:4] == ["64"]
    cells = [Cell(n) for n in (9, 8, 6, 5)]
    assert trend(cells) == "falling"
    assert trend([Cell(5), Cell(5), Cell(5)]) == "flat"
    assert trend([Cell(5), Cell(None, small=True), Cell(9)]) is None


def test_the_quarters_do_not_depend_on_the_day():
    assert quarter_start(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)
    assert quarter_start(datetime.date(2026, 12, 31)) == datetime.date(2026, 10, 1)
    assert quarter_start(datetime.date(2026, 2, 14), 7) == datetime.date(2024, 4, 1)
    assert quarter_start(datetime.date(2026, 2, 14), -1) == datetime.date(2026, 4, 1)


def test_the_query_count_does_not_depend_on_the_data(client_for, personas, case, other_case, django_assert_num_queries):
    client = client_for(personas.analyst)
    client.get(reverse("obstacles:zones"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("obstacles:zones"))
    add(case, 40)
    add(other_case, 25, stage="during_sentence", failed="nav", bore="municipality")
    with django_assert_num_queries(len(small)):
        page = client.get(reverse("obstacles:zones")).content.decode()
    assert (row(page, "data-pair", "prison-nav") or [])[2:3] == ["40"]


def test_the_analyst_finds_the_map_and_the_failure_zones_from_the_start_page(client_for, personas):
    page = client_for(personas.analyst).get("/").content.decode()
    assert reverse("obstacles:zones") in page and reverse("obstacles:map") in page
