"""Sessions: the idle limit slides without a database write on every request."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.middleware import SessionLimitsMiddleware

pytestmark = pytest.mark.django_db


def session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(
        1 for query in captured.captured_queries if "django_session" in query["sql"] and "UPDATE" in query["sql"]
    )


def test_signing_in_records_when_the_session_began(client, personas):
    before = timezone.now().timestamp()
    client.force_login(personas.contact_officer)
    assert client.session[SessionLimitsMiddleware.KEY] >= before
    assert client.session[SessionLimitsMiddleware.REFRESHED] >= before


def test_requests_soon_after_one_another_do_not_write_the_session(client, personas, case):
    client.force_login(personas.contact_officer)
    url = reverse("cases:overview", kwargs={"code": case.code})
    assert [session_writes(client, url) for _ in range(3)] == [0, 0, 0]


def test_the_idle_expiry_moves_on_once_the_last_save_is_a_refresh_period_old(client, personas, case):
    client.force_login(personas.contact_officer)
    session = client.session
    session[SessionLimitsMiddleware.REFRESHED] = timezone.now().timestamp() - settings.SESSION_REFRESH_SECONDS - 1
    session.save()
    expiry_before = Session.objects.get(session_key=session.session_key).expire_date
    url = reverse("cases:overview", kwargs={"code": case.code})
    time.sleep(0.01)
    assert session_writes(client, url) == 1
    assert Session.objects.get(session_key=session.session_key).expire_date > expiry_before
    assert session_writes(client, url) == 0


def test_the_users_agency_comes_with_the_user(client, personas, django_assert_num_queries):
    client.force_login(personas.contact_officer)
    response = client.get(reverse("cases:caseload"))
    with django_assert_num_queries(0):
        assert response.wsgi_request.user.agency.name == personas.contact_officer.agency.name


def test_sessions_are_stored_by_an_engine_django_ships():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
