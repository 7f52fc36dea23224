"""Sign-in through a real OpenID provider started on 127.0.0.1 (issue 23, point 1).

The provider is the certified ``oidc-provider`` from npm (accounts/tests/oidc_provider/provider.mjs),
run by node for the whole test session. The test plays the browser: the Django test client for
Overgang, and a urllib opener with its own cookies for the provider; Overgang itself talks to
the provider over HTTP (discovery, keys, token endpoint) as it would to ID-porten. No mocks.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import oidc
from accounts.models import ExternalIdentity, User
from accounts.oidc_settings import PERSON, STAFF, OidcProvider
from accounts.services import LINKED_BY_ADMINISTRATOR, identity_link
from cases.identity import decrypt
from core.clock import machine_time
from core.readability import lix, visible_text
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parent / "oidc_provider" / "provider.mjs"
BASE_DIR = Path(__file__).resolve().parents[2]
JONAS_NUMBER = "15057712345"  # the pid of the provider's account person-jonas
TESTSERVER = "http://testserver/"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    """Start the node OpenID provider on a free port; yield its issuer; stop it at the end."""
    node = shutil.which("node")
    assert node, "node is needed for the OpenID provider (make setup installs it with npm)"
    assert (BASE_DIR / "node_modules" / "oidc-provider").is_dir(), "run npm ci: oidc-provider is missing"
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    # On a moved clock (OVERGANG_TODAY, the date sweep) the provider moves by the same distance.
    offset_ms = round((timezone.now().timestamp() - machine_time()) * 1000)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [node, str(SCRIPT), str(port)],
            cwd=BASE_DIR,
            env={**os.environ, "CLOCK_OFFSET_MS": str(offset_ms)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(process, issuer, log)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen, issuer: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("the OpenID provider did not start:\n" + log.read().decode()[-3000:]) from None
            time.sleep(0.2)


@pytest.fixture
def providers(oidc_provider, settings) -> dict[str, OidcProvider]:
    """ID-porten for persons (the identity number in ``pid``) and the employer's provider for staff."""
    settings.OIDC_PROVIDERS = {
        "idporten": OidcProvider(
            name="idporten",
            issuer=oidc_provider,
            client_id="overgang-person",
            client_secret="overgang-person-secret",
            audience_kind=PERSON,
            identity_claim="pid",
        ),
        "entra": OidcProvider(
            name="entra",
            issuer=oidc_provider,
            client_id="overgang-staff",
            client_secret="overgang-staff-secret",
            audience_kind=STAFF,
        ),
    }
    return settings.OIDC_PROVIDERS


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """The user's browser at the provider: keeps the provider's cookies, follows no redirect by itself."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def until_back(self, url: str, **login: str) -> str:
        """Follow the provider's redirects, signing in as ``login`` at its interaction; return the URL back to us."""
        for _ in range(10):
            if url.startswith(TESTSERVER):
                return url
            if re.search(r"/interaction/[^/?]+$", url):
                url += "?" + urllib.parse.urlencode(login)
            status, location, body = self.request(url)
            assert status in {302, 303}, (status, body[:500])
            url = urllib.parse.urljoin(url, location)
        raise AssertionError("the provider never sent the browser back")


def to_callback(client, browser: Browser, provider: str, **login: str) -> str:
    """Start a sign-in at Overgang and go through the provider; return the callback URL, not yet opened."""
    start = client.get(reverse("oidc_start", kwargs={"provider": provider}))
    assert start.status_code == 302, start.status_code
    return browser.until_back(start["Location"], **login)


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def jonas_with_his_number(personas):
    person = personas.person.person
    person.national_id = JONAS_NUMBER
    person.save()
    return personas.person


def test_the_login_page_offers_each_provider_and_the_password_form(client, providers):
    page = client.get(reverse("login")).content.decode()
    assert reverse("oidc_start", kwargs={"provider": "idporten"}) in page
    assert reverse("oidc_start", kwargs={"provider": "entra"}) in page
    assert 'name="password"' in page


