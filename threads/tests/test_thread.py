"""The group's direct channel: current members read and write; nobody else sees it."""

import pytest
from django.urls import reverse
from django.utils import translation

from journal.models import JournalEntry
from threads.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_members_write_and_read_the_thread_with_htmx(client_for, case, personas):
    url = reverse("threads:thread", kwargs={"code": case.code})
    response = client_for(personas.nav_with_consent).post(url, {"body": "Møte i NAV tirsdag?"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'id="thread"' in response.content and b"<html" not in response.content
    message = Message.objects.get(case=case)
    assert JournalEntry.objects.filter(object_type="threads.message", object_id=str(message.pk)).exists()
    for persona in (personas.municipal_without_consent, personas.volunteer, personas.contact_officer):
        assert "Møte i NAV tirsdag?" in client_for(persona).get(url).content.decode()


def test_people_outside_the_group_do_not_see_the_thread(client_for, case, personas):
    from accounts.models import User
    from threads.services import message_post

    message_post(actor=personas.contact_officer, case=case, body="Intern beskjed")
    url = reverse("threads:thread", kwargs={"code": case.code})
    assert client_for(personas.person).get(url).status_code == 403
    for user in (personas.outsider, User.objects.get(username="petra.friomsorg")):
        assert client_for(user).get(url).status_code == 404


def test_an_empty_message_is_refused(client_for, case, personas):
    url = reverse("threads:thread", kwargs={"code": case.code})
    response = client_for(personas.contact_officer).post(url, {"body": "  "})
    assert response.status_code == 400
    assert Message.objects.count() == 0
