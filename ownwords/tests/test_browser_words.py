"""Issue 18, point 3 in a real browser: Jonas writes his own words on a need and asks for a meeting;
his contact officer sees both (axe and 360 px on every page, by ``CheckedPage``)."""

import re

import pytest
from playwright.sync_api import expect

from core.tests.live import login

pytestmark = pytest.mark.browser


def test_jonas_writes_his_own_words_on_a_need_and_asks_for_a_meeting(new_page):
    page = new_page()
    login(page, "jonas")
    expect(page.get_by_role("heading", name="Hi, Jonas", level=1)).to_be_visible()
    start = page.url

    # His own words on the housing need, from his start page.
    page.get_by_role("link", name=re.compile("Add your own words")).filter(has_text="Housing").click()
    expect(page.get_by_role("heading", name="Your own words about a need", level=1)).to_be_visible()
    # Nothing written: refused with a clear message, next to the field.
    page.get_by_role("button", name="Save my words").click()
    expect(page.get_by_text("Write something first. Nothing was saved.")).to_be_visible()
    page.get_by_label("Your words").fill("Jeg vil bo nær mora mi i Bergen.")
    page.get_by_role("button", name="Save my words").click()
    expect(page.get_by_text("Your words are saved.")).to_be_visible()
    expect(page.locator("[data-own-words]")).to_contain_text("Jeg vil bo nær mora mi i Bergen.")
    expect(page.locator("[data-own-words] figcaption")).to_contain_text("You wrote this on")

    # A meeting: what about, and when it suits him.
    page.goto(start)
    page.get_by_role("link", name="Ask for a meeting").click()
    expect(page.get_by_role("heading", name="Ask for a meeting", level=1)).to_be_visible()
    page.get_by_label("What do you want to talk about?").fill("Hvor skal jeg bo når jeg kommer ut?")
    page.get_by_label("When suits you?").fill("Tirsdag formiddag")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    expect(page.locator("[data-own-words]")).to_contain_text("Tirsdag formiddag")

    # His contact officer, who leads the case: the request is on what is due; his words on the needs map.
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto("/due/")
    requests = kari.get_by_test_id("meeting-requests")
    expect(requests).to_contain_text("Jonas")
    requests.get_by_role("link", name="Jonas").first.click()
    own = kari.locator("#own-words")
    expect(own).to_contain_text("Hvor skal jeg bo når jeg kommer ut?")
    expect(own).to_contain_text("Jonas wrote this on")
    expect(kari.locator("[data-own-words]").filter(has_text="Jeg vil bo nær mora mi i Bergen.")).to_contain_text(
        "in their own words"
    )
    own.get_by_role("button", name="Mark as answered").last.click()
    expect(kari.get_by_text("The request is marked as answered.")).to_be_visible()
    kari.goto("/due/")
    expect(kari.get_by_test_id("meeting-requests")).to_have_count(0)
