"""A measure names its service; the plan shows its contact; the person sees whom to meet and where (point 3)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from journal.models import JournalEntry
from plans.services import measure_service_set

pytestmark = pytest.mark.django_db


def test_the_contact_officer_finds_bolig_in_drammen_and_links_fri_to_the_measure(
    client_for, case, personas, housing_measure, fri
):
    client = client_for(personas.contact_officer)
    url = reverse("directory:measure_service", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    page = client.get(url, {"q": "bolig", "municipality": "Drammen"})
    assert page.status_code == 200
    assert fri.name in [service.name for service in page.context["results"]]
    assert page.context["home"] == "Bergen"
    linked = client.post(url, {"service": str(fri.pk)})
    assert linked.status_code == 302
    housing_measure.refresh_from_db()
    assert housing_measure.service_id == fri.pk
    entry = JournalEntry.objects.filter(action="measure.service", object_id=str(housing_measure.pk)).get()
    assert entry.new is not None
    assert (
        entry.case_id == case.pk
        and (entry.new or {}).get("service") == str(fri.pk)
        and entry.actor_id == personas.contact_officer.pk
    )


def test_the_plan_shows_the_service_and_the_person_reads_where_to_go(client_for, case, personas, housing_measure, fri):
    measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    staff = client_for(personas.contact_officer).get(reverse("plans:plan", kwargs={"code": case.code}))
    assert "Service:" in staff.content.decode() and fri.name in staff.content.decode()
    detail = client_for(personas.contact_officer).get(
        reverse("plans:measure", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    )
    assert detail.context["plan_service"].service == fri
    person = client_for(personas.person).get(reverse("plans:plan", kwargs={"code": case.code}))
    text = person.content.decode()
    assert 'data-testid="where-you-go"' in text
    assert f"You meet {fri.name} (Kirkens Bymisjon Drammen)." in text
    assert "Where: Drammen." in text


def test_the_plan_costs_no_query_more_when_no_measure_names_a_service(client_for, case, personas, housing_measure, fri):
    client = client_for(personas.contact_officer)
    url = reverse("plans:plan", kwargs={"code": case.code})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        client.get(url)
    measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    with CaptureQueriesContext(connection) as with_service:
        client.get(url)
    # The service; its phones, schedules, links to places and the places; the referrals: the same for any number.
    assert len(with_service) == len(without) + 6


def test_who_may_not_change_the_measure_cannot_link_a_service(client_for, case, personas, housing_measure, fri):
    url = reverse("directory:measure_service", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    # Mona (municipality, no consent) sees no such measure: 404; the person sees it but may not change it: 403.
    assert client_for(personas.municipal_without_consent).post(url, {"service": str(fri.pk)}).status_code == 404
    assert client_for(personas.person).post(url, {"service": str(fri.pk)}).status_code == 403
    assert client_for(personas.outsider).post(url, {"service": str(fri.pk)}).status_code == 404
    housing_measure.refresh_from_db()
    assert housing_measure.service_id is None


def test_a_missing_or_inactive_service_is_refused_with_a_message(client_for, case, personas, housing_measure, fri):
    client = client_for(personas.contact_officer)
    url = reverse("directory:measure_service", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    for bad in ("", "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = client.post(url, {"service": bad}, follow=True)
        assert response.status_code == 200 and "Choose a service from the list." in response.content.decode()
    fri.status = "defunct"
    fri.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    housing_measure.refresh_from_db()
    assert housing_measure.service_id is None


@pytest.mark.parametrize("language", ["nb", "da"])
def test_where_you_go_reads_plainly(client_for, case, personas, housing_measure, fri, language):
    """The person's words about the service: LIX at most 35 (the names of the service and its owner included)."""
    import re

    from django.conf import settings

    from personpages.tests.test_lix import LIMIT, lix, visible_text

    measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    client = client_for(personas.person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("plans:plan", kwargs={"code": case.code})).content.decode()
    section = re.search(r'<section aria-labelledby="where-heading".*?</section>', html, re.S)
    assert section is not None
    score, words = lix(visible_text(section.group(0)))
    assert words > 15 and score <= LIMIT, (round(score, 1), visible_text(section.group(0)))
