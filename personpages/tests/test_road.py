"""My road, for me (issue 18, point 2): the road in one short sentence a step, estimates labelled,
the rule behind a "why", every mark of the picture labelled in words; the staff timetable is not
where the person lands."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from applications.selectors import case_road

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def road_url(case) -> str:
    return reverse("personpages:road", kwargs={"code": case.code})


def test_the_person_reads_the_next_steps_each_in_one_sentence_with_the_estimate_and_the_why(client_for, case, personas):
    page = client_for(personas.person).get(road_url(case)).content.decode()
    road = case_road(case)
    milestone = road.milestone("leave") if road else None
    assert milestone is not None and milestone.date is not None
    leave = milestone.date  # the staff timetable's date, the same engine
    assert f"Leave, and work or school outside by day: from {date_format(leave, 'j. F Y')} at the earliest." in page
    next_steps = page.split('data-testid="next-steps"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li.*?</li>", next_steps, re.S)
    assert items and all("Estimate" in item and "<summary>Why?</summary>" in item for item in items)
    assert "Straffegjennomføringsloven" in next_steps  # the rule, behind the why


def test_every_mark_on_the_road_has_its_date_and_words(client_for, case, personas):
    page = client_for(personas.person).get(road_url(case)).content.decode()
    line = page.split('data-testid="road-line"', 1)[1].split("</ol>", 1)[0]
    marks = re.findall(r'<span class="road-date">([^<]+)</span> <span class="road-label">([^<]+)</span>', line)
    assert len(marks) == line.count("<li")
    assert all(day.strip() and words.strip() for day, words in marks)
    labels = [words for _day, words in marks]
    assert "You came in" in labels and "Today" in labels and "Your sentence ends" in labels
    assert 'aria-current="date"' in line


def test_the_person_who_asks_for_the_staff_timetable_lands_on_their_road(client_for, case, personas):
    response = client_for(personas.person).get(reverse("timetable:case", kwargs={"code": case.code}))
    assert response.status_code == 302 and response["Location"] == road_url(case)
    staff = client_for(personas.contact_officer)
    assert staff.get(reverse("timetable:case", kwargs={"code": case.code})).status_code == 200


def test_staff_see_what_the_person_sees_and_others_do_not(client_for, case, personas):
    page = client_for(personas.contact_officer).get(road_url(case)).content.decode()
    assert "This is the page the person sees." in page
    for user in (personas.nav_with_consent, personas.volunteer):
        assert client_for(user).get(road_url(case)).status_code == 403
    assert client_for(personas.outsider).get(road_url(case)).status_code == 404