def test_a_person_signs_in_by_the_identity_number_their_provider_returns(client, providers, personas):
    jonas = jonas_with_his_number(personas)
    callback = to_callback(client, Browser(), "idporten", account="person-jonas", acr="idporten-loa-high")
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user(client) == jonas
    assert client.session[oidc.SESSION_AUTH_LEVEL] == "high"
    identity = ExternalIdentity.objects.get(user=jonas)
    assert (identity.issuer, identity.subject) == (providers["idporten"].issuer, "person-jonas")
    link = JournalEntry.objects.get(action="account.identity_link", object_id=str(identity.pk))
    assert link.actor == jonas and (link.new or {}).get("how") == "identity_number"
    assert number_not_in(link)
    # The next time the subject alone finds him, even if the number were gone; no second link.
    person = jonas.person
    person.national_id = ""
    person.save()
    client.logout()
    callback = to_callback(client, Browser(), "idporten", account="person-jonas", acr="idporten-loa-substantial")
    assert client.get(callback).status_code == 302
    assert signed_in_user(client) == jonas
    assert client.session[oidc.SESSION_AUTH_LEVEL] == "substantial"
    assert JournalEntry.objects.filter(action="account.identity_link").count() == 1
    sign_ins = JournalEntry.objects.filter(action="account.sign_in", actor=jonas).order_by("pk")
    assert [entry.new for entry in sign_ins] == [
        {"provider": "idporten", "auth_level": "high"},
        {"provider": "idporten", "auth_level": "substantial"},
    ]


def number_not_in(entry: JournalEntry) -> bool:
    """No identity number enters the journal."""
    return JONAS_NUMBER not in str(entry.old) + str(entry.new)


def test_staff_sign_in_by_the_subject_an_administrator_linked(client, providers, personas):
    kari = personas.contact_officer
    identity_link(
        actor=personas.admin,
        user=kari,
        issuer=providers["entra"].issuer,
        subject="staff-kari",
        how=LINKED_BY_ADMINISTRATOR,
    )
    callback = to_callback(client, Browser(), "entra", account="staff-kari", amr="pwd,mfa")
    assert client.get(callback).status_code == 302
    assert signed_in_user(client) == kari
    assert client.session[oidc.SESSION_AUTH_LEVEL] == "high"  # Entra: a second factor used (amr mfa)
    client.logout()
    callback = to_callback(client, Browser(), "entra", account="staff-kari", amr="pwd")
    assert client.get(callback).status_code == 302
    assert client.session[oidc.SESSION_AUTH_LEVEL] == "low"
    link = JournalEntry.objects.get(action="account.identity_link")
    assert link.actor == personas.admin and (link.new or {}).get("how") == "administrator"


def test_an_unknown_subject_is_refused_and_nothing_is_created(client, providers, personas):
    kari = personas.contact_officer
    identity_link(
        actor=personas.admin,
        user=kari,
        issuer=providers["entra"].issuer,
        subject="staff-kari",
        how=LINKED_BY_ADMINISTRATOR,
    )
    users, identities = User.objects.count(), ExternalIdentity.objects.count()
    tries = [
        ("idporten", "person-unknown"),  # a number no person in Overgang has
        ("entra", "staff-unknown"),  # staff nobody linked
        ("idporten", "staff-kari"),  # a staff subject coming through the persons' provider
    ]
    for provider, account in tries:
        response = client.get(to_callback(client, Browser(), provider, account=account))
        assert response.status_code == 403, (provider, account)
        assert response.context["for_person"] == (provider == "idporten")  # the page saying whom to ask
        assert signed_in_user(client) is None
    # The page the person reads says whom to ask, in plain words (LIX as for person pages).
    for language in ("nb", "da"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(to_callback(client, Browser(), "idporten", account="person-unknown"))
        assert page.status_code == 403
        assert lix(visible_text(page.content.decode()))[0] <= 33, language
    assert (User.objects.count(), ExternalIdentity.objects.count()) == (users, identities)
    assert not JournalEntry.objects.filter(action="account.sign_in").exists()


def test_a_wrong_state_is_refused(client, providers, personas):
    jonas_with_his_number(personas)
    callback = to_callback(client, Browser(), "idporten", account="person-jonas")
    parts = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["state"] = "not-the-state-we-sent"
    response = client.get(parts.path + "?" + urllib.parse.urlencode(query))
    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_code_is_refused(client, providers, personas):
    jonas_with_his_number(personas)
    browser = Browser()
    callback = to_callback(client, browser, "idporten", account="person-jonas")
    assert client.get(callback).status_code == 302
    client.logout()
    # The same answer again: its state was used up.
    assert client.get(callback).status_code == 400
    assert signed_in_user(client) is None
    # The used code under a fresh state of a new sign-in: the provider refuses the code.
    start = client.get(reverse("oidc_start", kwargs={"provider": "idporten"}))
    fresh_state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))["state"]
    parts = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["state"] = fresh_state
    assert client.get(parts.path + "?" + urllib.parse.urlencode(query)).status_code == 400
    assert signed_in_user(client) is None


