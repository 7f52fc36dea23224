"""Fixtures for tests against a real server process: browser tests and, later, concurrency tests.

``live_site`` starts gunicorn serving ``overgang.wsgi`` on a free local port with its own
fresh database (never the pytest test database, whose rows live inside a rolled-back
transaction): a temporary SQLite file, or, when the run's ``DATABASE_URL`` is PostgreSQL,
a new database ``<name>_live_<pid>`` that is dropped afterwards. The database is migrated
and loaded with the demo world (``seed_demo``), so the demo users log in with
:data:`LIVE_PASSWORD`.

``browser`` launches Debian's Chromium through Playwright's sync API (no ``playwright
install``), and ``page`` / ``new_page`` give each test fresh browser contexts that ask for
English (``Accept-Language: en``, and the language menu's cookie, which a signed-in user's
language obeys over their agency's country), so tests can assert on the English msgids
whatever the Norwegian translations say.

Registered as a plugin from the root ``conftest.py``.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from core.clock import child_environment
from core.scratch_database import drop_database
from core.tests.totp_codes import Codes

BASE_DIR = Path(__file__).resolve().parents[2]
LIVE_PASSWORD = "live-browser-test-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The live server's staff get authenticators with keys derived from LIVE_PASSWORD (core.tests.second_factor).
GIVE_AUTHENTICATORS = (
    f"from core.tests.second_factor import give_known_authenticators; give_known_authenticators({LIVE_PASSWORD!r})"
)
STARTUP_SECONDS = 30
LOG_TAIL_CHARS = 6000
#: Static files every page needs; the harness refuses to run if one of them does not load.
STYLESHEETS = [
    "/static/vendor/designsystemet/theme/designsystemet.css",
    "/static/vendor/designsystemet/src/index.css",
    "/static/css/overgang.css",
    "/static/vendor/htmx/htmx.min.js",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> int:
    """Return the status of a GET, 0 if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own local server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


