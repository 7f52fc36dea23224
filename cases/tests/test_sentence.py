"""The sentence as the judgment states it, counted by the calendar (issue 17, point 4)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.sentence import Term
from timetable import engine
from timetable.selectors import facts_for_cases

from .test_intake import form_data

pytestmark = pytest.mark.django_db


def test_a_term_runs_by_the_calendar():
    # A year is 366 days when it holds a 29 February, 365 otherwise.
    assert Term(years=1).length_days(datetime.date(2027, 6, 15)) == 366
    assert Term(years=1).length_days(datetime.date(2026, 6, 15)) == 365
    assert Term(years=1).end(datetime.date(2027, 6, 15)) == datetime.date(2028, 6, 15)
    # A month from the 31st ends on the month's last day.
    assert Term(months=1).end(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert Term(months=8).end(datetime.date(2026, 1, 31)) == datetime.date(2026, 9, 30)
    assert Term(years=1, months=6, days=14).end(datetime.date(2026, 3, 1)) == datetime.date(2027, 9, 15)
    assert Term(days=540).length_days(datetime.date(2026, 3, 1)) == 540


@time_machine.travel(datetime.datetime(2027, 6, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_intake_takes_years_months_and_days_and_the_road_shows_how_it_counted(client, personas):
    today = timezone.localdate()
    client.force_login(personas.contact_officer)
    data = form_data(
        intake_date=today.isoformat(),
        sentence_start=today.isoformat(),
        sentence_years="1",
        sentence_months="",
        sentence_days="",
        remand_days="0",
        expected_release="",
    )
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get(person__last_name="Nordmann", intake_date=today)
    assert (case.sentence_years, case.sentence_months, case.sentence_term_days) == (1, 0, 0)
    assert case.sentence_days == 366  # 15 June 2027 to 15 June 2028 holds 29 February
    road = engine.road(facts_for_cases([case])[case.pk])
    assert road is not None
    assert road.full_time == datetime.date(2028, 6, 15)
    page = client.get(reverse("timetable:case", kwargs={"code": case.code})).content.decode()
    counting = page[page.index("data-counting") :]
    counting = counting[: counting.index("</p>")]
    assert "15. juni 2027" in counting and "15. juni 2028" in counting and "366" in counting
    overview = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert "1 år (366 dager)" in overview


def test_a_sentenced_case_needs_some_length_and_nothing_is_saved_without(client, personas):
    client.force_login(personas.contact_officer)
    before = Case.objects.count()
    response = client.post(reverse("cases:intake"), form_data(sentence_years="", sentence_months="", sentence_days=""))
    assert response.status_code == 400
    assert 'id="id_sentence_days"' in response.content.decode()
    response = client.post(reverse("cases:intake"), form_data(sentence_years="9999", sentence_days="10"))
    assert response.status_code == 400
    assert Case.objects.count() == before


def test_a_case_known_in_days_keeps_its_days(case):
    """Cases from before the change: their days are their term, so the length stays what it was."""
    assert case.sentence_term == Term(days=540) and case.sentence_days == 540
    road = engine.road(facts_for_cases([case])[case.pk])
    assert road is not None
    assert road.full_time == case.sentence_start + datetime.timedelta(days=540 - road.credit_days)


def test_a_year_with_a_29_february_is_still_a_sentence_of_up_to_a_year():
    """Seed 002: the Danish plan is revised every 3 months for sentences of a year or less."""
    from timetable.models import Rule

    start = datetime.date(2027, 6, 15)
    one_year = engine.CaseFacts(
        case_id=1,
        country="DK",
        legal_status="sentenced",
        intake_date=start,
        sentence_start=start,
        sentence_days=Term(years=1).length_days(start),
        sentence_years=1,
    )
    assert one_year.sentence_days == 366
    short = engine.RuleData.of(Rule.objects.get(code="plan-revision-short", rule_set__country="DK"))
    long = engine.RuleData.of(Rule.objects.get(code="plan-revision-long", rule_set__country="DK"))
    assert engine.applies(short, one_year) and not engine.applies(long, one_year)
