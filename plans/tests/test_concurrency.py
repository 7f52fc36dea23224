"""Many members edit one measure at once through the real server: no edit is ever lost.

Eight sessions (Kari, Sara and Nils, in parallel threads) each read the measure's edit
page and save it with their own token appended to the details, 30 times, against the
live gunicorn server (its own database: SQLite, or PostgreSQL in the PostgreSQL pass).
Every save either commits (302) or is refused as stale (409, with the current values).
A lost update would be a committed token missing from the final text.
"""

import html
import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from core.tests.live import LIVE_PASSWORD
from core.tests.second_factor import known_recovery_codes


class RecoveryCodes:
    """Each live user's known recovery codes (core.tests.second_factor), each given once."""

    def __init__(self) -> None:
        self.left: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    def pop(self, username: str) -> str:
        with self.lock:
            return self.left.setdefault(username, known_recovery_codes(username, LIVE_PASSWORD)).pop()


RECOVERY = RecoveryCodes()

SECOND_FACTOR = "/account/second-factor/verify/"

SESSIONS = ["kari.kontakt", "sara.sosial", "nils.nav"] * 2 + ["kari.kontakt", "nils.nav"]
EDITS_PER_SESSION = 30
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
DETAILS = re.compile(r'<textarea name="description"[^>]*>(.*?)</textarea>', re.S)

FACTS = """
import json
from plans.models import Measure
m = Measure.objects.get(case__person__first_name="Jonas", status="started")
print(json.dumps({"id": m.pk, "code": m.case.code, "title": m.title, "needs": [n.pk for n in m.needs.all()],
    "responsible_user": m.responsible_user_id, "start_date": m.start_date.isoformat(),
    "due_date": m.due_date.isoformat(), "requires_of_person": m.requires_of_person, "version": m.version}))
"""
RESULT = """
import json
from journal.models import JournalEntry
from plans.models import Measure
m = Measure.objects.get(pk={pk})
updates = JournalEntry.objects.filter(object_type="plans.measure", object_id=str(m.pk), action="measure.update")
print(json.dumps({{"version": m.version, "description": m.description, "updates": updates.count()}}))
"""


def _shell_json(live_site, code: str) -> dict:
    """Run code in the server's database with manage.py shell; its last output line is JSON."""
    return json.loads(live_site.manage("shell", "-c", code).strip().splitlines()[-1])


class Session:
    """A browser-less user session: cookies, CSRF token from each form, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        # English, chosen in this browser before signing in: the messages matched below are English,
        # and a signed-in user's language otherwise follows their agency's country.
        host = urllib.parse.urlsplit(base).hostname or ""
        jar.set_cookie(
            http.cookiejar.Cookie(
                0,
                settings.LANGUAGE_COOKIE_NAME,
                "en",
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), self._NoRedirect)
        page = self.get("/login/")[1]
        status, _ = self.post("/login/", {"username": username, "password": LIVE_PASSWORD}, page)
        assert status == 302, f"login as {username} failed"
        # Staff then give a code of the authenticator the live server gave them (core.tests.live).
        status, page = self.get(SECOND_FACTOR)
        # A recovery code each: they do not turn on the clock. The authenticator's codes are given
        # in the browser tests (core.tests.live); under CI's moved dates this test's sessions had
        # theirs refused (stop 33's note), which is left to find.
        if status == 200:
            status, page = self.post(SECOND_FACTOR, {"code": RECOVERY.pop(username)}, page)
        words = " ".join(re.sub(r"<[^>]+>", " ", page).split())[-600:]
        assert status == 302, f"the second factor of {username} failed: {words}"

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Accept-Language": "en"})  # noqa: S310 (local server)
        return self._open(request)

    def post(self, path: str, data: dict, form_page: str) -> tuple[int, str]:
        fields = {**data, "csrfmiddlewaretoken": CSRF.search(form_page).group(1)}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(  # noqa: S310 (our own local server)
            self.base + path, data=body, headers={"Accept-Language": "en", "Referer": self.base + path}
        )
        return self._open(request)


def test_concurrent_edits_of_one_measure_lose_nothing(live_site):
    facts = _shell_json(live_site, FACTS)
    path = f"/cases/{facts['code']}/plan/measures/{facts['id']}/edit/"
    fixed = {key: facts[key] for key in ("title", "needs", "responsible_user", "start_date", "due_date")}
    fixed["requires_of_person"] = facts["requires_of_person"]
    live_site.manage(
        "shell",
        "-c",
        "from core.tests.second_factor import give_known_recovery_codes; "
        f"give_known_recovery_codes({LIVE_PASSWORD!r}, {sorted(set(SESSIONS))!r})",
    )
    sessions = [Session(live_site.url, username) for username in SESSIONS]
    committed: list[str] = []
    refused: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(sessions))

    def edit(number: int, session: Session) -> None:
        start.wait()
        for attempt in range(EDITS_PER_SESSION):
            token = f"[s{number}e{attempt}]"
            status, page = session.get(path)
            if status != 200:
                with lock:
                    failures.append(f"GET {status}")
                continue
            details = html.unescape(DETAILS.search(page).group(1)).strip()
            data = {**fixed, "description": f"{details} {token}".strip(), "version": VERSION.search(page).group(1)}
            status, answer = session.post(path, data, page)
            with lock:
                if status == 302:
                    committed.append(token)
                elif status == 409 and 'id="conflict"' in answer and "Someone else changed this measure" in answer:
                    refused.append(token)
                else:
                    failures.append(f"POST {status}")

    threads = [threading.Thread(target=edit, args=(n, s)) for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    attempts = len(SESSIONS) * EDITS_PER_SESSION
    assert attempts >= 200
    assert failures == []
    assert len(committed) + len(refused) == attempts
    assert committed, "no edit committed at all"
    result = _shell_json(live_site, RESULT.format(pk=facts["id"]))
    final_tokens = set(re.findall(r"\[s\d+e\d+\]", result["description"]))
    lost = set(committed) - final_tokens
    assert lost == set(), f"{len(lost)} lost updates"
    assert final_tokens == set(committed), "a refused edit was written"
    # History rows = committed edits; the version counts them too.
    assert result["updates"] == len(committed)
    assert result["version"] == facts["version"] + len(committed)
    print(f"concurrent edits: {attempts} attempts, {len(committed)} committed, {len(refused)} refused as stale")
