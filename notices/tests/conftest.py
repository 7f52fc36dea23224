"""A real HTTP endpoint on 127.0.0.1 for the notice tests, and the agencies that subscribe.

The endpoint is the standard library's ``http.server`` in a thread. It checks each
request's HMAC signature with the shared secret, answers the statuses a test scripts
(then 200), and keeps every request it got.
"""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from accounts.models import Agency, AgencyKind, User
from cases.models import Case
from notices.models import Channel, Subscription
from notices.services import SIGNATURE_HEADER, TIMESTAMP_HEADER, subscription_save
from timetable.tests.conftest import smtp_settings, smtp_sink  # noqa: F401  (a real aiosmtpd server)

SECRET = "s3cret-shared-with-nav-bergenhus-0123456789"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Endpoint:
    url: str = ""
    secret: str = SECRET
    #: The statuses to answer, in turn; 200 once they are used up.
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: Received) -> int:
        with self.lock:
            self.received.append(request)
            if not request.signed:
                return 401
            return self.script.pop(0) if self.script else 200

    def keys(self) -> list[str]:
        with self.lock:
            return [request.headers.get("Idempotency-Key", "") for request in self.received]


def signed(secret: str, headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return bool(timestamp) and hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, ""))


def serve(endpoint: Endpoint) -> Iterator[Endpoint]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = dict(self.headers.items())
            status = endpoint.answer(Received(self.path, headers, body, signed(endpoint.secret, headers, body)))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/overgang/notices"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """A running HTTPS-style endpoint on 127.0.0.1 that checks the signature; ``.script`` sets its answers."""
    yield from serve(Endpoint())


@pytest.fixture
def admin_user(personas) -> User:
    return personas.admin


@pytest.fixture
def nav(db) -> Agency:
    """NAV Bergenhus: the NAV office of Jonas's home municipality (Bergen)."""
    return Agency.objects.get(kind=AgencyKind.NAV, municipality="Bergen")


@pytest.fixture
def municipality(db) -> Agency:
    return Agency.objects.get(kind=AgencyKind.MUNICIPALITY, municipality="Bergen")


def subscribe(agency: Agency, by: User, *, url: str = "", email: str = "", secret: str = SECRET) -> Subscription:
    channel = Channel.EMAIL if email else Channel.HTTPS
    return subscription_save(
        actor=by,
        subscription=Subscription(
            agency=agency, channel=channel, url=url, email=email, signing_secret=secret if url else ""
        ),
    )


@pytest.fixture
def jonas(case) -> Case:
    return case
