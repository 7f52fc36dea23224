"""Issue 17 in a real browser, at a desktop's size and a phone's: finding a case, its stage, and a look with a reason.

Chromium drives the running server (``core/tests/live.py``) with the demo world. Every page
visited is checked by ``CheckedPage``: axe-core's WCAG 2.1 A/AA rules, no sideways scrolling at
360 px, no console error and no 5xx (points 11 and 13). The same story runs at 1280 × 900 and
at 360 × 740, so every step is also done the way a phone user does it.

- Point 9: Kari searches her caseload by name and by case code and finds the case.
- Point 1: the case shows its stage by its label, the same as in the caseload.
- Point 10: Tove, the reentry coordinator of the same prison, sees the prison's cases counted
  by stage (labels, not codes), opens the case with a reason from the list and reads it; at
  the desktop size Jonas then sees in his access log that she looked and why.
"""

from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cases.models import Stage
from core.tests.live import login, logout

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
#: Whose case each size opens: a coordinator's reason holds until midnight on the server the
#: browser tests share, so each run opens a case nobody has opened with a reason before.
#: Jonas signs in and reads his access log; Nora has no account of her own.
WHOSE = {"desktop": ("Jonas", "Jonas Hansen"), "phone": ("Nora", "Nora Berge")}


def english_stage_labels() -> set[str]:
    with translation.override("en"):
        return {str(label) for label in Stage.labels}


@pytest.mark.parametrize("size", list(SIZES))
def test_find_a_case_see_its_stage_and_open_one_with_a_reason(new_page, size):
    stage_labels = english_stage_labels()
    page = new_page()
    page.set_viewport_size(SIZES[size])

    # Point 9: the caseload's search, by name and then by the case code it shows.
    login(page, "kari.kontakt")
    page.goto("/cases/")
    first_name, full_name = WHOSE[size]
    page.locator("#case-search").fill(first_name)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    found = page.locator("[data-search-count]")
    expect(found).to_have_attribute("data-search-count", "1")
    row = page.locator("tbody tr", has_text=full_name)
    expect(row).to_have_count(1)
    code = row.locator("td").nth(1).inner_text().strip()
    caseload_stage = row.locator("td").nth(2).inner_text().split("\n")[0].strip()
    page.locator("#case-search").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-search-count]")).to_have_attribute("data-search-count", "1")

    # Point 1: the overview shows the stage by its label, the same one the caseload shows.
    with page.expect_navigation():
        page.locator("tbody tr", has_text=full_name).get_by_role("link").click()
    assert urlsplit(page.url).path == f"/cases/{code}/"
    header_stage = page.locator('main .ds-tag[data-color="info"]').first.inner_text().strip()
    assert header_stage in stage_labels, header_stage
    assert header_stage == caseload_stage
    logout(page)

    # Point 10: the coordinator counts the prison's cases by stage and opens Jonas's with a reason.
    login(page, "tove.koordinator")
    page.goto("/cases/unit/")
    counts = page.locator("[data-unit-counts] tbody tr")
    assert counts.count() >= 1
    for label in counts.locator("td:first-child").all_inner_texts():
        assert label.strip() in stage_labels, label
    # (That she cannot read it without a reason is tested without a browser, in
    # access/tests/test_reasoned_access.py: the browser tests share one server, and a reason
    # given in one run of this test holds until midnight.)
    page.goto(f"/cases/{code}/reason/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    expect(page.locator("main")).to_contain_text("Choose one of the reasons in the list.")
    reason = page.locator('input[name="reason"]').first
    reason.check()
    reason_text = reason.evaluate("(input) => (input.labels[0] || input.closest('label')).innerText").strip()
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    assert urlsplit(page.url).path == f"/cases/{code}/"
    expect(page.locator("main")).to_contain_text(full_name)
    logout(page)
    if size != "desktop":
        return

    # Jonas sees that Tove looked, and why.
    login(page, "jonas")
    page.goto(f"/cases/{code}/access-log/")
    log = page.locator("main")
    expect(log).to_contain_text("Tove Lund")
    expect(log).to_contain_text(reason_text)
