"""Security basics: production settings, headers, health check, login throttling, sessions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.db import DatabaseError
from django.urls import reverse

from accounts.models import Role, User

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 20 + "-production-secret-for-the-settings-test-only-" + "y" * 10
GOOD_ID_KEY = "identity-number-key-for-the-settings-test-only"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Production refuses a moved clock (OVERGANG_TODAY), so these checks run on the real one.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OVERGANG_TODAY", "OVERGANG_ID_KEY"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("DJANGO_SECRET_KEY", {"DJANGO_ALLOWED_HOSTS": "overgang.example", "OVERGANG_ID_KEY": GOOD_ID_KEY}),
        ("DJANGO_ALLOWED_HOSTS", {"DJANGO_SECRET_KEY": GOOD_SECRET, "OVERGANG_ID_KEY": GOOD_ID_KEY}),
        ("OVERGANG_ID_KEY", {"DJANGO_SECRET_KEY": GOOD_SECRET, "DJANGO_ALLOWED_HOSTS": "overgang.example"}),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(missing, env):
    result = run_manage("check", OVERGANG_ENV="production", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run_manage("check", OVERGANG_ENV="production", DJANGO_SECRET_KEY="short", DJANGO_ALLOWED_HOSTS="a.example")
    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_deploy_check_with_production_settings_has_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OVERGANG_ENV="production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="overgang.example",
        OVERGANG_ID_KEY=GOOD_ID_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher().algorithm == "argon2"


@pytest.mark.django_db
def test_case_pages_carry_no_store_and_security_headers(client, personas, case):
    client.force_login(personas.contact_officer)
    response = client.get(reverse("cases:overview", kwargs={"code": case.code}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_healthz_reports_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    from core import views

    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("down")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


@pytest.fixture
def account(db):
    user = User.objects.create(username="locktest", role=Role.NAV)
    user.set_password("the-right-password-42")
    user.save()
    return user


def attempt(client, username: str, password: str, ip: str = "10.9.8.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_wrong_passwords_lock_the_account_and_refuse_the_right_one(client, account):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "locktest", "wrong")
    locked = attempt(client, "locktest", "the-right-password-42")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="locktest").exists()


def test_login_rotates_the_session_id_and_logout_kills_it(client, account):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    assert attempt(client, "locktest", "the-right-password-42").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = after
    assert client.get(reverse("cases:caseload")).status_code == 302


@pytest.mark.django_db
def test_deactivated_user_loses_access_at_once(client, personas, case):
    client.force_login(personas.nav_with_consent)
    url = reverse("cases:overview", kwargs={"code": case.code})
    assert client.get(url).status_code == 200
    User.objects.filter(pk=personas.nav_with_consent.pk).update(is_active=False)
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_session_past_the_absolute_limit_is_ended(client, personas, case, settings):
    from core.middleware import SessionLimitsMiddleware

    client.force_login(personas.contact_officer)
    session = client.session
    session[SessionLimitsMiddleware.KEY] = 1.0  # logged in at the epoch: long ago
    session.save()
    response = client.get(reverse("cases:overview", kwargs={"code": case.code}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_server_error_shows_a_reference_and_no_trace(client, personas, monkeypatch):
    from cases import views

    def explode(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(views.selectors, "caseload_for", explode)
    client.raise_request_exception = False
    client.force_login(personas.contact_officer)
    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Referanse" in body
    assert "SELECT" not in body and "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.django_db
def test_default_language_is_norwegian_and_english_can_be_chosen(client):
    norwegian = client.get(reverse("login"))
    assert '<html lang="nb"' in norwegian.content.decode()
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in english.content.decode()
    client.post(reverse("set_language"), {"language": "da", "next": "/login/"})
    assert '<html lang="da"' in client.get(reverse("login")).content.decode()
