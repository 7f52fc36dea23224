"""The load generator signs in as the bench's clients do, through the forms, the second factor included.

Against the live test server (core.tests.live), whose staff have authenticators with keys the
codes are computed from, as the bench's personas get them (bench/django_tasks.py personas).
"""

from urllib.parse import urlsplit

import pytest

from bench import loadgen
from core.tests.live import LIVE_CODES, LIVE_PASSWORD

pytestmark = pytest.mark.browser


def test_a_staff_persona_passes_the_second_factor_and_a_person_is_not_asked(live_site):
    loadgen.CODES[LIVE_PASSWORD] = LIVE_CODES  # one record of the codes used, with the browser tests
    base = urlsplit(live_site.url)
    for username, page in (("otto.koordinator", "/due/"), ("jonas", "/")):
        session = loadgen.Session(base.hostname, base.port)
        session.login(username, LIVE_PASSWORD)
        status, headers, _content = session.request("GET", page)
        assert status in {200, 302}, (username, status)
        assert not urlsplit(headers.get("Location", "")).path.startswith("/account/"), username
    # Without the code, the password alone is held at the second factor.
    session = loadgen.Session(base.hostname, base.port)
    session.login("otto.koordinator", LIVE_PASSWORD, second_factor=False)
    status, headers, _content = session.request("GET", "/due/")
    assert status == 302 and urlsplit(headers["Location"]).path == loadgen.SECOND_FACTOR
