"""The second factor in a real browser (ASSURANCE #3, #15): a staff user with no authenticator sets one up,
signs out, and signs in again with a code. Every page is checked for axe and 360 px by ``CheckedPage``."""

import base64
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from core.tests.live import LIVE_CODES, LIVE_PASSWORD, login, logout, server_clock
from core.tests.totp_codes import STEP, code_at

pytestmark = pytest.mark.browser

USERNAME = "anna.analyse"


def test_a_staff_user_sets_up_the_authenticator_then_signs_in_with_a_code(page: Page, live_site):
    live_site.manage(
        "shell",
        "-c",
        "from django_otp.plugins.otp_totp.models import TOTPDevice;"
        f"TOTPDevice.objects.filter(user__username={USERNAME!r}).delete()",
    )
    page.goto("/login/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(LIVE_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    # The password alone opens nothing: the page to set up the authenticator, with a QR code and the key.
    assert urlsplit(page.url).path == "/account/second-factor/enrol/"
    expect(page.get_by_role("heading", name="Set up your authenticator app", level=1)).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    page.goto("/obstacles/zones/")
    assert urlsplit(page.url).path == "/account/second-factor/enrol/"
    # A wrong code is refused, with its message, and sets nothing up.
    key = base64.b32decode(page.locator("#secret-key").inner_text().replace(" ", "")).hex()
    right = code_at(key, int(server_clock()) // STEP)
    page.locator("#id_code").fill("000000" if right != "000000" else "111111")
    with page.expect_navigation():
        page.locator("#id_code").press("Enter")
    expect(page.locator("#id_code_error")).to_contain_text("The code is wrong.")
    logout(page)
    # login() sets it up from the key on the page, passes the recovery codes' page, and lands at home.
    login(page, USERNAME)
    assert not urlsplit(page.url).path.startswith("/account/")
    page.goto("/account/second-factor/")
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    logout(page)
    # The next sign-in asks for a code of the authenticator just set up.
    page.goto("/login/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(LIVE_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert urlsplit(page.url).path == "/account/second-factor/verify/"
    page.locator("#id_code").fill(LIVE_CODES.next_code(USERNAME))
    with page.expect_navigation():
        page.locator("#id_code").press("Enter")
    assert not urlsplit(page.url).path.startswith("/account/")