def test_an_expired_id_token_is_refused(client, providers, personas):
    jonas_with_his_number(personas)
    callback = to_callback(client, Browser(), "idporten", account="person-jonas")
    # The provider's ID tokens live a minute; Overgang allows settings.OIDC_LEEWAY_SECONDS of skew.
    later = timezone.now() + datetime.timedelta(seconds=60 + settings.OIDC_LEEWAY_SECONDS + 120)
    with time_machine.travel(later, tick=True):
        response = client.get(callback)
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_logout_signs_out_here_and_at_the_provider(client, providers, personas):
    jonas_with_his_number(personas)
    browser = Browser()
    assert client.get(to_callback(client, browser, "idporten", account="person-jonas")).status_code == 302
    kept = client.session[oidc.SESSION_ID_TOKEN]
    assert JONAS_NUMBER not in kept  # the ID token (with his pid) is kept encrypted
    id_token = decrypt(kept)
    assert JONAS_NUMBER in json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))["pid"]
    response = client.post(reverse("logout"))
    assert signed_in_user(client) is None
    end_session = urllib.parse.urlsplit(response["Location"])
    assert response.status_code == 302 and end_session.path == "/session/end"
    asked = dict(urllib.parse.parse_qsl(end_session.query))
    assert asked["id_token_hint"] == id_token
    assert asked["post_logout_redirect_uri"] == TESTSERVER + "login/"
    # While still signed in at the provider, a new sign-in comes straight back with a code.
    start = client.get(reverse("oidc_start", kwargs={"provider": "idporten"}))
    status, location, _body = browser.request(start["Location"])
    assert location.startswith(TESTSERVER), location
    # The provider asks the browser to confirm the logout, then sends it back to our login page.
    status, _location, body = browser.request(response["Location"])
    assert status == 200
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
    assert form, body[:500]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    status, location, _body = browser.request(
        urllib.parse.urljoin(providers["idporten"].issuer, form.group(1)), {**fields, "logout": "yes"}
    )
    assert status in {302, 303} and location.startswith(TESTSERVER + "login/"), (status, location)
    # Signed out at the provider too: a new sign-in asks who it is again.
    start = client.get(reverse("oidc_start", kwargs={"provider": "idporten"}))
    status, location, _body = browser.request(start["Location"])
    assert "/interaction/" in location, location


def test_a_provider_not_answering_at_logout_still_signs_out_here(client, providers, personas, settings):
    jonas_with_his_number(personas)
    assert client.get(to_callback(client, Browser(), "idporten", account="person-jonas")).status_code == 302
    gone = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    settings.OIDC_PROVIDERS = {**providers, "idporten": dataclasses.replace(providers["idporten"], issuer=gone)}
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_user(client) is None


def test_password_login_switched_off(client, settings, providers, personas):
    kari = personas.contact_officer
    kari.set_password("a-long-demo-password-2026")
    kari.save()
    credentials = {"username": kari.username, "password": "a-long-demo-password-2026"}
    assert client.post(reverse("login"), credentials).status_code == 302  # on: the password signs in
    client.logout()
    settings.PASSWORD_LOGIN = False
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert reverse("oidc_start", kwargs={"provider": "entra"}) in page
    assert client.post(reverse("login"), credentials).status_code == 403
    assert signed_in_user(client) is None
    # No password checks out anywhere, the admin's login included.
    request = RequestFactory().post(reverse("admin:login"))
    assert authenticate(request, username=kari.username, password=credentials["password"]) is None
