"""Issue 17 in a real browser: the frame of a public service, the newer pages, and the checks themselves.

Every page here is checked by the harness (``core/tests/live.py``): axe-core's WCAG 2.1 A/AA
rules, no sideways scrolling at 360 px, no console error. The first test shows that those
checks find what they are for; the second visits the footer's public pages without logging
in, and the pages added since the checks were written: the carry-over question the person
answers on their start page, who has looked, what the volunteers see, and the breadcrumb.
"""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.tests.live import LIVE_PASSWORD, PHONE_WIDTH, check_page, login
from core.tests.test_browser_intake import _national_id

pytestmark = pytest.mark.browser


SETUP = """
import dataclasses, datetime, json
from django.utils import timezone
from accounts.models import Role, User
from cases.services import IntakeData, carry_over_ask, case_open

kari = User.objects.get(username="kari.kontakt")
cara = User(username="cara.carry", first_name="Cara", last_name="Carlsen", role=Role.PERSON)
cara.set_password(PASSWORD)
cara.save()
today = timezone.localdate()
start = today - datetime.timedelta(days=400)
earlier = IntakeData(
    first_name="Cara", last_name="Carlsen", birth_date=datetime.date(1999, 5, 6), national_id=NATIONAL_ID,
    home_municipality="Bergen", legal_status="sentenced", intake_date=start, sentence_start=start,
    sentence_days=120, expected_release=start + datetime.timedelta(days=120))
case_open(actor=kari, person_user=cara, data=earlier)
again = today - datetime.timedelta(days=3)
case = case_open(actor=kari, person_user=cara, data=dataclasses.replace(
    earlier, intake_date=again, sentence_start=again, expected_release=today + datetime.timedelta(days=200)))
carry_over_ask(actor=kari, case=case, needs_and_plan=True, group=True)
print(json.dumps({"code": case.code}))
"""


def test_the_checks_find_a_violation_a_wide_page_and_a_console_error(page):
    """The harness's own test: each check reports what it is for, on one of our pages."""
    page.goto("/login/")
    assert check_page(page) == [], "the login page is clean before anything is added to it"
    page.evaluate(
        """() => {
            const image = document.createElement("img");  // no alt text: axe's image-alt (WCAG 1.1.1)
            image.src = "/static/favicon.svg";
            const wide = document.createElement("div");
            wide.className = "too-wide";
            wide.textContent = "x";
            wide.setAttribute("aria-hidden", "true");
            document.querySelector("main").append(image, wide);
        }"""
    )
    page.locator("div.too-wide").evaluate("element => element.style.setProperty('width', '600px')")  # CSSOM: allowed
    problems = check_page(page)
    assert any("axe image-alt" in problem for problem in problems), problems
    assert any(f"at {PHONE_WIDTH} px" in problem and "too-wide" in problem for problem in problems), problems
    assert page.viewport_size["width"] == 1280, "the page is put back to the test's own size"
    page.locator("div.too-wide").evaluate("element => element.remove()")
    page.locator("main img").evaluate("element => element.remove()")
    page.evaluate("() => console.error('made by the test')")
    page.locator("h1").text_content()  # the page's next use collects what it logged
    assert page.problems == ["console error on /login/: made by the test"]
    page.problems.clear()


def test_the_footer_pages_are_public_and_the_person_answers_the_carry_over_on_a_phone_sized_page(live_site, new_page):
    national_id = _national_id(datetime.date(1999, 5, 6))
    output = live_site.manage("shell", "-c", f"PASSWORD = {LIVE_PASSWORD!r}\nNATIONAL_ID = {national_id!r}\n" + SETUP)
    code = json.loads(output.splitlines()[-1])["code"]
    assert timezone.localdate()  # the setup ran on this run's clock

    # Anyone, without logging in: help and contact, the privacy notice, the accessibility statement.
    visitor = new_page()
    visitor.goto("/login/")
    favicon = visitor.locator("link[rel=icon]").get_attribute("href")
    assert visitor.request.get(favicon).status == 200
    for link, heading in [
        ("Help", "Help and contact"),
        ("Privacy notice", "Privacy notice"),
        ("Accessibility statement", "Accessibility statement"),
    ]:
        visitor.locator("footer").get_by_role("link", name=link, exact=True).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(heading)
    expect(visitor.locator("main")).to_contain_text("WCAG 2.1")
    visitor.locator("footer").get_by_role("link", name="Contact").click()
    expect(visitor.locator("#contact")).to_be_visible()

    # Cara, back in prison, is asked on her start page whether her earlier case may be used.
    cara = new_page()
    login(cara, "cara.carry")
    question = cara.locator("[data-testid=carry-over-question]")
    expect(question).to_contain_text("Use what you worked on last time?")
    question.get_by_role("button", name="Yes, use it").click()
    messages = cara.locator("main .messages")
    expect(messages).to_contain_text("Your answer is saved.")
    expect(messages).to_be_focused()  # after saving, focus is on what changed, not the top of the page
    expect(cara.locator("[data-testid=carry-over-question]")).to_have_count(0)
    cara.get_by_role("link", name="See everyone who has looked, and when").click()
    expect(cara.locator("main")).to_contain_text("Kari")
    cara.goto(f"/cases/{code}/")
    cara.get_by_role("link", name="Choose what volunteers see").click()
    expect(cara.get_by_role("heading", level=1)).to_be_visible()

    # Kari sees the answer, and the case's person and code in the breadcrumb.
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto(f"/cases/{code}/")
    expect(kari.locator("nav.breadcrumbs")).to_contain_text(f"Cara Carlsen ({code})")
    expect(kari.locator("[data-testid=carry-over]")).to_contain_text("Waiting for the staff of the earlier case")