class _Database:
    """A fresh database for the server process, created now and removed at teardown."""

    def __init__(self, run_database_url: str, workdir: Path) -> None:
        self.postgres = run_database_url.startswith(("postgres://", "postgresql://", "pgsql://"))
        if self.postgres:
            parts = urlsplit(run_database_url)
            base_name = parts.path.lstrip("/") or "overgang"
            suffix = f"_live_{os.getpid()}"
            self.name = base_name[: 63 - len(suffix)] + suffix  # PostgreSQL names have at most 63 bytes
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.name = str(workdir / "live.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def _execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                drop_database(connection, self.name)


@dataclass
class LiveSite:
    """A running Overgang server with its own database."""

    url: str
    database_url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database; return its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=on_this_clock(self.env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def on_this_clock(env: dict[str, str]) -> dict[str, str]:
    """The environment for a process that must live on this run's (moved) clock, from this moment on.

    With OVERGANG_TODAY set, a process started later must not start at the day's first
    moment again, nor at the moment it was started, since starting takes seconds: it lives
    at this process's moment plus the machine's time since, so the server's workers, the
    management commands and the test agree on what happened before what.
    """
    return {**env, **child_environment()}


def _server_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "overgang.settings",
            "DATABASE_URL": database_url,
            "OVERGANG_ENV": "test",
            "OVERGANG_DEMO_PASSWORD": LIVE_PASSWORD,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _gunicorn() -> str:
    candidate = Path(sys.executable).with_name("gunicorn")
    return str(candidate) if candidate.exists() else shutil.which("gunicorn") or "gunicorn"


@pytest.fixture(scope="session")
def live_site() -> Iterator[LiveSite]:
    """Start gunicorn with a fresh, migrated, demo-seeded database; stop it at the end."""
    workdir = Path(tempfile.mkdtemp(prefix="overgang-live-"))
    database = _Database(os.environ.get("DATABASE_URL", ""), workdir)
    port = _free_port()
    site = LiveSite(
        url=f"http://127.0.0.1:{port}",
        database_url=database.url,
        env=_server_env(database.url),
        log_path=workdir / "server.log",
    )
    try:
        site.manage("migrate", "--noinput")
        # The personas' world alone: the generated history of `make run` (issue 22) would slow every
        # session's server and change the counts the browser tests read.
        site.manage("seed_demo", "--history", "0")
        # The demo's staff set up their own authenticator at their first sign-in; the browser
        # tests' staff get one whose key the tests know (``login`` gives its codes).
        site.manage("shell", "-c", GIVE_AUTHENTICATORS)
        with site.log_path.open("wb") as log:
            site.process = subprocess.Popen(
                [
                    _gunicorn(),
                    "overgang.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "--no-control-socket",  # the default socket path is shared by every gunicorn on the machine
                ],
                cwd=BASE_DIR,
                env=on_this_clock(site.env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while _get(f"{site.url}/healthz", timeout=1) != 200:
            if site.process.poll() is not None:
                raise RuntimeError(f"The live server exited with {site.process.returncode}:\n{site.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"The live server did not answer /healthz in {STARTUP_SECONDS} s:\n{site.log()}")
            time.sleep(0.1)
        for path in STYLESHEETS:
            status = _get(site.url + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: static files are not served.\n{site.log()}")
        yield site
    finally:
        if site.process is not None:
            site.process.terminate()
            try:
                site.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                site.process.kill()
                site.process.wait(timeout=5)
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server_url(live_site: LiveSite) -> str:
    """The base address of the running server, e.g. ``http://127.0.0.1:41234``."""
    return live_site.url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: axe-core from npm (package.json's devDependencies), injected into the page under test; never from a CDN.
AXE_SOURCE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules; any violation of one fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: The narrowest phone a page must fit without sideways scrolling.
PHONE_WIDTH = 360
PHONE_HEIGHT = 740
#: Told by the page (an init script) after htmx has swapped new content in.
SWAP_SIGNAL = "overgang-check:swapped "
#: htmx announces each settled swap; the harness checks the page again before the test's next step.
INIT_SCRIPT = f"""
document.addEventListener("htmx:afterSettle", (event) => {{
  const target = event.detail && event.detail.target;
  console.debug("{SWAP_SIGNAL}" + ((target && target.id) || "page"));
}});
"""
#: Chromium's line for a response with an error status: the harness judges responses itself (below).
RESOURCE_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")


def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise RuntimeError(f"{AXE_SOURCE} is missing: run `npm ci` (axe-core is a devDependency in package.json).")
    return AXE_SOURCE.read_text()


def check_page(page) -> list[str]:
    """Return what is wrong with the page as it is shown now: axe's WCAG 2.1 A/AA violations and overflow at 360 px.

    The page is laid out at :data:`PHONE_WIDTH` once, its document must not be wider than that
    (no sideways scrolling on a phone), and then restored to the size it had. axe-core runs on
    the whole document at the test's own size.
    """
    page.wait_for_load_state("load")
    where = urlsplit(page.url).path
    problems = []
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    try:
        overflow = page.evaluate(
            """(limit) => {
                const width = document.documentElement.scrollWidth;
                if (width <= limit) return null;
                const sticksOut = (element) => element.getBoundingClientRect().right > limit + 1;
                const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
                  + (typeof element.className === "string" && element.className.trim()
                     ? "." + element.className.trim().split(/\\s+/).join(".") : "")
                  + " (" + Math.round(element.getBoundingClientRect().right) + " px)";
                const wide = [...document.body.querySelectorAll("*")]
                  .filter((element) => sticksOut(element) && ![...element.children].some(sticksOut))
                  .slice(0, 5)
                  .map(name);
                return {width, wide};
            }""",
            PHONE_WIDTH,
        )
    finally:
        page.set_viewport_size(size)
    if overflow:
        problems.append(
            f"{where} is {overflow['width']} px wide at {PHONE_WIDTH} px (sideways scrolling); "
            f"widest: {', '.join(overflow['wide'])}"
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    violations = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then((results) => results.violations.map((violation) => ({
                id: violation.id, impact: violation.impact, help: violation.help,
                nodes: violation.nodes.slice(0, 3)
                  .map((node) => node.target.join(" ") + ": " + node.html.slice(0, 160)),
            })))""",
        AXE_TAGS,
    )
    for violation in violations:
        problems.append(
            f"{where}: axe {violation['id']} ({violation['impact']}): {violation['help']}\n    "
            + "\n    ".join(violation["nodes"])
        )
    return problems


class CheckedPage:
    """A Playwright page that checks every document and every htmx swap it shows.

    After a page has loaded, or htmx has settled new content in it, the next use of the page
    by the test first runs :func:`check_page` on it (once per address and swapped region, for
    this browser context, i.e. this persona). Console errors, uncaught exceptions, any 5xx
    response and any failed static file are collected too; ``new_page`` fails the test at
    teardown if anything was found. Everything else is the real page's.
    """

    def __init__(self, page) -> None:
        self._page = page
        self._pending: list[str] = []
        self._checked: set[tuple[str, str]] = set()
        self.problems: list[str] = []
        page.on("load", lambda _page: self._pending.append("page"))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error on {self._where()}: {error}"))
        page.on("response", self._on_response)

    def _where(self) -> str:
        return urlsplit(self._page.url).path

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "debug" and text.startswith(SWAP_SIGNAL):
            self._pending.append(text.removeprefix(SWAP_SIGNAL))
        elif message.type == "error":
            status = RESOURCE_STATUS.match(text)
            if status and int(status.group(1)) < 500:
                return  # a refusal (400, 403, 404, 409) the test asked for; static files and 5xx: below
            self.problems.append(f"console error on {self._where()}: {text}")

    def _on_response(self, response) -> None:
        path = urlsplit(response.url).path
        if response.status >= 500 or (response.status >= 400 and path.startswith("/static/")):
            self.problems.append(f"{response.status} for {response.request.method} {path}")

    def check(self) -> None:
        """Check the page now if it has shown something new since the last check."""
        pending, self._pending = self._pending, []
        if self._page.is_closed() or not self._page.url.startswith("http"):
            return
        keys = {(self._where(), region) for region in pending} - self._checked
        if keys:
            self._checked |= keys
            self.problems.extend(check_page(self._page))

    def __getattr__(self, name: str):
        if self._pending:
            self.check()
        return getattr(self._page, name)


@pytest.fixture
def new_page(browser, live_server_url: str) -> Iterator[Callable[..., CheckedPage]]:
    """Return a function that opens a checked page in a fresh browser context (own cookies).

    Contexts ask for English unless given another ``language``; all close after the test,
    which then fails if any page found an axe violation, overflow at 360 px or a console error.
    """
    contexts = []
    pages: list[CheckedPage] = []

    def open_page(language: str = "en") -> CheckedPage:
        context = browser.new_context(
            base_url=live_server_url,
            extra_http_headers={"Accept-Language": language},
            locale="en-GB" if language == "en" else "nb-NO",
            timezone_id="Europe/Oslo",
            viewport={"width": 1280, "height": 900},
        )
        # The language menu's choice: a signed-in user reads their country's language otherwise.
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server_url}])
        context.set_default_timeout(10_000)
        context.add_init_script(INIT_SCRIPT)
        contexts.append(context)
        checked = CheckedPage(context.new_page())
        pages.append(checked)
        return checked

    yield open_page
    problems = []
    for checked in pages:
        checked.check()
        problems.extend(checked.problems)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("The pages the test visited have problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context for this test."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the tail of the server's log to a failing test that used the live server."""
    report = yield
    site = getattr(item, "funcargs", {}).get("live_site")
    if report.failed and isinstance(site, LiveSite):
        report.sections.append(("live server log (tail)", site.log()[-LOG_TAIL_CHARS:]))
    return report


def server_clock() -> float:
    """The live server's clock in UNIX seconds: this run's (moved, with OVERGANG_TODAY) clock."""
    from django.utils import timezone

    return timezone.now().timestamp()


#: The codes of the live server's staff authenticators, each time step once per user (django-otp's rule).
LIVE_CODES = Codes(LIVE_PASSWORD, server_clock)


def login(page, username: str, password: str = LIVE_PASSWORD) -> None:
    """Log in through the real login form, and staff through the second factor, and wait for the start page.

    Staff give a code of the authenticator the live server gave them (``GIVE_AUTHENTICATORS``);
    one without an authenticator sets it up on the page, from the key it shows in letters.
    """
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    if urlsplit(page.url).path.startswith("/login/"):
        raise AssertionError(f"Login as {username} failed: {page.locator('main').inner_text()}")
    if urlsplit(page.url).path.startswith("/account/second-factor/enrol/"):
        secret = page.locator("#secret-key").inner_text().replace(" ", "")
        LIVE_CODES.keys[username] = base64.b32decode(secret).hex()
        page.locator("#id_code").fill(LIVE_CODES.next_code(username))
        with page.expect_navigation():
            page.locator("#id_code").press("Enter")
        with page.expect_navigation():
            page.get_by_role("link", name="Continue").click()
    else:
        # A code the server's clock has just left behind is refused, as a person's would be, and
        # they type the next one (each try after a wrong code waits a little: django-otp's throttle).
        for attempt in range(3):
            if not urlsplit(page.url).path.startswith("/account/second-factor/verify/"):
                break
            if attempt:
                time.sleep(2**attempt)
            page.locator("#id_code").fill(LIVE_CODES.next_code(username))
            with page.expect_navigation():
                page.locator("#id_code").press("Enter")
    if urlsplit(page.url).path.startswith("/account/second-factor/"):
        raise AssertionError(f"The second factor of {username} failed: {page.locator('main').inner_text()}")


def logout(page) -> None:
    """Log out through the header's button."""
    with page.expect_navigation():
        page.locator("form[action='/logout/'] button[type=submit]").click()
