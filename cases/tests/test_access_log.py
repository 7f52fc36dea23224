"""The person's "who has looked": every read by others, a page at a time, grouped and named.

ASSURANCE #12: 100 % of the events about the person (by others), with date, agency, role,
purpose and what was opened; none about anyone else.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from access.tests.test_url_walk import all_patterns
from journal.models import AccessEvent, AccessPurpose
from journal.selectors import ACCESS_LOG_PAGE_SIZE, TOPIC_BY_APP, TOPIC_BY_NAME, TOPIC_LABELS
from journal.services import record_access

pytestmark = pytest.mark.django_db


def chosen(client, language: str):
    """The reader's own choice of language (the language menu's cookie): it wins over the country's."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def log_url(case, page=None) -> str:
    url = reverse("cases:access_log", kwargs={"code": case.code})
    return f"{url}?page={page}" if page else url


def add_reads(case, viewers, days: int, per_day: int = 1, view: str = "needs:map") -> int:
    """Write reads as the access log writes them, one batch on each of the past days; return how many.

    The journal is append-only and ``at`` is the moment of the insert, so the clock is
    moved to each past moment while its reads are written.
    """
    today = timezone.localdate()
    written = 0
    for day in range(1, days + 1):
        # Noon of each earlier calendar day, local time: 24-hour steps back from late evening
        # would put two reads on one day across the night summer time ends.
        noon = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=day), datetime.time(12)))
        for minute in range(per_day):
            with time_machine.travel(noon - datetime.timedelta(minutes=minute), tick=False):
                for user in viewers:
                    record_access(viewer=user, case_ids=[case.pk], purpose=AccessPurpose.CASE_WORK, view=view)
                    written += 1
    return written


def all_pages(client, case) -> list:
    """Follow the page links from the first page to the last; return every row."""
    rows, number = [], 1
    while True:
        response = client.get(log_url(case, number))
        assert response.status_code == 200
        log = response.context["log"]
        assert log.page.number == number
        rows.extend(log.rows)
        if not log.page.has_next():
            return rows
        number += 1


def test_every_read_by_others_is_on_some_page_and_the_pages_say_where_you_are(client, personas, case):
    # 60 days of reads by three people, 5 a day each: 900 reads, more than the old 500 rows.
    viewers = [personas.contact_officer, personas.social_worker, personas.nav_with_consent]
    add_reads(case, viewers, days=60, per_day=5)
    client.force_login(personas.person)
    first = chosen(client, "en").get(log_url(case))
    log = first.context["log"]
    expected = AccessEvent.objects.filter(case__person=case.person).exclude(user=personas.person).count()
    assert expected >= 900
    assert log.reads == expected
    pages = log.page.paginator.num_pages
    assert pages > 1
    body = first.content.decode()
    assert f"Page 1 of {pages}" in body
    assert f"{expected} times in all" in body
    rows = all_pages(client, case)
    assert sum(row.times for row in rows) == expected
    assert len(rows) == log.page.paginator.count
    # Newest day first, across the page boundaries too.
    days = [row.day for row in rows]
    assert days == sorted(days, reverse=True)


def test_repeated_reads_by_one_person_on_one_day_make_one_row_with_a_count(client, personas, case):
    client.force_login(personas.nav_with_consent)
    for _ in range(3):
        assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 200
    assert client.get(reverse("plans:plan", kwargs={"code": case.code})).status_code == 200
    client.force_login(personas.person)
    response = chosen(client, "en").get(log_url(case))
    today = timezone.localdate()
    nils = [row for row in response.context["log"].rows if row.name == "Nils Berg" and row.day == today]
    with translation.override("en"):
        assert {(str(row.topic), row.times) for row in nils} == {("your needs", 3), ("your plan", 1)}
        assert {row.agency for row in nils} == {"NAV Bergenhus"}
        assert {str(row.purpose) for row in nils} == {"Work on the case as a group member"}
    body = response.content.decode()
    assert "<td>your needs</td><td>3</td>" in body
    assert "<td>your plan</td><td>1</td>" in body


def test_the_persons_own_reads_are_left_out(client, personas, case):
    client.force_login(personas.contact_officer)
    client.get(reverse("needs:map", kwargs={"code": case.code}))
    client.force_login(personas.person)
    for name in ["cases:overview", "needs:map", "cases:access_log"]:
        client.get(reverse(name, kwargs={"code": case.code}))
    assert AccessEvent.objects.filter(case=case, user=personas.person).count() >= 3
    response = client.get(log_url(case))
    log = response.context["log"]
    assert log.rows
    assert personas.person.display_name not in [row.name for row in log.rows]
    assert personas.person.display_name not in response.content.decode().split("<table", 1)[1]


