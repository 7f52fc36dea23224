"""Listen (issue 18, point 6) in a real browser, as Jonas: the button on his pages, on a phone and a screen
reader's terms (axe and 360 px on every page, by ``CheckedPage``), and the sound behind it."""

import pytest
from playwright.sync_api import expect

from core.tests.live import PHONE_WIDTH, login

pytestmark = pytest.mark.browser


def assert_sound(page, href: str) -> None:
    """What the button's link gives a browser without JavaScript: the page's sound."""
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    assert "no-store" in response.headers["cache-control"]
    body = response.body()
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 44_100  # more than a second


@pytest.mark.parametrize(
    "language, listen, stop", [("en", "Listen", "Stop"), ("nb", "Lytt", "Stopp"), ("da", "Lyt", "Stop")]
)
def test_jonas_hears_his_pages_read_aloud(new_page, language, listen, stop):
    page = new_page(language)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, "jonas")
    button = page.get_by_role("link", name=listen, exact=True)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    href = button.get_attribute("href")
    assert href is not None and href.startswith("/listen/cases/")
    assert_sound(page, href)

    # Pressed, it plays on the page (the browser's voice, or the server's sound) and offers to stop.
    start = page.url
    has_voice = page.evaluate(
        "(language) => 'speechSynthesis' in window && speechSynthesis.getVoices().some("
        "(voice) => voice.lang.toLowerCase().startsWith(language === 'nb' ? 'n' : language))",
        language,
    )
    if has_voice:
        button.click()
    else:  # headless Chromium on Debian has no voice of its own: the server's sound plays on the page
        with page.expect_response(lambda response: response.url.endswith(href)) as fetched:
            button.click()
        assert fetched.value.status in {200, 206} and fetched.value.headers["content-type"] == "audio/wav"
    expect(page.get_by_role("link", name=stop, exact=True)).to_be_visible()
    assert page.url == start
    page.get_by_role("link", name=stop, exact=True).click()
    expect(button).to_be_visible()

    # The road, written for him, has the button too.
    page.goto(href.removeprefix("/listen") + "me/road/")
    road = page.get_by_role("link", name=listen, exact=True)
    expect(road).to_be_visible()
    assert_sound(page, road.get_attribute("href") or "")
