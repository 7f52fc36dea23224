"""A refusal (403) logs one line; a server error keeps its traceback."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_refusal_logs_one_line_without_a_traceback(client, personas, case, caplog):
    client.force_login(personas.nav_with_consent)  # sees the case, may not add members: 403
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(reverse("cases:member_add", kwargs={"code": case.code}))
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.status_code == 403
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert len(caplog.text.strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback(client, personas, monkeypatch, caplog):
    from cases import views

    def explode(*args, **kwargs):
        raise RuntimeError("the real error")

    monkeypatch.setattr(views.selectors, "caseload_for", explode)
    client.raise_request_exception = False
    client.force_login(personas.contact_officer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("cases:caseload"))
    assert response.status_code == 500
    [record] = [record for record in request_records(caplog) if record.status_code == 500]
    assert record.exc_info is not None
    assert "Traceback" in caplog.text and "RuntimeError: the real error" in caplog.text
