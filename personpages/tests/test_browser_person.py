"""Issue 18 in a real browser, as Jonas: his applications and his road, on a phone and a screen reader's
terms (axe and 360 px on every page, by ``CheckedPage``)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_jonas_reads_why_his_leave_was_refused_when_he_may_complain_and_his_road(page: Page):
    login(page, "jonas")
    expect(page.get_by_role("heading", name="Hi, Jonas", level=1)).to_be_visible()

    page.get_by_role("link", name="See what you have applied for, and the answers").click()
    expect(page.get_by_role("heading", name="Applications", level=2)).to_be_visible()
    leave = page.locator('[data-testid=application][data-kind="leave"]')
    expect(leave.locator("[data-testid=outcome]")).to_contain_text("The answer: No.")
    expect(leave.locator("[data-testid=reason]")).to_contain_text("Du har ikke sonet lenge nok ennå.")
    expect(leave.locator("[data-testid=appeal]")).to_contain_text("You can complain until")
    expect(page.locator("[data-testid=earliest]")).to_contain_text("Leave is possible from")
    # The answer to the housing application is late: the page says so, and what to do.
    expect(page.locator('[data-testid=application][data-kind="housing"] [data-testid=late]')).to_contain_text(
        "Ask your contact officer."
    )
    expect(page.get_by_text("Record an application")).to_have_count(0)

    leave.get_by_role("link", name="Leave").click()
    expect(page.get_by_role("heading", name="Leave", level=2)).to_be_visible()
    page.get_by_text("Why this date?").click()
    expect(page.get_by_text("Forvaltningsloven § 29")).to_be_visible()

    page.goto(page.url.split("/applications/")[0] + "/")
    page.get_by_role("link", name="See the dates from which you may be able to take the next step").click()
    assert urlsplit(page.url).path.endswith("/me/road/")
    steps = page.locator("[data-testid=next-steps] li")
    expect(steps.first).to_contain_text("at the earliest")
    expect(steps.first).to_contain_text("Estimate")
    steps.first.get_by_text("Why?").click()
    expect(steps.first.get_by_text("The law says so:")).to_be_visible()
    line = page.locator("[data-testid=road-line] li")
    assert line.count() >= 4
    for index in range(line.count()):
        expect(line.nth(index).locator(".road-date")).not_to_be_empty()
        expect(line.nth(index).locator(".road-label")).not_to_be_empty()
    expect(page.locator('[data-testid=road-line] li[aria-current="date"]')).to_contain_text("Today")
