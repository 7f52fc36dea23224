"""The analyst's indicators in a real browser (issue 22, point 2): a measurement taken on demand shows its
progress while htmx polls, then its figures; the analyst makes it the baseline. Every page and swap passes
axe (WCAG 2.1 A/AA) and fits 360 px (``core.tests.live``).

Denmark is measured: the demo world's baseline is Norway's, which the report's and other tests read.
"""

import pytest

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_the_analyst_takes_a_measurement_sees_it_finish_and_makes_it_the_baseline(live_site, new_page):
    anna = new_page()
    login(anna, "anna.analyse")
    anna.get_by_role("link", name="Indicators and the baseline").click()
    anna.get_by_role("heading", name="Indicators and the baseline", level=1).wait_for()
    anna.get_by_label("Where").select_option("country:DK")
    anna.get_by_role("button", name="Show").click()
    anna.get_by_role("heading", name="Denmark", level=2).wait_for()
    assert "Nothing measured here yet." in anna.locator("main").inner_text()

    anna.get_by_role("button", name="Measure").click()
    anna.get_by_role("heading", name="Measurement of Denmark", exact=False).wait_for()
    assert "indicators measured." in anna.locator("#progress").inner_text()
    # The page polls (htmx) and each poll measures the next indicators; when all are in, the page reloads.
    anna.locator("#comparison").wait_for(timeout=60_000)
    assert anna.locator("#progress").count() == 0
    assert anna.locator("#comparison tbody tr").count() >= 10
    anna.check()

    anna.get_by_role("button", name="Make this the baseline").click()
    anna.get_by_text("The baseline is marked.").wait_for()
    listed = anna.locator("#measurements tbody tr").first
    assert "baseline" in listed.inner_text()
    # The scope's page compares the latest measurement with it (it is the baseline itself: nothing else yet).
    assert "no other baseline to compare with" in anna.locator("#comparison caption").inner_text()
    anna.check()
