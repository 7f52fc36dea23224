"""Issue 17 in a real browser, as one story at a desktop's size and at a phone's (points 1-3, 9-13).

Set up through the services in the server's own database: a case at Bergen fengsel, led by
Sara (the prison's social worker, so that the urgent items and the handover gap this story
leaves stand on her "what is due", not on Kari's, which test_browser_due reads), whose needs
conversation is held and whose plan holds one proposed measure (stage "make a plan"), for a
person with an identity number and an account; and, once, 51 cases of Olav's in Oslo
fengsel, one more than a page. Then, in Chromium, at 1280 × 800 and at 360 × 740:

- Point 9: Sara finds the case in her caseload by identity number, by case code and by name;
  Olav pages through his caseload and his "what is due", each longer than a page.
- Point 12: Sara chooses the measure with the person and starts it (htmx). While the request
  is held (routed by Playwright), its button is disabled and the plan carries aria-busy; after
  the swap, focus is on the message and the live region reads it out.
- Point 1: the stage shows by its label, the same in the caseload as on the case; after the
  measure is chosen and started, the case shows "Carry out the plan", and Tove, the reentry
  coordinator, finds it under that stage on her unit overview, whose counts are by label.
- Point 10: Tove opens it from that list; without a reason she is refused, with one from the
  list she reads it; the person sees in their access log that she looked and why.
- Point 2: Sara plans the release three weeks ahead. Recording it as done tomorrow is refused,
  and today without a reason too, each with a clear message and nothing changed. She records
  a release at short notice today instead: no one coming in had taken hold, so the case and
  her "what is due" show the handover gap.
- Point 3: the readiness items nobody owns (no probation officer, no health service, no
  municipality in the group) are urgent and stand on Sara's "what is due", as the lead's.
- Points 11 and 13: every page and htmx swap is checked by ``CheckedPage`` (axe-core, no
  sideways scrolling at 360 px, no console error, no 5xx); at the phone size the viewport
  itself is 360 px wide, so every click and field above is used as on a phone.

Dates are relative to the server's today (``timezone.localdate()``, moved by OVERGANG_TODAY).
"""

import datetime
import json
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from cases.models import Stage
from core.tests.live import LIVE_PASSWORD, PHONE_WIDTH, login

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": PHONE_WIDTH, "height": 740}}
#: Each size has its own person and case, so the two runs share nothing but the server and Olav's cases.
PEOPLE = {
    "desktop": ("siri.skrivebord", "Siri", "Skrivebord", datetime.date(1991, 6, 7)),
    "phone": ("tor.telefon", "Tor", "Telefonsen", datetime.date(1992, 8, 9)),
}
TITLE = "Søknad om økonomisk sosialhjelp"

SETUP = """
import datetime, json
from django.utils import timezone
from stdnum.no import fodselsnummer
from accounts.models import Role, User
from cases.selectors import CASES_PAGE_SIZE
from cases.services import IntakeData, case_open
from needs.services import conversation_record, need_create
from plans.services import measure_propose
from reference.models import LifeArea


def identity_number(born):
    base = born.strftime("%d%m%y")
    for individual in range(499, 0, -1):  # born 1900-1999
        number = f"{base}{individual:03d}"
        first = fodselsnummer.calc_check_digit1(number + "00")
        second = fodselsnummer.calc_check_digit2(number + first + "0") if len(first) == 1 else ""
        if len(second) == 1:
            return number + first + second


today = timezone.localdate()
sara, olav = (User.objects.get(username=u) for u in ("sara.sosial", "olav.oslo"))
made = {}
for size, (username, first, last, born) in json.loads(PEOPLE).items():
    born = datetime.date.fromisoformat(born)
    person = User(username=username, first_name=first, last_name=last, role=Role.PERSON)
    person.set_password(PASSWORD)
    person.save()
    number = identity_number(born)
    start = today - datetime.timedelta(days=60)
    case = case_open(actor=sara, person_user=person, data=IntakeData(
        first_name=first, last_name=last, birth_date=born, national_id=number, home_municipality="Bergen",
        legal_status="sentenced", intake_date=start, sentence_start=start, sentence_days=300,
        expected_release=start + datetime.timedelta(days=200)))
    held = conversation_record(actor=sara, case=case, held_on=start + datetime.timedelta(days=5), completed=True)
    need = need_create(actor=sara, case=case, life_area=LifeArea.objects.get(slug="income"),
                       own_words="Jeg har ingen penger når jeg kommer ut.", conversation=held)
    measure_propose(actor=sara, case=case, title=TITLE, needs=[need], responsible_user=sara, start_date=today,
                    due_date=today + datetime.timedelta(days=30), requires_of_person="Møte hos NAV.")
    made[size] = {"code": case.code, "number": number}
# Olav's caseload, one case longer than a page.
for n in range(CASES_PAGE_SIZE + 1):
    case_open(actor=olav, data=IntakeData(
        first_name=f"Nr {n + 1}", last_name="Sidetall",
        birth_date=datetime.date(1985, 1, 1) + datetime.timedelta(days=n),
        home_municipality="Oslo", legal_status="sentenced", intake_date=today - datetime.timedelta(days=40),
        sentence_start=today - datetime.timedelta(days=40), sentence_days=400))
print(json.dumps(made))
"""


