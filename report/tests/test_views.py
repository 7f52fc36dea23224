"""The report's page, PDF and CSV: who reads which scope (``access.insight``), bad input, and the map's counts.

A coordinator reads their own prison and country; the analyst any scope; a scope one may not
ask for, or that does not exist, is a 404 either way; everyone else is refused (403).
"""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Stage
from insight import registry
from insight.registry import Count, Indicator
from insight.scopes import cases_in
from obstacles.models import Obstacle, Source
from obstacles.selectors import challenges
from programmes.models import Programme

pytestmark = pytest.mark.django_db

HIDDEN = {"fewer than 5", "færre enn 5", "hidden", "skjult"}


@pytest.fixture(autouse=True)
def only_the_tests_obstacles(db):
    """The demo's obstacles are set aside: the counts here are the tests' own."""
    Obstacle.objects.all().delete()


@pytest.fixture
def open_cases(monkeypatch):
    """A real indicator, registered for the test: the share of the scope's cases not closed."""

    def compute(scope, period):
        cases = cases_in(scope)
        return Count(cases.exclude(stage=Stage.CLOSED).count(), cases.count())

    found = Indicator(
        key="test-open-cases",
        name="Cases still open",
        definition="The cases of the scope that are not closed.",
        numerator="open cases",
        denominator="cases",
        better="higher",
        source="Kriminalomsorgsdirektoratet, 2019",
        group="process",
        compute=compute,
    )
    monkeypatch.setitem(registry._INDICATORS, found.key, found)
    return found


def add(case, n, challenge, on):
    Obstacle.objects.bulk_create(
        Obstacle(
            case=case,
            source=Source.GROUP,
            logged_at=timezone.now(),
            what_happened=f"Test {i}",
            happened_on=on,
            stage="release",
            failed_agency="prison",
            bore_agency="nav",
            challenge=challenge,
        )
        for i in range(n)
    )


def url(name, scope, start=None, end=None):
    today = timezone.localdate()
    start = start or today - datetime.timedelta(days=30)
    end = end or today
    return f"{reverse(name)}?scope={scope}&start={start}&end={end}"


def counts(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-key="([^"]+)"><th scope="row">[^<]*</th><td class="count">([^<]*)</td>', page))


def test_the_coordinator_reads_their_prisons_obstacles_in_the_period_small_counts_hidden(client_for, case, other_case):
    tove = User.objects.get(username="tove.koordinator")
    first, second, third = list(challenges())[:3]
    today = timezone.localdate()
    add(case, 7, first, today - datetime.timedelta(days=3))
    add(case, 3, second, today - datetime.timedelta(days=3))
    add(case, 6, first, today - datetime.timedelta(days=90))  # before the period
    add(other_case, 5, first, today - datetime.timedelta(days=3))  # another prison
    add(other_case, 5, third, today - datetime.timedelta(days=3))
    page = client_for(tove).get(url("report:page", f"prison:{case.institution_id}"))
    assert page.status_code == 200
    shown = counts(page.content.decode())
    # 3 is fewer than 5, so the 7 is hidden too (else 10 − 7 gives it back); the total is shown.
    assert shown[second.code] in HIDDEN and shown[first.code] in HIDDEN
    assert shown["all"] == "10"
    country = client_for(tove).get(url("report:page", f"country:{case.country}"))
    # The country: 3 hidden, and the smallest other (5) with it; 12 and the total are shown.
    assert counts(country.content.decode()) == {
        first.code: "12",
        second.code: shown[second.code],
        third.code: "skjult",
        "all": "20",
    }


