"""Codes of the authenticators the browser tests' and the bench's staff are given (``core.tests.second_factor``).

No Django here beyond django-otp's RFC 6238 arithmetic: the bench's load generator imports it.
``Codes`` hands out codes the server will take, never the same time step twice for a user
(django-otp refuses a code of a step at or below the last it took).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from django_otp.oath import TOTP

#: The authenticator's step and digits (django-otp's defaults, RFC 6238's).
STEP = 30
DIGITS = 6
#: How long a code may take from here to the server's check, at most, when the step before is given.
MARGIN_SECONDS = 10


def known_key(username: str, secret: str) -> str:
    """The authenticator key (40 hex digits) of a test or bench user: derived from a secret of the run."""
    return hashlib.sha256(f"overgang-authenticator:{secret}:{username}".encode()).hexdigest()[:40]


def code_at(key: str, step: int) -> str:
    """The code of an authenticator key for a time step (``int(unix time) // 30``)."""
    totp = TOTP(bytes.fromhex(key), step=STEP, digits=DIGITS)
    totp.time = step * STEP
    return f"{totp.token():0{DIGITS}d}"


class Codes:
    """Codes for one run's users that the server takes: each time step at most once per user.

    The server takes a code of its own step or the one either side, above the last it took.
    The step before, this one and the next are offered in turn; after them, the next step is
    waited for (at most 30 seconds, for a user signed in four times within one step).
    """

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        self.secret = secret
        self.clock = clock  # UNIX seconds on the server's clock (which a test run may have moved)
        self.used: dict[str, int] = {}
        #: Keys learnt otherwise than from the run's secret (a user who set up their own on the page).
        self.keys: dict[str, str] = {}
        self.lock = threading.Lock()

    def key(self, username: str) -> str:
        return self.keys.get(username) or known_key(username, self.secret)

    def next_code(self, username: str) -> str:
        with self.lock:
            while True:
                moment = self.clock()
                now = int(moment) // STEP
                # The step before is taken while the server is surely still in this step (it may
                # read its clock a few seconds after ours); the next one always.
                lowest = now - 1 if moment - now * STEP < STEP - MARGIN_SECONDS else now
                step = max(lowest, self.used.get(username, 0) + 1)
                if step <= now + 1:
                    self.used[username] = step
                    return code_at(self.key(username), step)
                time.sleep(max(0.05, (now + 1) * STEP - self.clock()))
