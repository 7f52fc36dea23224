"""Issue 4 in a real browser: Kari's start page, a Friday release and the road.

Chromium drives the running server (``core/tests/live.py``) as Kari, the contact officer.
The demo world has Nora, whose needs conversation nobody has held (long overdue), and
Fredrik, who is to be released on a Friday after remand with full isolation.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_kari_starts_on_what_is_due_sees_the_friday_release_and_the_road(page: Page):
    login(page, "kari.kontakt")
    assert urlsplit(page.url).path == "/due/"
    expect(page.get_by_role("heading", name="What is due", level=1)).to_be_visible()

    # Overdue comes first, and Nora's needs conversation is in it. (The browser tests share one
    # server, so other tests' cases may have overdue items of their own in the same list.)
    groups = page.locator("section.due-group h2")
    expect(groups.first).to_have_text("Overdue")
    overdue = page.locator("section.due-group").first
    nora = overdue.locator("li.due-item[data-kind=needs_conversation]", has_text="Nora Berge")
    expect(nora).to_have_attribute("data-state", "overdue")

    # The Friday release is flagged in the list of release risks.
    fredrik = page.locator("#risks-heading + ul li", has_text="Fredrik Moe")
    expect(fredrik.locator('[data-risk="friday_release"]')).to_have_text("Release on a Friday")

    # On the case, the timetable loads (htmx), flags the Friday and draws the road.
    fredrik.get_by_role("link").click()
    timetable = page.locator("section#timetable")
    expect(timetable.locator('[data-risk="friday_release"]')).to_be_visible()
    expect(timetable.locator("svg.road__line")).to_be_visible()
    expect(timetable.locator("svg .road__today")).to_have_count(1)
    assert timetable.locator("svg .road__point").count() >= 4
    expect(timetable.locator('li[data-step="parole"]')).to_contain_text("estimate")
    expect(timetable.locator("text=Remand credit: 45 days.")).to_be_visible()
    expect(timetable.locator('tr[data-deadline="needs-conversation"]')).to_have_attribute("data-state", "met")

    # Following the overdue item leads to where it is done: Nora's needs map.
    page.go_back()
    page.locator("section.due-group").first.locator(
        "li.due-item[data-kind=needs_conversation]", has_text="Nora Berge"
    ).get_by_role("link").click()
    assert urlsplit(page.url).path.endswith("/needs/")
