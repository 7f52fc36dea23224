"""The report in a real browser (issue 22, point 6): the analyst opens it from the start page, chooses a
scope and a period, and every page passes axe (WCAG 2.1 A/AA) and fits 360 px (``core.tests.live``)."""

import pytest

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_the_analyst_reads_the_report_on_a_phone_and_a_screen(live_site, new_page):
    anna = new_page()
    login(anna, "anna.analyse")
    anna.get_by_role("link", name="Report on benefits realisation").click()
    anna.get_by_role("heading", name="Report on benefits realisation").wait_for()
    anna.check()
    anna.get_by_label("Scope").select_option("country:DK")
    anna.get_by_role("button", name="Show").click()
    anna.locator("p strong", has_text="Denmark").wait_for()
    assert anna.locator("#obstacles").count() == 1
    assert anna.get_by_role("link", name="Download as PDF").count() == 1
    anna.check()