def test_the_page_says_what_was_opened(client, personas, case):
    client.force_login(personas.contact_officer)
    for name in ["needs:map", "consent:page", "meetings:list", "cases:group", "timetable:case"]:
        assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 200
    client.force_login(personas.person)
    body = chosen(client, "en").get(log_url(case)).content.decode()
    for words in ["your needs", "your consent", "your meetings", "who is in your group", "your dates and deadlines"]:
        assert words in body


def test_every_url_name_says_what_it_opened():
    """No case page falls through to the front page's words unless it is the front page."""
    names = {name for name, *_ in all_patterns() if ":" in name and not name.startswith("admin:")}
    assert names
    unnamed = {
        name
        for name in names
        if name not in TOPIC_BY_NAME and name.split(":")[0] not in TOPIC_BY_APP and name != "cases:overview"
    }
    # Views that read no case, or only lists of cases (logged under their own names above).
    assert unnamed <= {
        "cases:intake",
        "cases:invitation_accept",
        "cases:invitation_decline",
        "cases:close",
        "cases:follow_up_phase",
        "timetable:inbox_read",
        "timetable:calendar",
        "timetable:calendar_new",
        "timetable:calendar_revoke",
        "timetable:release_notice",
        "timetable:case_rule_set",
        # The integration API's events (they read no case for anyone), its description and docs page.
        "api:event_intake",
        "api:event_expected_release",
        "api:event_released",
        "api:event_transferred",
        "api:event_notice_acknowledged",
        "api:event_batch",
        "api:openapi-json",
        "api:openapi-view",
        "api:api-root",
        # The cost-benefit's assumptions and gain (issue 22): the analyst's figures, no case.
        "costbenefit:index",
        "costbenefit:start",
        "costbenefit:line",
        "costbenefit:edit",
        "costbenefit:gain",
        # The indicators, measurements and report (issue 22): aggregates, no case.
        "insight:index",
        "insight:take",
        "insight:measurement",
        "insight:status",
        "insight:baseline",
        "report:page",
        "report:pdf",
        "report:csv",
        # The surveys' staff pages (issue 22): the quarter's questions, paper forms, the aggregates; no case.
        "surveys:staff",
        "surveys:paper",
        "surveys:paper_pdf",
        "surveys:figures",
    }
    assert set(TOPIC_BY_NAME.values()) | set(TOPIC_BY_APP.values()) | {"case"} <= set(TOPIC_LABELS)


def test_the_staff_see_the_same_list_for_the_case(client, personas, case, other_case):
    client.force_login(personas.nav_with_consent)
    client.get(reverse("needs:map", kwargs={"code": case.code}))
    client.force_login(personas.contact_officer)
    log = client.get(log_url(case)).context["log"]
    assert log.reads == AccessEvent.objects.filter(case=case).exclude(user=personas.person).count()
    assert "Nils Berg" in [row.name for row in log.rows]


def test_a_page_costs_the_same_queries_whatever_the_log_holds(client, personas, case):
    add_reads(case, [personas.contact_officer], days=2)
    client.force_login(personas.person)
    client.get(log_url(case))  # warm the session

    def queries(page) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(log_url(case, page))
        assert response.status_code == 200
        return len(captured)

    small = queries(1)
    add_reads(case, [personas.contact_officer, personas.nav_with_consent], days=3 * ACCESS_LOG_PAGE_SIZE)
    assert queries(1) == queries(2) == queries(3) == small
    # Pinned: the page's case read and its access event, then the groups' count, one page
    # of groups and the number of reads; a change here is an N+1 or a lost count.
    with CaptureQueriesContext(connection) as captured:
        client.get(log_url(case, 2))
    log_queries = [q["sql"] for q in captured if "journal_accessevent" in q["sql"]]
    assert len(log_queries) == 4  # the insert, the count of groups, the page, the reads


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", ["behovene dine", "Hva de åpnet", "Side 1 av 2"]), ("da", ["dine behov", "Hvad de åbnede", "Side 1 af 2"])],
)
def test_the_person_reads_it_in_their_own_language(client, personas, case, language, words):
    add_reads(case, [personas.contact_officer], days=ACCESS_LOG_PAGE_SIZE + 1)
    client.force_login(personas.person)
    body = chosen(client, language).get(log_url(case)).content.decode()
    for word in words:
        assert word in body