@pytest.fixture(scope="module")
def made(live_site) -> dict:
    """Both sizes' cases and Olav's, in one run of the server's shell: {size: {"code", "number"}}."""
    people = json.dumps({size: [*person[:3], person[3].isoformat()] for size, person in PEOPLE.items()})
    head = f"PASSWORD = {LIVE_PASSWORD!r}\nTITLE = {TITLE!r}\nPEOPLE = {people!r}\n"
    return json.loads(live_site.manage("shell", "-c", head + SETUP).splitlines()[-1])


def _search(page, text: str) -> None:
    page.locator("#case-search").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()


def _rows_on_page(page) -> list[str]:
    return [code.strip() for code in page.locator("main tbody tr td:nth-child(2)").all_inner_texts()]


def _htmx_move_held(page, button_name: str, message: str) -> None:
    """Press an htmx button with its request held: busy while it runs, focus and announcement after."""
    held = []
    pattern = re.compile(r"/plan/measures/\d+/move/$")
    page.route(pattern, lambda route: held.append(route))
    button = page.get_by_role("button", name=button_name)
    with page.expect_request(pattern):
        button.click()
    # The request is on its way and held: the form's button is disabled and the plan is busy.
    expect(button).to_be_disabled()
    expect(page.locator("#plan-body")).to_have_attribute("aria-busy", "true")
    for _ in range(500):  # the route's handler runs when Playwright next reads its events
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the request was sent but never reached the route"
    held[0].continue_()
    page.unroute(pattern)
    status = page.locator("#plan-body [role=status]")
    expect(status).to_contain_text(message)
    expect(status).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text(message)
    expect(page.locator("#plan-body")).not_to_have_attribute("aria-busy", "true")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_daily_work_at_a_desktop_and_on_a_phone(made, new_page, size):
    code, number = made[size]["code"], made[size]["number"]
    _username, first, last, _born = PEOPLE[size]
    full_name = f"{first} {last}"
    today = timezone.localdate()
    with translation.override("en"):
        stage_labels = {str(label) for label in Stage.labels}

    def opened(persona: str):
        page = new_page()
        page.set_viewport_size(SIZES[size])
        login(page, persona)
        assert page.evaluate("window.innerWidth") == SIZES[size]["width"]
        return page

    # Point 9: Sara finds the case by its identity number (posted, never in the address) and by name.
    sara = opened("sara.sosial")
    sara.goto("/cases/")
    _search(sara, number)
    expect(sara.locator("[data-search-count]")).to_have_attribute("data-search-count", "1")
    assert number not in sara.url
    assert _rows_on_page(sara) == [code]
    _search(sara, code)
    expect(sara.locator("[data-search-count]")).to_have_attribute("data-search-count", "1")
    _search(sara, last.lower())
    expect(sara.locator("[data-search-count]")).to_have_attribute("data-search-count", "1")
    # Point 1: the stage by its label, the same in the caseload as on the case.
    expect(sara.locator("main tbody tr td").nth(2)).to_contain_text("Make a plan")
    with sara.expect_navigation():
        sara.get_by_role("link", name=full_name).click()
    expect(sara.locator(".case-header .ds-tag").first).to_have_text("Make a plan")

    # Point 12: choosing and starting the measure (htmx): busy while it runs, then focus and the live region.
    sara.goto(f"/cases/{code}/plan/")
    _htmx_move_held(sara, f"Choose “{TITLE}”", f"“{TITLE}” is now chosen.")
    _htmx_move_held(sara, f"Start “{TITLE}”", f"“{TITLE}” is now started.")

    # Point 1: the stage moved on, and the coordinator counts the case under it.
    sara.goto(f"/cases/{code}/")
    expect(sara.locator(".case-header")).to_contain_text("Carry out the plan")
    tove = opened("tove.koordinator")
    tove.goto("/cases/unit/")
    for label in tove.locator("[data-unit-counts] tbody td:first-child").all_inner_texts():
        assert label.strip() in stage_labels, label  # labels, not codes
    with tove.expect_navigation():
        tove.locator("[data-unit-counts] tr[data-stage=carry_out]").get_by_role("link").click()
    expect(tove.locator("#cases-heading")).to_have_text("Carry out the plan")
    row = tove.locator(f'tr[data-case="{code}"]')
    expect(row.locator("td").nth(2)).to_have_text("Carry out the plan")

    # Point 10: she opens it from the list with a reason and reads it; the person sees why.
    with tove.expect_navigation():
        row.get_by_role("link", name=full_name).click()
    expect(tove.get_by_role("heading", level=1)).to_contain_text(code)
    with tove.expect_navigation():
        tove.get_by_role("button", name="Open the case").click()
    expect(tove.locator("main")).to_contain_text("Choose one of the reasons in the list.")  # no reason, no look
    reason = tove.locator("input[name=reason]").first
    reason.check()
    reason_text = reason.evaluate("(input) => (input.labels[0] || input.closest('label')).innerText").strip()
    with tove.expect_navigation():
        tove.get_by_role("button", name="Open the case").click()
    expect(tove.locator(".case-header h1")).to_have_text(full_name)
    expect(tove.locator(".case-header")).to_contain_text("Carry out the plan")
    person = opened(PEOPLE[size][0])
    person.goto(f"/cases/{code}/access-log/")
    expect(person.locator("main tbody tr", has_text="Tove Lund").filter(has_text=reason_text)).not_to_have_count(0)

    # Point 2: the release is planned three weeks ahead; done tomorrow, or today without a reason, is refused.
    sara.goto(f"/cases/{code}/handover/")
    plan = sara.locator("form[action$='/handover/plan/']")
    plan.locator("[name=kind]").select_option("release")
    plan.locator("[name=planned_date]").fill((today + datetime.timedelta(days=21)).isoformat())
    with sara.expect_navigation():
        plan.get_by_role("button", name="Plan").click()
    expect(sara.get_by_role("status")).to_contain_text("The transition is planned.")
    complete = sara.locator("form[action$='/complete/']")
    complete.locator("[name=on]").fill((today + datetime.timedelta(days=1)).isoformat())
    with sara.expect_navigation():
        complete.get_by_role("button", name="Record as done").click()
    expect(sara.locator("main")).to_contain_text("A transition can only be recorded as done on or after the day")
    complete.locator("[name=on]").fill(today.isoformat())
    with sara.expect_navigation():
        complete.get_by_role("button", name="Record as done").click()
    expect(sara.locator("main")).to_contain_text("It happened before the planned date")
    expect(sara.locator("main")).to_contain_text("Say why.")
    expect(sara.locator(".case-header")).to_contain_text("Hand over responsibility")  # nothing changed

    # ... so she records a release at short notice, before anyone coming in has taken hold.
    sara.goto(f"/cases/{code}/release/")
    sudden = sara.locator("form[action$='/release/sudden/']")
    sudden.locator("[name=on]").fill(today.isoformat())
    sudden.locator("[name=reason]").fill("Løslatt etter vedtak om prøveløslatelse i dag.")
    with sara.expect_navigation():
        sudden.get_by_role("button", name="Record a release at short notice").click()
    expect(sara.get_by_role("status")).to_contain_text("The release is recorded.")
    sara.goto(f"/cases/{code}/")
    expect(sara.locator(".case-header")).to_contain_text("After release")
    expect(sara.locator("#handover-gap")).to_contain_text("before anyone coming in had taken hold")

    # Points 2 and 3 on her "what is due": the handover gap, and the urgent items nobody owns, as the lead's.
    sara.goto("/due/")
    expect(sara.locator(f'[data-handover-gap="{code}"]')).to_be_visible()
    for key in ("probation_plan", "health", "housing"):
        item = sara.locator(f"[data-testid=urgent-release] li.urgent-item[data-key={key}]", has_text=code)
        expect(item.locator("[data-unowned]")).to_have_count(1)

    # Point 9: Olav pages through his caseload and his "what is due", each longer than a page.
    olav = opened("olav.oslo")
    for address, items in (("/cases/", "main tbody tr"), ("/due/", "li.due-item")):
        olav.goto(address)
        pages = olav.locator("nav.pagination")
        expect(pages).to_have_attribute("data-page", "1")
        assert int(pages.get_attribute("data-pages")) >= 2
        first = olav.locator(items).all_inner_texts()
        assert len(first) == 50
        with olav.expect_navigation():
            pages.get_by_role("link", name="Next page").click()
        expect(olav.locator("nav.pagination")).to_have_attribute("data-page", "2")
        expect(olav.locator("nav.pagination").get_by_role("link", name="Previous page")).to_be_visible()
        second = olav.locator(items).all_inner_texts()
        assert second and not set(second) & set(first)