def test_a_scope_not_ones_own_is_as_if_it_did_not_exist(client_for, case, other_case):
    tove = User.objects.get(username="tove.koordinator")
    otto = User.objects.get(username="otto.koordinator")
    client = client_for(tove)
    assert client.get(url("report:page", f"prison:{case.institution_id}")).status_code == 200
    assert case.unit  # a unit exists when it holds a case (insight.scope_names.country_of)
    assert client.get(url("report:page", f"unit:{case.institution_id}:{case.unit}")).status_code == 200
    for scope in (
        f"prison:{other_case.institution_id}",  # Oslo's prison
        f"unit:{other_case.institution_id}:A",
        "country:DK",
        f"programme:{Programme.objects.values_list('slug', flat=True)[0]}",
        "prison:999999",  # does not exist: the same answer
        "region:west",
        "nothing",
    ):
        for name in ("report:page", "report:pdf", "report:csv"):
            assert client.get(url(name, scope)).status_code == 404, (scope, name)
    assert client_for(otto).get(url("report:page", f"prison:{case.institution_id}")).status_code == 404


def test_the_analyst_reads_any_scope(client_for, personas, case):
    client = client_for(personas.analyst)
    for scope in (
        f"prison:{case.institution_id}",
        "country:NO",
        "country:DK",
        f"programme:{Programme.objects.values_list('slug', flat=True)[0]}",
    ):
        assert client.get(url("report:page", scope)).status_code == 200, scope
    # No scope asked: the first one offered (the country).
    assert client.get(reverse("report:page")).status_code == 200
    assert client.get(url("report:page", "prison:abc")).status_code == 404


@pytest.mark.parametrize(
    "persona", ["person", "contact_officer", "social_worker", "nav_with_consent", "volunteer", "outsider", "admin"]
)
def test_no_one_else_reads_the_report(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    for name in ("report:page", "report:pdf", "report:csv"):
        assert client.get(url(name, "country:NO")).status_code == 403


def test_bad_periods_are_refused_with_a_reason_not_an_error(client_for, personas):
    client = client_for(personas.analyst)
    today = timezone.localdate()
    backwards = client.get(url("report:page", "country:NO", start=today, end=today - datetime.timedelta(days=1)))
    assert backwards.status_code == 400
    assert "ds-validation-message" in backwards.content.decode() or "errorlist" in backwards.content.decode()
    assert client.get(f"{reverse('report:page')}?scope=country:NO&start=yesterday&end=x").status_code == 400
    too_long = url("report:csv", "country:NO", start=today - datetime.timedelta(days=4000), end=today)
    assert client.get(too_long).status_code == 400
    assert (
        client.get(url("report:pdf", "country:NO", start=today, end=today - datetime.timedelta(days=1))).status_code
        == 400
    )
    assert client.get(f"{reverse('report:page')}?scope={'x' * 500}").status_code == 404


def test_the_csv_and_the_pdf_carry_the_report(client_for, personas, case, open_cases):
    client = client_for(personas.analyst)
    first = challenges()[0]
    add(case, 6, first, timezone.localdate())
    response = client.get(url("report:csv", "country:NO"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    labels = [row[1] for row in rows]
    assert "Cases still open" in labels or any("Cases still open" in label for label in labels)
    norway = Case.objects.filter(country="NO")
    row = next(row for row in rows if row[1] == "Cases still open")
    total = norway.count()
    open_now = norway.exclude(stage=Stage.CLOSED).count()
    assert row[3].endswith(f" {total}") or total < 5
    if total >= 10 and open_now >= 5 and total - open_now not in (1, 2, 3, 4):
        assert row[2] == f"{round(open_now / total * 100)} %"
    assert any(row[1].startswith(first.code) and row[2] == "6" for row in rows)
    pdf = client.get(url("report:pdf", "country:NO"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_page_makes_as_many_queries_whatever_the_number_of_obstacles_and_prisons(client_for, personas, case):
    """No query per code, per obstacle or per scope offered (the analyst is offered every prison)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency, AgencyKind, SecurityLevel

    client = client_for(personas.analyst)
    address = url("report:page", "country:NO")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    client.get(address)  # the session's first read is not counted
    before = queries()
    for index, challenge in enumerate(challenges()[:5]):
        add(case, 5 + index, challenge, timezone.localdate())
    for index in range(3):
        Agency.objects.create(name=f"Testfengsel {index}", kind=AgencyKind.PRISON, security_level=SecurityLevel.LOW)
    assert queries() == before
