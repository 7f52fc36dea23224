"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): mail goes through Django's SMTP backend."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest


@dataclass
class Sink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def keys(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(m["To"], m["Subject"]) for m in self.messages]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """Start an SMTP server on a free local port; yields the sink that collects the messages."""
    from aiosmtpd.controller import Controller

    sink = Sink(host="127.0.0.1", port=_free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    """Send Django's mail through the local SMTP sink, not the test outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    return smtp_sink


class SmtpServer:
    """A local SMTP server that a test can stop ("SMTP is down") and start again on the same port."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname=self.sink.host, port=self.sink.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server on 127.0.0.1 that Django's SMTP backend sends to; ``.stop()`` takes it down."""
    server = SmtpServer(Sink(host="127.0.0.1", port=_free_port()))
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.sink.host
    settings.EMAIL_PORT = server.sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()
