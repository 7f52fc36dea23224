"""Print my plan (issue 18, point 4): a PDF with the fonts embedded that holds the plan's measures
and dates, read back as a person would (pdftotext), and nothing written only for the staff."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases.models import Case
from core.audience import Audience
from meetings.models import Meeting
from meetings.services import minutes_record
from needs.models import Need
from needs.services import conversation_record
from plans.models import Measure
from plans.services import delivery_note_add
from threads.services import message_post

pytestmark = pytest.mark.django_db

CANARY = "KANARI-{}-kun-for-ansatte"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(text.split())  # lines wrap where the page ends them: read it as running text


def pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [shutil.which("pdffonts") or "pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def plan_url(case, language: str) -> str:
    return reverse("personpages:plan_pdf", kwargs={"code": case.code}) + f"?language={language}"


@pytest.fixture
def canaries(case, personas):
    """Text of the staff's own work in the places they write it: the case's unit (shown only to staff),
    the needs conversation's note, a delivery note, minutes kept for the prison staff, a message.
    None of it is the plan, and none of it may reach the paper."""
    officer = personas.contact_officer
    Case.objects.filter(pk=case.pk).update(unit=CANARY.format("enhet"))
    conversation_record(actor=officer, case=case, held_on=timezone.localdate(), note=CANARY.format("samtale"))
    measure = Measure.objects.filter(case=case, status="started").first()
    assert measure is not None
    delivery_note_add(actor=personas.nav_with_consent, measure=measure, text=CANARY.format("leveranse"))
    message_post(actor=officer, case=case, body=CANARY.format("melding"), audience=Audience.STAFF)
    meeting = Meeting.objects.filter(case=case).first()
    assert meeting is not None
    minutes_record(
        actor=officer,
        meeting=meeting,
        minutes=CANARY.format("referat"),
        audience=Audience.STAFF,
        person_attended=True,
        version=meeting.version,
    )
    return ["enhet", "samtale", "leveranse", "melding", "referat"]


@pytest.mark.parametrize("language, heading", [("nb", "Planen min"), ("da", "Min plan"), ("en", "My plan")])
def test_the_person_prints_the_plan_with_measures_dates_and_embedded_fonts(
    client_for, case, personas, tmp_path, language, heading, canaries
):
    response = client_for(personas.person).get(plan_url(case, language))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert heading in text
    with translation.override(language):
        for measure in Measure.objects.filter(case=case, status__in=["chosen", "started"]):
            assert measure.title in text
            assert date_format(measure.due_date, "j. F Y") in text
        assert date_format(timezone.localdate(), "j. F Y") in text  # printed on
    assert "Du har ikke sonet lenge nok" in text  # the refused leave's reason
    for canary in canaries:
        assert CANARY.format(canary) not in text
    fonts = pdf_fonts(response.content, tmp_path)
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column: every font embedded


def test_staff_print_it_for_the_person_without_what_they_may_not_see(client_for, case, personas, tmp_path):
    private = Need.objects.get(case=case, private=True)
    words = private.own_words or private.summary
    person_text = pdf_text(client_for(personas.person).get(plan_url(case, "nb")).content, tmp_path)
    assert words[:30] in person_text
    # The social worker does not see the private need: nor does the paper they print.
    social_text = pdf_text(client_for(personas.social_worker).get(plan_url(case, "nb")).content, tmp_path)
    assert "Planen min" in social_text and words[:30] not in social_text
    for user in (personas.nav_with_consent, personas.volunteer):
        assert client_for(user).get(plan_url(case, "nb")).status_code == 403
