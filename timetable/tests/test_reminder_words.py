"""Reminder e-mails say the date in words, in the recipient's language (issue 17, points 5 and 7)."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import Country, User
from cases.models import Case
from timetable.services import reminders_send

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def bodies(sink) -> dict[str, str]:
    return {m["To"]: m.get_payload(decode=True).decode() + m["Subject"] for m in sink.messages}


def test_norwegian_reminders_write_the_date_as_norwegian_does(smtp_settings, personas):
    reminders_send()
    # The demo world has Danish officers too (Copenhagen's Exit programme): they are reminded in Danish, below.
    norwegian = {user.email for user in User.objects.filter(agency__country=Country.NORWAY).exclude(email="")}
    texts = [text for to, text in bodies(smtp_settings).items() if to in norwegian]
    assert texts
    for text in texts:
        assert not ISO_DATE.search(text), text
    months = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
    assert all(re.search(rf"\d{{1,2}}\. (?:{months}) \d{{4}}", text) for text in texts), texts


def test_a_danish_prisons_officer_is_reminded_in_danish(smtp_settings, denmark):
    officer = denmark.contact_officer
    officer.email = "mette@example.dk"
    officer.save(update_fields=["email"])
    # The action plan is due 4 weeks after intake: tomorrow, so the reminder before it goes out today.
    intake = timezone.localdate() - datetime.timedelta(weeks=4) + datetime.timedelta(days=1)
    Case.objects.filter(pk=denmark.case.pk).update(intake_date=intake)
    reminders_send()
    text = bodies(smtp_settings)["mette@example.dk"]
    assert "Indsættelsessamtale og handleplan" in text
    assert not ISO_DATE.search(text)
    due = intake + datetime.timedelta(weeks=4)
    danish_months = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert f"{due.day}. {danish_months[due.month - 1]} {due.year}" in text
