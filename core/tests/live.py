"""Fixtures for tests against a real server process: browser tests and, later, concurrency tests.

``live_site`` starts gunicorn serving ``overgang.wsgi`` on a free local port with its own
fresh database (never the pytest test database, whose rows live inside a rolled-back
transaction): a temporary SQLite file, or, when the run's ``DATABASE_URL`` is PostgreSQL,
a new database ``<name>_live_<pid>`` that is dropped afterwards. The database is migrated
and loaded with the demo world (``seed_demo``), so the demo users log in with
:data:`LIVE_PASSWORD`.

``browser`` launches Debian's Chromium through Playwright's sync API (no ``playwright
install``), and ``page`` / ``new_page`` give each test fresh browser contexts that ask for
English (``Accept-Language: en``), so tests can assert on the English msgids whatever the
Norwegian translations say.

Registered as a plugin from the root ``conftest.py``.
"""

from __future__ import annotations

import os
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

from core.clock import child_environment

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
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


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
        site.manage("seed_demo")
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


@pytest.fixture
def new_page(browser, live_server_url: str) -> Iterator[Callable[..., object]]:
    """Return a function that opens a page in a fresh browser context (own cookies).

    Contexts ask for English unless given another ``language``; all close after the test.
    """
    contexts = []

    def open_page(language: str = "en"):
        context = browser.new_context(
            base_url=live_server_url,
            extra_http_headers={"Accept-Language": language},
            locale="en-GB" if language == "en" else "nb-NO",
            timezone_id="Europe/Oslo",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


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


def login(page, username: str, password: str = LIVE_PASSWORD) -> None:
    """Log in through the real login form and wait until the start page has loaded."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    if urlsplit(page.url).path.startswith("/login/"):
        raise AssertionError(f"Login as {username} failed: {page.locator('main').inner_text()}")


def logout(page) -> None:
    """Log out through the header's button."""
    with page.expect_navigation():
        page.locator("form[action='/logout/'] button[type=submit]").click()
