"""The cost-benefit in a real browser (issue 22, point 4): the analyst changes an assumption and sees the
gain move, drawn and in its table, without leaving the page (htmx). Every page and swap passes axe
(WCAG 2.1 A/AA) and fits 360 px (``core.tests.live``)."""

import pytest
from playwright.sync_api import expect

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_the_analyst_changes_an_assumption_and_sees_the_gain_move(live_site, new_page):
    anna = new_page()
    login(anna, "anna.analyse")
    anna.get_by_role("link", name="Cost-benefit").click()
    anna.locator("#assumption-lines").get_by_role("link", name="Denmark", exact=True).click()
    anna.get_by_role("heading", name="The gain", exact=True).wait_for()
    central = anna.locator('#gain-table tr[data-estimate="1"] td').nth(1)
    drawn = anna.locator("#gain-chart")
    before, drawn_before = central.inner_text(), drawn.text_content()
    anna.check()

    edit = anna.locator("#assumptions form")
    value = edit.get_by_label("Value per success", exact=True)
    value.fill(str(int(value.input_value()) * 2))
    edit.get_by_label("Why you change it").fill("A higher value per success, to see what it turns on.")
    edit.get_by_role("button", name="Save as a new version").click()
    saved = anna.locator("#assumptions").get_by_role("status")
    saved.wait_for()
    version = saved.inner_text().split("version ")[1].split(".")[0]
    # The edit's event asks for the gain again under the new version: the table and the drawing move.
    expect(central).not_to_have_text(before)
    assert f"version {version}" in anna.locator("#gain-version").inner_text()
    assert drawn.text_content() != drawn_before
    assert anna.locator(f'#assumption-history tr[data-version="{version}"]').count() == 1
    anna.check()
