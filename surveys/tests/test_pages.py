"""The surveys' pages: the person answers on their own case only; staff their quarter; prison staff
type in paper; the figures show counts only, "fewer than 5" below 5, and no page gives one answer."""

import datetime
import re
import shutil
import subprocess
import uuid

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from access.tests.test_url_walk import all_patterns
from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
from cases.models import Case
from core.readability import lix, visible_text
from insight.registry import Count, Period, indicator, indicators
from insight.scopes import Scope
from surveys.models import Participation, Response, ResponseAnswer, ResponseScope, StaffParticipation
from surveys.selectors import due_moment
from surveys.services import paper_answer_enter

pytestmark = pytest.mark.django_db

ANSWERS = {"knows_next": "yes", "heard": "partly", "help": "no", "satisfied": "yes"}
#: A day inside the figures' window (the four quarters before 12 May 2027: 1 April 2026 - 31 March 2027).
IN_WINDOW = datetime.datetime(2027, 2, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def plan_due(case):
    Case.objects.filter(pk=case.pk).update(expected_release=timezone.localdate() + datetime.timedelta(days=365))
    case.refresh_from_db()
    assert due_moment(case) == "plan"
    return case


@pytest.fixture
def officer(db):
    """A contact officer of a prison of its own, so the figures count only what a test types in."""
    prison = Agency.objects.create(
        name="Prøvefengsel",
        kind=AgencyKind.PRISON,
        country=Country.NORWAY,
        municipality="Prøve",
        security_level=SecurityLevel.LOW,
    )
    return User.objects.create(username="tina.test", role=Role.CONTACT_OFFICER, agency=prison)


@pytest.fixture
def tove(db):
    return User.objects.get(username="tove.koordinator")


def paper(user, count: int, answers: dict[str, str] | None = None, moment: str = "plan") -> None:
    with time_machine.travel(IN_WINDOW, tick=False):
        for _ in range(count):
            paper_answer_enter(actor=user, moment=moment, unit="", answers=answers or ANSWERS)


# ---------------------------------------------------------------------------------------
# The person


def test_the_persons_page_raises_the_questions_when_a_moment_has_come(client_for, personas, plan_due, english):
    client = client_for(personas.person)
    overview = client.get(reverse("cases:overview", args=[plan_due.code])).content.decode()
    link = reverse("surveys:answer", args=[plan_due.code])
    assert "A few questions" in overview and link in overview
    page = client.get(link).content.decode()
    assert 'id="survey-form"' in page and "Do you know what happens next for you?" in page
    response = client.post(link, {**ANSWERS, "send": ""})
    assert response.status_code == 302
    assert Participation.objects.get(case=plan_due).outcome == "answered"
    assert 'id="survey-form"' not in client.get(link).content.decode()
    assert link not in client.get(reverse("cases:overview", args=[plan_due.code])).content.decode()


def test_no_questions_before_the_plan_is_made(client_for, personas, case, english):
    from plans.models import PlanVersion

    PlanVersion.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(expected_release=timezone.localdate() + datetime.timedelta(days=365))
    client = client_for(personas.person)
    assert "survey-due" not in client.get(reverse("cases:overview", args=[case.code])).content.decode()
    page = client.get(reverse("surveys:answer", args=[case.code])).content.decode()
    assert "There are no questions for you now." in page
    client.post(reverse("surveys:answer", args=[case.code]), ANSWERS)
    assert not Participation.objects.exists() and not Response.objects.filter(kind="person", channel="phone").exists()


def test_no_thanks_is_heard(client_for, personas, plan_due):
    client = client_for(personas.person)
    response = client.post(reverse("surveys:answer", args=[plan_due.code]), {"no_thanks": ""})
    assert response.status_code == 302
    assert Participation.objects.get(case=plan_due).outcome == "declined"
    assert not Response.objects.filter(kind="person", channel="phone").exists()


def test_an_empty_answer_is_refused_with_words_not_an_error(client_for, personas, plan_due, english):
    client = client_for(personas.person)
    response = client.post(reverse("surveys:answer", args=[plan_due.code]), {"send": ""})
    assert response.status_code == 400
    assert "Answer at least one question" in response.content.decode()
    assert not Participation.objects.exists()


def test_answering_twice_through_the_page_stores_one_answer(client_for, personas, plan_due):
    client = client_for(personas.person)
    url = reverse("surveys:answer", args=[plan_due.code])
    client.post(url, {**ANSWERS, "send": ""})
    client.post(url, {"heard": "no", "send": ""})
    mine = Response.objects.filter(kind="person", channel="phone")
    assert mine.count() == 1 and ResponseAnswer.objects.filter(response__in=mine).count() == len(ANSWERS)


def test_a_person_answering_on_another_case_gets_404_and_nothing_is_stored(client_for, personas, plan_due, other_case):
    Case.objects.filter(pk=other_case.pk).update(expected_release=timezone.localdate() + datetime.timedelta(days=9))
    client = client_for(personas.person)
    theirs = client.post(reverse("surveys:answer", args=[other_case.code]), {**ANSWERS, "send": ""})
    missing = client.post(reverse("surveys:answer", args=["nosuchcase234"]), {**ANSWERS, "send": ""})
    assert theirs.status_code == missing.status_code == 404
    assert not Participation.objects.exists() and not Response.objects.filter(kind="person", channel="phone").exists()


@pytest.mark.parametrize("who", ["contact_officer", "social_worker", "nav_with_consent", "volunteer"])
def test_staff_cannot_answer_for_the_person(client_for, personas, plan_due, who):
    client = client_for(getattr(personas, who))
    response = client.post(reverse("surveys:answer", args=[plan_due.code]), {**ANSWERS, "send": ""})
    assert response.status_code == 403
    assert not Participation.objects.exists() and not Response.objects.filter(kind="person", channel="phone").exists()


@pytest.mark.parametrize("language", ["nb", "da"])
def test_the_questions_read_plainly(client_for, personas, plan_due, language):
    client = client_for(personas.person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("surveys:answer", args=[plan_due.code])).content.decode()
    assert 'id="survey-form"' in page
    score, words = lix(visible_text(page))
    assert words > 50
    assert score <= 33, score


# ---------------------------------------------------------------------------------------
# Staff and paper


def test_staff_answer_their_quarter_on_the_page(client_for, personas, english):
    url = reverse("surveys:staff")
    with time_machine.travel(IN_WINDOW, tick=False):
        client = client_for(personas.municipal_without_consent)
        assert 'id="staff-survey-form"' in client.get(url).content.decode()
        answers = {"informed": "no", "cooperation": "partly", "handover": "no", "satisfied": "partly"}
        assert client.post(url, answers).status_code == 302
        assert "You have answered this quarter" in client.get(url).content.decode()
        client.post(url, answers)
    agency = str(personas.municipal_without_consent.agency_id)
    theirs = Response.objects.filter(kind="staff", scopes__kind="agency", scopes__key=agency)
    assert StaffParticipation.objects.count() == 1 and theirs.count() == 1


def test_prison_staff_type_in_a_paper_form(client_for, personas, english):
    client = client_for(personas.contact_officer)
    before = Response.objects.filter(channel="paper").count()
    response = client.post(reverse("surveys:paper"), {"moment": "release", "unit": "", **ANSWERS})
    assert response.status_code == 302
    assert Response.objects.filter(channel="paper").count() == before + 1
    assert client.post(reverse("surveys:paper"), {"moment": "", **ANSWERS}).status_code == 400


def test_the_paper_form_prints_the_questions_and_asks_for_no_name(client_for, personas, tmp_path):
    client = client_for(personas.contact_officer)
    response = client.get(reverse("surveys:paper_pdf") + "?language=en")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "questions.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(text.split())
    assert "Do you know what happens next for you?" in text and "Do not write your name." in text
    assert "Jonas" not in text


# ---------------------------------------------------------------------------------------
# The figures: counts only


def figures(login, user, scope: str = "", today=datetime.datetime(2027, 5, 12, 10, tzinfo=datetime.UTC)):
    """The figures page for the user on a day (signed in that day: a session does not last months)."""
    with time_machine.travel(today, tick=False):
        client = login(user)
        url = reverse("surveys:figures") + (f"?scope={scope}" if scope else "")
        return client.get(url)


def test_a_scope_of_fewer_than_5_answers_shows_fewer_than_5_and_nothing_more(client_for, personas, officer, english):
    paper(officer, 3)
    for scope in (f"prison:{officer.agency_id}",):
        page = figures(client_for, personas.analyst, scope).content.decode()
        assert "Answers: fewer than 5." in page
        assert "Do you know what happens next for you?" not in page  # no table by question
        assert not re.search(r"<td>\s*[1-4]\s*</td>", page)


def test_counts_from_1_to_4_are_hidden_and_so_is_the_one_that_would_give_them_away(
    client_for, personas, officer, english
):
    kari = officer
    paper(kari, 10, {"knows_next": "yes", "heard": "yes", "help": "yes", "satisfied": "yes"})
    paper(kari, 1, {"knows_next": "no", "heard": "no", "help": "yes", "satisfied": "partly"})
    paper(kari, 1, {"knows_next": "partly", "heard": "yes", "help": "yes", "satisfied": "no"})
    page = figures(client_for, personas.analyst, f"prison:{kari.agency_id}").content.decode()
    assert "Answers: 12." in page
    cells = {}
    for question in ("Do you know what happens next for you?", "Do the people who help you listen to you?"):
        row = re.search(rf"{re.escape(question)}</th>(.*?)</tr>", page, re.S)
        assert row is not None, question
        cells[question] = re.findall(r"<td>(.*?)</td>", row.group(1))
    # 10 yes, 1 partly, 1 no: the two small ones hidden, the yes and its share shown.
    assert cells["Do you know what happens next for you?"] == ["10", "fewer than 5", "fewer than 5", "12", "83 %"]
    # 11 yes, 1 no: the 1 hidden, and the 11 too, or 12 - 11 would give it away; no share then.
    assert cells["Do the people who help you listen to you?"] == ["hidden", "0", "fewer than 5", "12", "not shown"]


def test_the_figures_move_a_quarter_at_a_time_not_by_the_day(client_for, personas, officer, english):
    paper(officer, 6)
    analyst = personas.analyst
    scope = f"prison:{officer.agency_id}"
    # Answered 1 February 2027: not counted while its quarter runs, counted once it has ended.
    march = datetime.datetime(2027, 3, 31, 10, tzinfo=datetime.UTC)
    assert "No answers in this period." in figures(client_for, analyst, scope, today=march).content.decode()
    assert "Answers: 6." in figures(client_for, analyst, scope).content.decode()


def test_a_coordinator_sees_their_prison_and_country_and_another_prison_is_404(client_for, personas, tove):
    assert figures(client_for, tove).status_code == 200
    assert figures(client_for, tove, f"prison:{tove.agency_id}").status_code == 200
    assert figures(client_for, tove, "country:NO").status_code == 200
    oslo = personas.outsider.agency_id
    for scope in (f"prison:{oslo}", "country:DK", "unit:1:A", "person:1", "nonsense", f"agency:{tove.agency_id}"):
        assert figures(client_for, tove, scope).status_code == 404, scope


@pytest.mark.parametrize("who", ["person", "contact_officer", "nav_with_consent", "volunteer", "admin"])
def test_no_one_else_reads_the_figures(client_for, personas, who):
    assert figures(client_for, getattr(personas, who)).status_code == 403


def test_no_page_export_or_id_gives_one_answer(client_for, personas, plan_due):
    """Staff trying to read one answer by its id: there is no address for it, in the app or the admin."""
    survey_page = client_for(personas.person)
    survey_page.post(reverse("surveys:answer", args=[plan_due.code]), {**ANSWERS, "send": ""})
    response = Response.objects.get(kind="person", channel="phone")
    for model in (Response, ResponseAnswer, ResponseScope, Participation, StaffParticipation):
        assert not admin.site.is_registered(model)
    names = [name for name, pattern in all_patterns() if name.startswith("surveys:")]
    assert len(names) == 5
    for name, pattern in all_patterns():
        if name.startswith("surveys:"):
            assert not {"response_id", "answer_id", "id", "pk", "uuid"} & pattern.argument_names, name
    guesses = [
        f"/surveys/{response.pk}/",
        f"/surveys/responses/{response.pk}/",
        f"/surveys/figures/{response.pk}/",
        f"/admin/surveys/response/{response.pk}/change/",
        f"/cases/{plan_due.code}/questions/{response.pk}/",
    ]
    for who in ("contact_officer", "social_worker", "admin", "analyst"):
        client = client_for(getattr(personas, who))
        for url in guesses:
            got = client.get(url)
            assert got.status_code in (302, 404), (who, url, got.status_code)  # the 404 page echoes the address
        if who == "analyst":
            page = figures(client_for, personas.analyst, "country:NO").content.decode()
            assert str(response.pk) not in page
    # The person's own page, as the case's staff open it, says nothing of what was answered.
    staff_view = client_for(personas.contact_officer).get(reverse("cases:overview", args=[plan_due.code]))
    assert str(response.pk) not in staff_view.content.decode()
    changes = client_for(personas.contact_officer).get(reverse("cases:changes", args=[plan_due.code])).content.decode()
    assert "answered a few questions" not in changes and "besvart" not in changes
    assert uuid.UUID(str(response.pk))


# ---------------------------------------------------------------------------------------
# Indicators


def test_the_satisfaction_indicators_are_registered_and_count_yes_of_those_who_answered(personas, officer):
    keys = {i.key for i in indicators() if i.group == "satisfaction"}
    assert keys == {
        "survey_person_satisfied",
        "survey_person_knows_next",
        "survey_person_heard",
        "survey_staff_satisfied",
        "survey_staff_cooperation",
    }
    kari = officer
    paper(kari, 3, {"satisfied": "yes"})
    paper(kari, 2, {"satisfied": "no", "heard": "yes"})
    paper(kari, 1, {"heard": "no"})
    period = Period(datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    prison = Scope("prison", str(kari.agency_id))
    assert indicator("survey_person_satisfied").compute(prison, period) == Count(3, 5)
    assert indicator("survey_person_heard").compute(prison, period) == Count(2, 3)
    country = indicator("survey_person_satisfied").compute(Scope("country", "NO"), period)
    # The demo's Bergen answers count in the country too.
    assert isinstance(country, Count) and country.numerator >= 3 and country.denominator >= 5
    oslo = Scope("prison", str(personas.outsider.agency_id))
    assert indicator("survey_person_satisfied").compute(oslo, period) == Count(0, 0)
    before = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert indicator("survey_person_satisfied").compute(prison, before) == Count(0, 0)
    assert indicator("survey_staff_satisfied").compute(prison, period) == Count(0, 0)


def test_the_demo_world_gives_the_analyst_figures_to_read(client_for, personas, english):
    """``make run``: a year of answers in Bergen; whatever the day, the last four whole quarters hold some."""
    bergen = personas.contact_officer.agency_id
    page = client_for(personas.analyst).get(reverse("surveys:figures") + f"?scope=prison:{bergen}").content.decode()
    assert re.search(r"Answers: \d+\.", page) and page.count("<tr>") >= 8
    assert "fewer than 5. Nothing more" not in page


def test_staff_find_the_quarters_questions_on_their_start_page_until_they_answer(client_for, personas, english):
    with time_machine.travel(IN_WINDOW, tick=False):
        client = client_for(personas.nav_with_consent)
        assert 'id="staff-survey-due"' in client.get(reverse("cases:caseload")).content.decode()
        client.post(reverse("surveys:staff"), {"informed": "yes"})
        assert 'id="staff-survey-due"' not in client.get(reverse("cases:caseload")).content.decode()
        volunteer = client_for(personas.volunteer).get(reverse("cases:caseload")).content.decode()
        assert 'id="staff-survey-due"' not in volunteer  # not staff: never asked
