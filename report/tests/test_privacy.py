"""No figure below 5 in the report (issue 22, point 7): the page's sections, the PDF's text and the CSV.

The report is built by hand from counts where many are 1 to 4 (and complements of 1 to 4), through
the same functions ``build`` uses; then every number read back from each rendering is checked.
"""

import csv
import datetime
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from django.utils import translation

from insight.registry import Count, Indicator, Median
from report.data import Bars, Cohorts, Report
from report.fill import CohortCount, Gain, Measured, cohort_section, gain_section, indicator_sections, obstacle_section
from report.views import pdf_of, rows_of, sections_html

pytestmark = pytest.mark.django_db

SMALL = {1, 2, 3, 4}


def indicator(key, kind="share", group="process", better="higher"):
    return Indicator(
        key=key,
        name=f"Indicator {key}",
        definition="A definition",
        numerator="those counted",
        denominator="those asked",
        better=better,
        source="Kriminalomsorgsdirektoratet, 2019",
        group=group,
        compute=lambda scope, period: Count(0, 0),
        kind=kind,
    )


def hand_built() -> Report:
    measured = [
        Measured(indicator("few-yes"), Count(3, 40), Count(20, 40)),  # 3 of 40: hidden, and so the share
        Measured(indicator("few-no"), Count(47, 50), None),  # 3 without: hidden, and so the share
        Measured(indicator("small-base"), Count(6, 8), None),  # fewer than 10 cases: no share
        Measured(indicator("tiny"), Count(2, 3), Count(1, 2)),  # all of it small
        Measured(indicator("shown"), Count(40, 60), Count(20, 60)),  # clearly better
        Measured(indicator("days", kind="median", better="lower"), Median(2.0, 4), Median(9.0, 30)),
        Measured(indicator("days-shown", kind="median", better="lower"), Median(14.0, 25), Median(21.0, 30)),
        Measured(indicator("rate-few", kind="rate", group="release"), Count(3, 20), None),
        Measured(indicator("rate", kind="rate", group="release"), Count(30, 20), None),
    ]
    sections: list[Bars | Cohorts] = [*indicator_sections(measured)]
    sections.append(
        cohort_section(
            "in work or education",
            [
                CohortCount("H1 2024", "In work or education after 3 months", Count(2, 30)),
                CohortCount("H1 2024", "No new charge after 1 year", Count(15, 30)),
                CohortCount("H2 2024", "In work or education after 3 months", Count(12, 30)),
                CohortCount("H2 2024", "No new charge after 1 year", None),
            ],
        )
    )
    sections.append(
        gain_section(Gain("DKK", 1_500_000, 3_576_000, 6_000_000, 30, Count(12, 30), "of 2026-11-01", "Gain = ..."))
    )
    sections.append(obstacle_section({"A1": 3, "B2": 12, "C3": 7, "": 0}, {"A1": "One", "B2": "Two", "C3": "Three"}))
    return Report(
        "Norway", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), datetime.date(2026, 1, 5), "", sections
    )


#: A number as written in the report: thousands set apart by a (narrow) no-break space, maybe a decimal part.
NUMBER = re.compile(r"(?<![\w.,\-–])(\d+(?:[\u202f\u00a0]\d{3})*)(?:[.,]\d+)?(?![\w\-])(\s*%)?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Numbers that are not counts: follow-up periods («3 months», «1 year»), amounts of money («DKK 1 500 000»,
#: the narrow spaces may come back from the PDF as plain ones) and the PDF's page numbers («1/3»).
NOT_COUNTS = re.compile(r"\d+ (?:months?|years?)\b|\b[A-Z]{3} \d{1,3}(?:[ \u202f\u00a0]\d{3})*|\b\d+/\d+\b")


def small_counts(text: str) -> list[str]:
    """Every whole number from 1 to 4 in the text that is not a share, a decimal, a date or a period."""
    text = NOT_COUNTS.sub(" ", DATE.sub(" ", text))
    found = []
    for match in NUMBER.finditer(text):
        whole, percent = match.group(1), match.group(2)
        if percent or match.group(0) != match.group(1):
            continue  # a share («3 %») or a number with decimals («1.5»)
        if int(whole.replace("\u202f", "").replace("\u00a0", "")) in SMALL:
            found.append(text[max(0, match.start() - 30) : match.end() + 30])
    return found


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def page_text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts))  # the narrow no-break spaces in amounts stay


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def test_the_scan_finds_a_small_count():
    """The check can fail: a count of 3 is found, a share, a date, a decimal and a period are not."""
    assert small_counts("3 of 40")
    assert small_counts("fewer than 5 of 4")
    assert not small_counts("3 % 2025-01-01 1.5 per 20 H1 2024 after 3 months DKK 1\u202f500\u202f000 DKK 2 000 1/3")


def test_no_small_count_on_the_page():
    with translation.override("en"):
        html = sections_html(hand_built())
    text = page_text(html)
    assert "fewer than 5" in text and "not shown" in text and "not ended yet" in text
    assert "67 %" in text  # 40 of 60 is shown, with its baseline
    assert small_counts(text) == []
    # What a chart draws is in its table: every SVG has a title and the tables are there.
    assert html.count("<svg") == html.count("<title id=")
    assert 'id="table-obstacles"' in html and 'id="table-outcomes"' in html


def test_no_small_count_in_the_pdf(tmp_path):
    with translation.override("en"):
        text = pdf_text(pdf_of(hand_built()), tmp_path)
    assert "fewer than 5" in text and "Obstacles on the reentry map" in text
    assert small_counts(text) == []


def test_no_small_count_in_the_csv():
    with translation.override("en"):
        rows = rows_of(hand_built())
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    assert small_counts(text.getvalue()) == []
    by_label = {row[1]: row for row in rows}
    assert by_label["Indicator few-yes"][2:4] == ["not shown", "fewer than 5 of 40"]
    # 47 of 50: the 3 without are hidden, and so the 47 (50 − 47 would give them back).
    assert by_label["Indicator few-no"][2:4] == ["not shown", "hidden of 50"]
    assert by_label["Indicator shown"][2:8] == ["67 %", "40 of 60", "54 % – 77 %", "33 %", "+33 points", "better"]
    # Obstacles: 3 is hidden, so the next smallest (7) too; the total is shown.
    assert by_label["A1 One"][2] == "fewer than 5" and by_label["C3 Three"][2] == "hidden"
    assert by_label["B2 Two"][2] == "12" and by_label["All"][2] == "22"


def test_the_small_counts_are_found_without_suppression():
    """The same scan over the raw counts finds them: the test above fails if the report shows them."""
    assert small_counts("3 of 40, 47 of 50, 2 of 3, A1 One 3")
