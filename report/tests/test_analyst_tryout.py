"""Issue 22's Done-when, tried as the analyst would on the demo world, page after page.

Take a baseline of last year, measure this year, read the comparison, change an assumption of
the cost-benefit and see the gain move, download the report's PDF and CSV; no count from 1 to 4
on any of those pages or files (the scan is ``report/tests/test_privacy.py``'s, which shows it
can fail). ``make run``'s demo world holds generated cases of the past years beside the personas'
(``seed_demo --history``); the test adds the same history to the tests' demo world, so "time has
passed" between the baseline's year and the year measured after it, with cases enough in each to
show shares (10 or more) and compare them.
"""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country
from core.demo import generate_history
from core.management.commands.seed_demo import HISTORY
from costbenefit.models import Assumptions, AssumptionVersion
from costbenefit.tests.test_views import HTMX, posted, speaking, table_row
from insight.models import Baseline, Measurement
from insight.registry import indicators
from report.tests.test_privacy import pdf_text, small_counts

pytestmark = pytest.mark.django_db

SCOPE = "country:NO"


def take(client, start: datetime.date, end: datetime.date) -> Measurement:
    """Ask for a measurement and poll its progress as the page does, until it is done."""
    response = client.post(reverse("insight:take"), {"scope": SCOPE, "start": start, "end": end})
    assert response.status_code == 302
    measurement = Measurement.objects.filter(scope_kind="country", scope_key="NO").latest("pk")
    for _poll in range(len(indicators()) + 1):
        polled = client.post(reverse("insight:status", args=[measurement.pk]), **HTMX)
        assert polled.status_code == 200
        if polled.get("HX-Refresh") == "true":
            break
    measurement.refresh_from_db()
    assert measurement.done and (measurement.period_start, measurement.period_end) == (start, end)
    return measurement


#: Numbers on the insight pages that are not counts: a median of days («4 days»), a change in
#: points and its interval («+1 points (-17 to +21)»), the needs conversation's «part 1», and the
#: page's own sentence on how counts from 1 to 4 show.
NOT_COUNTS = re.compile(r"\b\d+ days?\b|[+-]\d+ points?|\(-?\d+ to [+-]?\d+\)|part \d\b|Counts from 1 to 4")


class Cells(HTMLParser):
    """The text of a page's table cells: the figures (``td``) apart from their labels (``th``)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[str] = []
        self.labels: list[str] = []
        self.within: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self.within = self.figures if tag == "td" else self.labels
            self.within.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.within = None

    def handle_data(self, data):
        if self.within is not None:
            self.within[-1] += " " + data


def cells(html: str) -> Cells:
    parsed = Cells()
    parsed.feed(html)
    return parsed


def no_small_count(text: str) -> None:
    found = small_counts(NOT_COUNTS.sub(" ", re.sub(r"\s+", " ", text)))
    assert found == [], found


def without(text: str, labels: list[str]) -> str:
    """The text with the tables' labels taken out (a code of the map, a prison's number), longest first;
    and their first words, which is what a chart's shortened label («2 There are not enough…») keeps."""
    text = re.sub(r"\s+", " ", text)
    whole = {re.sub(r"\s+", " ", label).strip() for label in labels}
    for label in sorted(whole | {label[:12] for label in whole}, key=len, reverse=True):
        if label:
            text = text.replace(label, " ")
    return text


def test_the_analyst_takes_a_baseline_measures_again_and_reads_the_report_with_no_small_count(
    client_for, personas, tmp_path
):
    today = timezone.localdate()
    generate_history(HISTORY, today)
    analyst = client_for(personas.analyst)
    year = datetime.timedelta(days=365)
    with speaking(analyst, "en"):
        # 1. The baseline: last year, before the new way of working.
        before = take(analyst, today - 2 * year, today - year - datetime.timedelta(days=1))
        assert analyst.post(reverse("insight:baseline", args=[before.pk])).status_code == 302
        assert Baseline.objects.get(scope_kind="country", scope_key="NO").measurement == before

        # 2. Time has passed: this year, measured again, and read against the baseline.
        after = take(analyst, today - year, today - datetime.timedelta(days=1))
        page = analyst.get(reverse("insight:measurement", args=[after.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Against the baseline" in html
        for indicator in indicators():
            assert f'data-indicator="{indicator.key}"' in html
        compared = re.findall(r'data-direction="(better|worse|same)"', html)
        assert len(compared) >= 5, "too few indicators compared with the baseline"
        no_small_count(" ".join(cells(html).figures))

        # 3. The report of the same year serves from that measurement, against the baseline.
        query = {"scope": SCOPE, "start": after.period_start.isoformat(), "end": after.period_end.isoformat()}
        report = analyst.get(reverse("report:page"), query)
        assert report.status_code == 200
        shown = report.content.decode()
        assert after.taken_at is not None and before.taken_at is not None
        assert f"Measured on {after.taken_at.date().isoformat()}" in shown
        assert f"Baseline measured on {before.taken_at.date().isoformat()}" in shown
        tables = cells(shown)
        assert len(tables.figures) > len(indicators())
        no_small_count(" ".join(tables.figures))

        # 4. An assumption changes, and the gain moves (the line's own gain, which the report uses).
        norway = Assumptions.objects.get(country=Country.NORWAY, programme__isnull=True)
        current = AssumptionVersion.objects.get(line=norway, number=norway.version)
        asked = {"participants": 100, "followed": 100, "successes": 40}
        gain_before = table_row(analyst.get(reverse("costbenefit:gain", args=[norway.pk]), asked), "gain-table", "1")
        halved = str(current.value_per_success / 2)
        edited = analyst.post(
            reverse("costbenefit:edit", args=[norway.pk]),
            posted(current, value_per_success=halved, note="Half the value, to see the gain move"),
            **HTMX,
        )
        assert edited.status_code == 200
        gain_after = table_row(analyst.get(reverse("costbenefit:gain", args=[norway.pk]), asked), "gain-table", "1")
        assert gain_after != gain_before
        no_small_count(
            " ".join(cells(analyst.get(reverse("costbenefit:line", args=[norway.pk])).content.decode()).figures)
        )

        # 5. The PDF and the CSV of the report, downloaded.
        pdf = analyst.get(reverse("report:pdf"), query)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        pdf_words = pdf_text(pdf.content, tmp_path)
        assert "Report on benefits realisation" in pdf_words
        no_small_count(without(pdf_words, [*tables.labels, pdf_words.split("Report on benefits realisation")[0]]))
        exported = analyst.get(reverse("report:csv"), query)
        assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert len(rows) > len(indicators())
        no_small_count(" ".join(" ".join(row[2:]) for row in rows))  # the figures; 0 and 1 are the section and label
