"""Every read of case data leaves exactly one access event per case per request."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from journal.models import AccessEvent, AccessPurpose

pytestmark = pytest.mark.django_db

CASE_PAGES = ["cases:overview", "cases:group", "needs:map", "consent:page", "cases:changes", "cases:access_log"]


@pytest.mark.parametrize("name", CASE_PAGES)
def test_each_case_page_read_logs_exactly_one_event(client, personas, case, name):
    client.force_login(personas.contact_officer)
    before = AccessEvent.objects.filter(case=case).count()
    assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 200
    events = AccessEvent.objects.filter(case=case).order_by("-id")
    assert events.count() == before + 1
    event = events[0]
    assert event.user == personas.contact_officer
    assert event.agency == personas.contact_officer.agency
    assert event.role == "contact_officer"
    assert event.purpose == AccessPurpose.CASE_WORK


def test_caseload_logs_one_event_per_listed_case(client, personas):
    from access.policy import cases_visible_to

    client.force_login(personas.contact_officer)
    visible = set(cases_visible_to(personas.contact_officer).values_list("pk", flat=True))
    assert len(visible) > 1
    before = AccessEvent.objects.count()
    assert client.get(reverse("cases:caseload")).status_code == 200
    new = AccessEvent.objects.order_by("-id")[: AccessEvent.objects.count() - before]
    assert sorted(event.case_id for event in new) == sorted(visible)


def test_refused_reads_log_nothing(client, personas, case):
    client.force_login(personas.municipal_without_consent)
    before = AccessEvent.objects.count()
    assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(reverse("cases:overview", kwargs={"code": case.code})).status_code == 404
    assert AccessEvent.objects.count() == before


def test_when_the_access_log_cannot_be_written_no_data_is_returned(client, personas, case, monkeypatch):
    """ASSURANCE #10: make the access-event insert raise; the request must fail."""

    def broken_insert(*args, **kwargs):
        raise DatabaseError("access log unavailable")

    monkeypatch.setattr(AccessEvent.objects, "bulk_create", broken_insert)
    client.raise_request_exception = False
    client.force_login(personas.contact_officer)
    response = client.get(reverse("needs:map", kwargs={"code": case.code}))
    assert response.status_code == 500
    need = case.needs.filter(private=False).first()
    assert need.summary.encode() not in response.content


def test_the_person_sees_every_read_of_their_cases_and_none_of_others(client, personas, case, other_case):
    client.force_login(personas.nav_with_consent)
    client.get(reverse("cases:overview", kwargs={"code": case.code}))
    client.force_login(personas.outsider)
    client.get(reverse("cases:overview", kwargs={"code": other_case.code}))
    client.force_login(personas.person)
    response = client.get(reverse("cases:access_log", kwargs={"code": case.code}))
    log = response.context["log"]
    # Every read of any of the person's cases by someone else; their own reads are left out.
    about_person = AccessEvent.objects.filter(case__person=case.person).exclude(user=personas.person).count()
    assert about_person > 0
    assert log.reads == about_person
    assert log.page.paginator.num_pages == 1
    assert sum(row.times for row in log.rows) == about_person
    assert "Olav" not in response.content.decode()
    assert "Nils Berg" in response.content.decode()
    assert "NAV Bergenhus" in response.content.decode()


def test_the_events_of_one_request_are_one_insert_one_per_case(personas, case, other_case, django_assert_num_queries):
    from journal.services import record_access

    viewer = personas.contact_officer
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_assert_num_queries(1):  # three cases, one of them twice: one INSERT
        record_access(
            viewer=viewer, case_ids=[case.pk, other_case.pk, case.pk], purpose=AccessPurpose.CASELOAD, view="x" * 90
        )
    written = AccessEvent.objects.filter(id__gt=before).order_by("id")
    assert [(e.user_id, e.role, e.agency_id, e.case_id, e.purpose, e.view) for e in written] == [
        (viewer.pk, viewer.role, viewer.agency_id, case_id, AccessPurpose.CASELOAD, "x" * 80)
        for case_id in (case.pk, other_case.pk)
    ]
    with django_assert_num_queries(0):  # nothing read, nothing written
        record_access(viewer=viewer, case_ids=[], purpose=AccessPurpose.CASELOAD, view="x")
