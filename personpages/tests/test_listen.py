"""Listen (issue 18, point 6): every page the person reaches can be read aloud, made on request, never stored.

The sound is espeak-ng's own (no mock): a WAV is compared byte for byte with espeak-ng reading the
visible text of the page's <main> as the same user gets it, which is how these tests know what
was spoken.
"""

import os
import struct
import tempfile

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from access.tests.test_url_walk import without_tokens
from cases.models import Case
from core.readability import visible_text
from core.speech import speak, with_lengths
from journal.models import AccessEvent
from personpages.listen import LISTEN_PAGES
from personpages.tests.test_lix import person_pages
from plans.models import Measure
from threads.models import Message

pytestmark = pytest.mark.django_db

#: Shown only to staff (the case's unit, as in test_plan_pdf): the person's start page has none of it.
CANARY = "KANARI-enhet-kun-for-ansatte"
#: 16-bit mono at 22,050 Hz, espeak-ng's voices: bytes of sound a second.
BYTES_A_SECOND = 2 * 22_050


@pytest.fixture
def still():
    """Hold the clock, so a page rendered twice in a test says the same (a WAV is compared byte for byte)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def listen_url(page_url: str) -> str:
    return reverse("listen", kwargs={"page": page_url.removeprefix("/")})


def spoken(client, page_url: str, language: str) -> bytes:
    """espeak-ng reading the page's <main> as this client gets the page."""
    page = client.get(page_url)
    assert page.status_code == 200
    return speak(visible_text(page.content.decode(), within="main"), language)


def assert_real_wav(audio: bytes, seconds: float) -> None:
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE" and audio[12:16] == b"fmt "
    channels, rate = struct.unpack_from("<HI", audio, 22)
    assert (channels, rate) == (1, 22_050)
    # The lengths in the header are the true ones (espeak-ng writing to a pipe leaves them unknown).
    assert struct.unpack_from("<I", audio, 4)[0] == len(audio) - 8
    assert struct.unpack_from("<I", audio, 40)[0] == len(audio) - 44
    assert len(audio) > seconds * BYTES_A_SECOND


def test_every_page_the_person_reaches_has_a_listen_button_that_gives_its_sound(client, personas, case):
    client.force_login(personas.person)
    pages = {}
    for name, url in person_pages(case):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[name] = (url, response.content.decode())
    assert "cases:overview" in pages and len(pages) >= 20
    # The list of pages to listen to is the person's pages: a new one fails here until it is listed.
    assert set(pages) == LISTEN_PAGES
    for name, (url, html) in pages.items():
        assert f'href="{listen_url(url)}" data-listen' in html, name
        assert ">Lytt</a>" in html, name
        audio = client.get(listen_url(url))
        assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav", name
        assert "no-store" in audio["Cache-Control"], name
        assert_real_wav(audio.content, seconds=1)


def test_a_staff_page_has_no_button_and_cannot_be_heard(client, personas, case):
    client.force_login(personas.contact_officer)
    changes = reverse("cases:changes", kwargs={"code": case.code})
    assert client.get(changes).status_code == 200
    assert b"data-listen" not in client.get(changes).content
    assert client.get(listen_url(changes)).status_code == 404


