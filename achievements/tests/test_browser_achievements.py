"""Issue 18, point 4 in a real browser: Kari records a course through the form, and Jonas finds it beside
his forklift certificate and his school subject from his start page, in Norwegian, and prints the list
(axe and 360 px on every page, by ``CheckedPage``)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.tests.live import login, logout

pytestmark = pytest.mark.browser

CODE = """
from django.utils import timezone
from cases.models import Case
print(Case.objects.get(person__first_name="Jonas").code, timezone.localdate().isoformat())
"""


def test_kari_records_a_course_and_jonas_reads_and_prints_what_he_has_achieved(live_site, new_page):
    code, today = live_site.manage("shell", "-c", CODE).split()[-2:]
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto(f"/cases/{code}/")
    section = kari.locator("[data-testid=case-achievements]")
    expect(section).to_contain_text("Truckførerbevis T1 og T4")
    section.get_by_role("link", name="Record an achievement").click()
    kari.get_by_label("Kind").select_option("course")
    kari.get_by_label("Title").fill("Førstehjelpskurs")
    kari.get_by_label("Issued by").fill("Helsetjenesten, Bergen fengsel")
    kari.get_by_label("Achieved on").fill(today)
    kari.get_by_label("Hours").fill("6")
    kari.get_by_role("button", name="Record the achievement").click()
    expect(kari.get_by_text("The achievement is recorded.")).to_be_visible()
    assert urlsplit(kari.url).path == f"/cases/{code}/achievements/"
    kari.check()

    jonas = new_page("nb")
    login(jonas, "jonas")
    jonas.get_by_role("link", name="Se det du har klart på jobb og skole").click()
    expect(jonas.get_by_role("heading", name="Det jeg har klart", level=1)).to_be_visible()
    cards = jonas.locator("[data-testid=achievement]")
    expect(cards.filter(has_text="Truckførerbevis T1 og T4")).to_contain_text("40 timer.")
    expect(cards.filter(has_text="Matematikk 1P")).to_contain_text("Nivå: Karakter 4.")
    expect(cards.filter(has_text="Førstehjelpskurs")).to_contain_text("Fra Helsetjenesten, Bergen fengsel.")
    expect(jonas.get_by_text("Registrer oppnådd kompetanse")).to_have_count(0)
    href = jonas.locator("[data-testid=print-achievements] a").first.get_attribute("href")
    assert href is not None
    response = jonas.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    jonas.check()
    logout(jonas)
