"""The private calendar feed: a revocable secret address, no names or needs in it."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from timetable.models import CalendarFeed

pytestmark = pytest.mark.django_db


def new_feed_url(client) -> str:
    body = client.post(reverse("timetable:calendar_new")).content.decode()
    match = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', body)
    assert match, "the new address is shown once"
    return match.group(1).removeprefix("http://testserver")


def test_the_feed_lists_deadlines_and_meetings_by_case_code_without_names(client_for, personas, case):
    client = client_for(personas.contact_officer)
    url = new_feed_url(client)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    nora = Case.objects.select_related("person").get(person__first_name="Nora")
    assert nora.code in text
    assert case.code in text  # Jonas's group meeting
    assert "DTSTART;VALUE=DATE:" in text and "DTSTART:" in text
    for person_case in Case.objects.select_related("person"):
        assert person_case.person.last_name not in text
        assert person_case.person.first_name not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_only_a_hash_of_the_secret_is_stored(client_for, personas):
    client = client_for(personas.contact_officer)
    url = new_feed_url(client)
    token = url.removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=personas.contact_officer, revoked_at__isnull=True)
    assert token not in feed.token_hash and len(feed.token_hash) == 64


def test_a_revoked_or_replaced_address_gives_404(client_for, personas):
    client = client_for(personas.contact_officer)
    first = new_feed_url(client)
    second = new_feed_url(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.post(reverse("timetable:calendar_revoke"))
    assert client.get(second).status_code == 404
    assert client.get("/calendar/made-up-secret.ics").status_code == 404


def test_a_deactivated_user_feed_gives_404(client_for, personas):
    client = client_for(personas.contact_officer)
    url = new_feed_url(client)
    personas.contact_officer.is_active = False
    personas.contact_officer.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_the_feed_of_a_user_outside_the_case_does_not_show_it(client_for, personas, case):
    client = client_for(personas.outsider)
    text = client.get(new_feed_url(client)).content.decode()
    assert case.code not in text


def test_reading_the_feed_logs_one_access_event_per_case(client_for, personas, case):
    from collections import Counter

    from journal.models import AccessEvent

    client = client_for(personas.contact_officer)
    url = new_feed_url(client)
    before = AccessEvent.objects.count()
    client.get(url)
    events = AccessEvent.objects.order_by("id")[before:]
    per_case = Counter(event.case_id for event in events)
    assert case.pk in per_case  # his group meeting is in the feed
    assert set(per_case.values()) == {1}
    assert {event.view for event in events} == {"timetable:calendar_feed"}