@pytest.mark.parametrize("language, words", [("nb", "Veien din"), ("da", "Din vej"), ("en", "Your road")])
def test_the_sound_is_the_page_read_in_its_language(client, personas, case, still, language, words):
    client.force_login(personas.person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    road = reverse("personpages:road", kwargs={"code": case.code})
    page_text = visible_text(client.get(road).content.decode(), within="main")
    assert words in page_text
    audio = client.get(listen_url(road)).content
    assert_real_wav(audio, seconds=10)
    assert audio == spoken(client, road, language)
    # Another language's voice reads the same words otherwise: the voice is the page's.
    other = "da" if language != "da" else "nb"
    assert audio != speak(page_text, other)


def test_the_person_hears_their_page_and_nothing_shown_only_to_staff(client, personas, case, still):
    Case.objects.filter(pk=case.pk).update(unit=CANARY)
    start = reverse("cases:overview", kwargs={"code": case.code})
    client.force_login(personas.contact_officer)
    staff_text = visible_text(client.get(start).content.decode(), within="main")
    assert CANARY in staff_text  # the canary is on the page, for staff
    staff_audio = client.get(listen_url(start)).content
    assert staff_audio == speak(staff_text, "nb")

    client.force_login(personas.person)
    person_text = visible_text(client.get(start).content.decode(), within="main")
    assert CANARY not in person_text and "Jonas" in person_text
    person_audio = client.get(listen_url(start)).content
    assert person_audio == speak(person_text, "nb")
    assert person_audio != staff_audio


def test_text_sent_by_the_client_is_not_spoken(client, personas, case, still):
    client.force_login(personas.person)
    road = reverse("personpages:road", kwargs={"code": case.code})
    plain = client.get(listen_url(road)).content
    asked = client.get(listen_url(road), {"text": "Send penger til konto", "q": "Send penger"}).content
    posted = client.post(listen_url(road), {"text": "Send penger til konto"}).content
    assert plain == asked == posted == spoken(client, road, "nb")


def test_listening_only_reads_even_when_posted_to(client, personas, case):
    """A POST to the thread's sound is not a message: listening asks the page with GET."""
    client.force_login(personas.person)
    thread = reverse("threads:thread", kwargs={"code": case.code})
    before = Message.objects.count()
    response = client.post(listen_url(thread), {"body": "Skal ikke sendes", "audience": "covered"})
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert Message.objects.count() == before
    # The same POST to the page itself does post: the test would see a write.
    client.post(thread, {"body": "Sendt", "audience": "covered"})
    assert Message.objects.count() == before + 1


def test_nothing_is_written_to_disk(client, personas, case, tmp_path, settings, monkeypatch):
    media, temporary = tmp_path / "media", tmp_path / "tmp"
    media.mkdir()
    temporary.mkdir()
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setenv("TMPDIR", str(temporary))  # espeak-ng's, if it made a temporary file
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    here = sorted(os.listdir())
    client.force_login(personas.person)
    response = client.get(listen_url(reverse("plans:plan", kwargs={"code": case.code})))
    assert_real_wav(response.content, seconds=5)
    assert list(media.iterdir()) == [] and list(temporary.iterdir()) == []
    assert sorted(os.listdir()) == here


def test_a_listen_is_one_read_logged_as_the_pages_own(client, personas, case):
    client.force_login(personas.person)
    before = AccessEvent.objects.count()
    client.get(listen_url(reverse("plans:plan", kwargs={"code": case.code})))
    events = AccessEvent.objects.order_by("-pk")[: AccessEvent.objects.count() - before]
    assert [(event.user_id, event.view) for event in events] == [(personas.person.pk, "plans:plan")]


@pytest.mark.parametrize(
    "persona", ["municipal_without_consent", "volunteer", "outsider", "admin", "analyst", "nav_with_consent"]
)
def test_who_may_not_see_the_page_gets_the_pages_own_refusal(client, personas, case, persona):
    measure = Measure.objects.filter(case=case, status="started").first()
    assert measure is not None
    pages = [
        reverse("plans:measure", kwargs={"code": case.code, "measure_id": measure.pk}),
        reverse("personpages:road", kwargs={"code": case.code}),
    ]
    client.force_login(getattr(personas, persona))
    refused = 0
    for page in pages:
        own = client.get(page)
        heard = client.get(listen_url(page))
        assert heard.status_code == own.status_code, (persona, page)
        if own.status_code != 200:
            refused += 1
            assert heard.status_code in {403, 404}
            # The same refusal page; each echoes the address asked for (the language form).
            listened = without_tokens(heard.content).replace(listen_url(page).encode(), b"URL")
            assert listened == without_tokens(own.content).replace(page.encode(), b"URL")
    assert refused >= 1


def test_anonymous_is_sent_to_log_in(client, case):
    response = client.get(listen_url(reverse("personpages:road", kwargs={"code": case.code})))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "page",
    [
        "no/such/page/",
        "cases/{code}/changes/",  # a staff page: not on the list
        "cases/{code}/me/plan.pdf",  # a person's file, not a page to read
        "listen/cases/{code}/me/road/",  # the sound of the sound
        "cases/{code}/plan/measures/999999/",  # a page on the list, with a measure that does not exist
    ],
)
def test_an_address_not_on_the_list_gives_404(client, personas, case, page):
    client.force_login(personas.contact_officer)
    assert client.get(reverse("listen", kwargs={"page": page.format(code=case.code)})).status_code == 404


def test_the_header_gets_the_true_lengths():
    streamed = b"RIFF" + struct.pack("<I", 0x7FFFF024) + b"WAVEfmt " + bytes(20) + b"data"
    streamed += struct.pack("<I", 0x7FFFF000) + bytes(100)
    fixed = with_lengths(streamed)
    assert struct.unpack_from("<I", fixed, 4)[0] == 136 and struct.unpack_from("<I", fixed, 40)[0] == 100
    assert with_lengths(b"not a wav") == b"not a wav"


def test_without_espeak_ng_the_answer_says_so_and_is_no_server_error(client, personas, case, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without espeak-ng
    client.force_login(personas.person)
    response = client.get(listen_url(reverse("personpages:road", kwargs={"code": case.code})))
    assert response.status_code == 503
    assert response.content.decode() == "Siden kan ikke leses opp nå. Prøv igjen senere."
