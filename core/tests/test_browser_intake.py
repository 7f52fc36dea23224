"""Issue 2 in a real browser: intake, the needs conversation, the group and consent.

Chromium drives the running server (see ``core/tests/live.py``) as Kari, the contact
officer, then as Nils (NAV, covered by the consent) and Mona (municipality, not covered),
each in their own browser context. Contexts ask for English, so the assertions read the
English msgids; the rest go by ids, names and addresses.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from stdnum.no import fodselsnummer

from core.tests.live import login

pytestmark = pytest.mark.browser


HOUSING_WORDS = "Jeg har ingen plass å bo når jeg slipper ut."
INCOME_WORDS = "Jeg vet ikke hva jeg skal leve av de første ukene."
PRIVATE_WORDS = "Jeg sover dårlig og har mareritt om natten."
ACUTE_NEED = "Trenger legetime for medisiner denne uken."
STRENGTH = "Har fagbrev som tømrer og vil gjerne jobbe."


def _today() -> datetime.date:
    return timezone.localdate()


def _national_id(birth_date: datetime.date) -> str:
    """A checksum-valid Norwegian national identity number for the birth date."""
    for individual in range(100, 500):
        base = birth_date.strftime("%d%m%y") + f"{individual:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        number = base + first + fodselsnummer.calc_check_digit2(base + first)
        if fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid number found")


def _case_code(page: Page) -> str:
    match = re.fullmatch(r"/cases/([^/]+)/", urlsplit(page.url).path)
    assert match, page.url
    return match.group(1)


def _fill_intake(page: Page, *, first_name: str, last_name: str, **overrides: str) -> None:
    today = _today()
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": "1990-04-12",
        "home_municipality": "Bergen",
        "unit": "Avdeling A",
        "intake_date": today.isoformat(),
        "sentence_start": (today - datetime.timedelta(days=10)).isoformat(),
        "sentence_days": "240",
        "remand_days": "20",
        "expected_release": (today + datetime.timedelta(days=200)).isoformat(),
        **overrides,
    }
    page.goto("/cases/new/")
    page.select_option("#id_legal_status", "sentenced")
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(value)


def test_kari_takes_a_new_person_from_intake_to_consent_and_nils_loses_sight_when_it_is_withdrawn(new_page):
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.locator("header a[href='/cases/']").click()
    expect(kari.get_by_role("heading", name="My cases")).to_be_visible()

    # 1. Intake, with an acute need and the needs conversation booked.
    kari.get_by_role("link", name="Register a new case").click()
    birth_date = datetime.date(1990, 4, 12)
    national_id = _national_id(birth_date)
    meeting_at = datetime.datetime.combine(_today() + datetime.timedelta(days=2), datetime.time(10, 0))
    _fill_intake(kari, first_name="Ola", last_name="Bakken")
    kari.locator("#id_national_id").fill(national_id)
    kari.select_option("#id_acute_life_area", label="Physical health")
    kari.locator("#id_acute_need").fill(ACUTE_NEED)
    kari.locator("#id_next_meeting_at").fill(meeting_at.strftime("%Y-%m-%dT%H:%M"))
    kari.locator("#id_next_meeting_place").fill("Samtalerommet, avdeling A")
    kari.get_by_role("button", name="Register the case").click()

    expect(kari.get_by_role("heading", level=1)).to_have_text("Ola Bakken")
    expect(kari.get_by_role("status")).to_contain_text("The case is registered.")
    code = _case_code(kari)
    assert national_id not in kari.url
    assert national_id not in kari.content(), "the identity number is shown on the overview"
    assert len(code) >= 8 and not code.isdigit(), code
    needs_section = kari.locator("section[aria-labelledby=needs-heading]")
    expect(needs_section).to_contain_text(ACUTE_NEED)
    expect(needs_section.locator(".ds-tag[data-color=danger]")).to_have_count(1)
    expect(kari.locator("section[aria-labelledby=meetings-heading]")).to_contain_text("Samtalerommet, avdeling A")

    # 2. The needs conversation: a session, needs through the htmx form (one private), a strength.
    kari.locator(f"a[href='/cases/{code}/needs/']").first.click()
    expect(kari.get_by_role("heading", name="Needs map")).to_be_visible()
    conversation = kari.locator("form[action$='/needs/conversations/add/']")
    conversation.locator("[name=note]").fill("Første samtale, god dialog.")
    conversation.get_by_role("button", name="Record the session").click()
    expect(kari.get_by_role("status")).to_contain_text("The conversation session is recorded.")
    expect(kari.locator("section[aria-labelledby=conversations-heading]")).to_contain_text("Første samtale")

    kari.evaluate("window.notReloaded = true")
    section = kari.locator("#needs-section")

    def record_need(life_area: str, own_words: str, *, private: bool = False) -> None:
        form = section.locator("form[action$='/needs/add/']")
        form.locator("[name=life_area]").select_option(label=life_area)
        form.locator("[name=own_words]").fill(own_words)
        if private:
            form.locator("[name=private]").check()
        form.get_by_role("button", name="Save the need").click()
        expect(section.locator(".need", has_text=own_words)).to_be_visible()

    # While the first need is on its way (the test holds it), the button cannot be pressed
    # again and the section is busy; after it, focus and the live region are on the message.
    held = []

    def hold(route) -> None:
        held.append(route)

    kari.route("**/needs/add/", hold)
    form = section.locator("form[action$='/needs/add/']")
    form.locator("[name=life_area]").select_option(label="Housing")
    form.locator("[name=own_words]").fill(HOUSING_WORDS)
    with kari.expect_request("**/needs/add/"):
        form.get_by_role("button", name="Save the need").click()
    expect(form.get_by_role("button", name="Save the need")).to_be_disabled()
    expect(section).to_have_attribute("aria-busy", "true")
    while not held:
        kari.wait_for_timeout(20)  # the route handler runs between the test's own calls
    held[0].continue_()
    kari.unroute("**/needs/add/")
    expect(section.locator(".need", has_text=HOUSING_WORDS)).to_be_visible()
    expect(section.get_by_role("status")).to_contain_text("The need is recorded.")
    expect(section.get_by_role("status")).to_be_focused()
    expect(kari.locator("#announcer")).to_have_text("The need is recorded.")
    expect(section.get_by_role("button", name="Save the need")).to_be_enabled()
    record_need("Income and benefits", INCOME_WORDS)
    record_need("Mental health", PRIVATE_WORDS, private=True)
    expect(section.locator(".need", has_text=PRIVATE_WORDS).locator(".ds-tag[data-color=warning]")).to_be_visible()

    # An empty need is refused next to the field, in place, and nothing is saved.
    needs_before = section.locator(".need").count()
    section.locator("form[action$='/needs/add/'] [name=life_area]").select_option(label="Debt")
    section.get_by_role("button", name="Save the need").click()
    expect(section.locator("#id_own_words_error")).to_contain_text("own words")
    expect(section.locator(".need")).to_have_count(needs_before)
    assert kari.evaluate("window.notReloaded") is True, "the needs form reloaded the page instead of using htmx"

    strength = kari.locator("form[action$='/needs/resources/add/']")
    strength.locator("[name=description]").fill(STRENGTH)
    strength.get_by_role("button", name="Record the strength").click()
    expect(kari.locator("section[aria-labelledby=resources-heading]")).to_contain_text(STRENGTH)

    # 4. The group: Nils (NAV) and Mona (municipality).
    kari.locator(f"a[href='/cases/{code}/group/']").first.click()
    for name, purpose in [("Nils Berg", "Inntekt og ytelser"), ("Mona Lie", "Bolig")]:
        kari.get_by_role("link", name="Add a member").click()
        value = kari.locator("#id_user option", has_text=name).get_attribute("value")
        kari.select_option("#id_user", value)
        kari.locator("#id_purpose").fill(purpose)
        kari.get_by_role("button", name="Add to the group").click()
        expect(kari.get_by_role("status")).to_contain_text("The member is added to the group.")
        expect(kari.get_by_role("row", name=re.compile(name))).to_be_visible()

    # External members are invited; they count once they accept (issue 3).
    for username in ("nils.nav", "mona.kommune"):
        invited = new_page()
        login(invited, username)
        invited.goto("/cases/invitations/")
        invited.get_by_role("button", name=f"Accept the invitation to case {code}").click()
        expect(invited.get_by_role("status")).to_contain_text("You are now a member of the group.")

    # 3. Consent: none without a scope, then one that covers NAV only.
    kari.locator(f"a[href='/cases/{code}/consent/']").first.click()
    give = kari.locator("form[action$='/consent/give/']")
    give.get_by_role("button", name="Record the consent").click()
    expect(kari.locator("#id_scope_error")).to_be_visible()
    expect(kari.get_by_text("No consent has been recorded.")).to_be_visible()
    give = kari.locator("form[action$='/consent/give/']")
    give.get_by_role("checkbox", name=re.compile("Nils Berg")).check()
    expect(give.get_by_role("checkbox", name=re.compile("Mona Lie"))).not_to_be_checked()
    give.get_by_role("button", name="Record the consent").click()
    expect(kari.get_by_role("status")).to_contain_text("The consent is recorded.")
    expect(kari.locator("section[aria-labelledby=consent-state-heading]")).to_contain_text("Nils Berg")
    expect(kari.locator("section[aria-labelledby=consent-state-heading]")).not_to_contain_text("Mona Lie")
    # With a consent active, the form for a new one is built when asked for, in place.
    expect(kari.locator("form[action$='/consent/give/']")).to_have_count(0)
    kari.get_by_role("link", name="Record a new consent (replaces the active one)").click()
    expect(kari.locator("#give-consent form[action$='/consent/give/']")).to_be_visible()

    # Nils, covered by the consent, sees the needs map but not the private need.
    nils = new_page()
    login(nils, "nils.nav")
    nils.goto("/cases/")
    expect(nils.get_by_role("link", name="Ola Bakken")).to_be_visible()
    response = nils.goto(f"/cases/{code}/needs/")
    assert response.status == 200
    needs_map = nils.locator("main")
    expect(needs_map).to_contain_text(HOUSING_WORDS)
    expect(needs_map).to_contain_text(INCOME_WORDS)
    expect(needs_map).to_contain_text(STRENGTH)
    expect(needs_map).not_to_contain_text(PRIVATE_WORDS)
    expect(nils.locator("form[action$='/needs/add/']")).to_have_count(0)

    # Mona, in the group but not covered, gets the group and the "not shared" state.
    mona = new_page()
    login(mona, "mona.kommune")
    response = mona.goto(f"/cases/{code}/needs/")
    assert response.status == 403
    expect(mona.get_by_role("heading", name="You cannot do this")).to_be_visible()
    mona.goto(f"/cases/{code}/")
    expect(mona.get_by_role("heading", level=1)).to_have_text("Ola Bakken")
    expect(mona.get_by_text("The needs are not shared with you.")).to_be_visible()
    expect(mona.locator("main")).not_to_contain_text(HOUSING_WORDS)
    expect(mona.locator(f"a[href='/cases/{code}/needs/']")).to_have_count(0)

    # Kari sees who has looked.
    kari.goto(f"/cases/{code}/access-log/")
    expect(kari.locator("main")).to_contain_text("Nils Berg")

    # Consent withdrawn: Nils's very next request shows no need at all.
    kari.goto(f"/cases/{code}/consent/")
    withdraw = kari.locator("form[action$='/consent/withdraw/']")
    withdraw.locator("[name=note]").fill("Ola vil ikke dele lenger.")
    withdraw.get_by_role("button", name="Withdraw consent").click()
    expect(kari.get_by_role("status")).to_contain_text("The consent is withdrawn.")
    expect(kari.get_by_role("table")).to_contain_text("Ola vil ikke dele lenger.")

    response = nils.reload()
    assert response.status == 403
    expect(nils.locator("main")).not_to_contain_text(HOUSING_WORDS)
    nils.goto(f"/cases/{code}/")
    expect(nils.get_by_text("The needs are not shared with you.")).to_be_visible()
    for words in (HOUSING_WORDS, INCOME_WORDS, PRIVATE_WORDS, ACUTE_NEED):
        expect(nils.locator("main")).not_to_contain_text(words)

    # Kari, responsible prison staff, still sees every need, the private one too.
    kari.goto(f"/cases/{code}/needs/")
    for words in (HOUSING_WORDS, INCOME_WORDS, PRIVATE_WORDS, ACUTE_NEED):
        expect(kari.locator("#needs-section")).to_contain_text(words)


def test_an_intake_with_release_before_intake_is_refused_next_to_the_field_and_saves_nothing(page):
    login(page, "kari.kontakt")
    today = _today()
    _fill_intake(
        page,
        first_name="Per",
        last_name="Feilsen",
        expected_release=(today - datetime.timedelta(days=5)).isoformat(),
    )
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Register the case").click()
    assert posted.value.status == 400

    expect(page.get_by_role("alert")).to_contain_text("Nothing is saved yet.")
    # Designsystemet's stylesheet is applied, not just served: the error summary has its colour.
    background = page.get_by_role("alert").evaluate("element => getComputedStyle(element).backgroundColor")
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}, background
    error = page.locator("#id_expected_release_error")
    expect(error).to_have_text("The release date cannot be before the intake date.")
    field = page.locator("#id_expected_release")
    expect(field).to_have_attribute("aria-invalid", "true")
    # The message sits next to its field, in the same field group.
    assert field.locator("xpath=..").locator("#id_expected_release_error").count() == 1
    expect(page.locator("#id_first_name")).to_have_value("Per")
    assert urlsplit(page.url).path == "/cases/new/"

    page.goto("/cases/")
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Feilsen")
