"""The satisfaction surveys in a real browser (issue 22, point 5): the person answers their few questions
on a phone, in plain Norwegian; a contact officer answers the quarter's questions and opens the paper form's
page; the reentry coordinator follows her start page's links to the figures of her prison. Every page passes
axe (WCAG 2.1 A/AA) and fits 360 px (``core.tests.live``).

Jonas's plan is made in the demo world, so his questions after the plan wait for him.
"""

import pytest

from core.readability import lix, visible_text
from core.tests.live import PHONE_HEIGHT, PHONE_WIDTH, login

pytestmark = pytest.mark.browser

#: The person's pages read at LIX 33 or below (/work/shared/STYLE.md; personpages/tests/test_lix.py).
PLAIN = 33
PERSON_ANSWERS = {"knows_next": "yes", "heard": "partly", "help": "no"}  # one left without an answer


def plain(page) -> float:
    return lix(visible_text(page.content(), within="main"))[0]


def test_the_person_answers_the_questions_on_a_phone_in_plain_words(live_site, new_page):
    jonas = new_page(language="nb")
    jonas.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    login(jonas, "jonas")
    jonas.locator('main a[href$="/questions/"]').first.click()
    form = jonas.locator("#survey-form")
    form.wait_for()
    assert plain(jonas) <= PLAIN, jonas.locator("main").inner_text()
    jonas.check()
    for question, answer in PERSON_ANSWERS.items():
        form.locator(f'input[name="{question}"][value="{answer}"]').check()
    form.locator('button[name="send"]').click()
    jonas.locator(".messages .ds-alert").wait_for()
    assert jonas.locator("#survey-form").count() == 0  # asked once: the form is gone
    assert plain(jonas) <= PLAIN, jonas.locator("main").inner_text()
    jonas.check()
    assert jonas.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_a_contact_officer_answers_the_quarters_questions(live_site, new_page):
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto("/cases/")
    kari.locator("#staff-survey-due").get_by_role("link", name="The quarter's questions").click()
    form = kari.locator("#staff-survey-form")
    form.wait_for()
    kari.check()
    form.get_by_role("group", name="Does the work with the other agencies go well?").get_by_label("Partly").check()
    form.get_by_role("group", name="All in all, are you satisfied with how we work together on reentry?").get_by_label(
        "Yes"
    ).check()
    form.get_by_role("button", name="Send my answers").click()
    kari.get_by_text("Thank you for your answers.").wait_for()
    assert "You have answered this quarter." in kari.locator("main").inner_text()
    kari.goto("/cases/")
    assert kari.locator("#staff-survey-due").count() == 0
    kari.check()
    # Prison staff type in a person's paper form on their own page.
    kari.get_by_role("link", name="Type in a paper form").click()
    kari.get_by_role("heading", name="Type in a paper form", level=1).wait_for()
    kari.check()


def test_the_coordinator_reads_the_figures_of_her_prison_from_her_start_page(live_site, new_page):
    tove = new_page()
    login(tove, "tove.koordinator")
    links = tove.locator('[data-testid="figures-links"]')
    links.get_by_role("link", name="Satisfaction: the surveys").click()
    tove.get_by_role("heading", name="Satisfaction: the surveys", level=1).wait_for()
    tove.check()
    tove.go_back()
    links.get_by_role("link", name="Indicators and the baseline").click()
    tove.get_by_role("heading", name="Indicators and the baseline", level=1).wait_for()
    assert tove.get_by_role("button", name="Measure").count() == 0  # the analyst measures, the coordinator reads
    tove.check()
