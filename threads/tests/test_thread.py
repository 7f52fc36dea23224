"""The group's direct channel: current members read and write; nobody else sees it."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.audience import Audience
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
    assert message.audience == Audience.COVERED
    assert JournalEntry.objects.filter(object_type="threads.message", object_id=str(message.pk)).exists()
    for persona in (personas.person, personas.contact_officer, personas.social_worker):
        assert "Møte i NAV tirsdag?" in client_for(persona).get(url).content.decode()


def test_people_outside_the_group_do_not_see_the_thread(client_for, case, personas):
    from accounts.models import User
    from threads.services import message_post

    message_post(actor=personas.contact_officer, case=case, body="Intern beskjed", audience=Audience.GROUP)
    url = reverse("threads:thread", kwargs={"code": case.code})
    assert "Intern beskjed" in client_for(personas.person).get(url).content.decode()
    for user in (personas.outsider, User.objects.get(username="petra.friomsorg")):
        assert client_for(user).get(url).status_code == 404


# Issue 16, hole 4: each message is read only by its audience. Canaries in each audience.
CANARY = {
    Audience.STAFF: "CANARY-STAFF-rusbehandling",
    Audience.COVERED: "CANARY-COVERED-gjeld-80000",
    Audience.GROUP: "CANARY-GROUP-motet-flyttes",
}


@pytest.fixture
def canaries(case, personas):
    from threads.services import message_post

    for audience, body in CANARY.items():
        message_post(actor=personas.contact_officer, case=case, body=body, audience=audience)


@pytest.mark.parametrize(
    ("persona", "reads"),
    [
        ("person", {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("contact_officer", {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("social_worker", {Audience.STAFF, Audience.COVERED, Audience.GROUP}),
        ("nav_with_consent", {Audience.COVERED, Audience.GROUP}),
        ("municipal_without_consent", {Audience.GROUP}),
        ("volunteer", set()),  # not covered, and the person shares nothing with volunteers
        ("outsider", set()),
    ],
)
def test_a_message_reaches_only_its_audience(client_for, case, personas, canaries, persona, reads):
    client = client_for(getattr(personas, persona))
    url = reverse("threads:thread", kwargs={"code": case.code})
    pages = [client.get(url), client.get(url, HTTP_HX_REQUEST="true")]
    pages += [client.get(reverse(name, kwargs={"code": case.code})) for name in ("cases:overview", "cases:changes")]
    text = "".join(page.content.decode() for page in pages)
    seen = {audience for audience, body in CANARY.items() if body in text}
    assert seen == reads


def test_an_uncovered_member_reads_their_own_message_and_the_author_sees_who_reads_it(client_for, case, personas):
    url = reverse("threads:thread", kwargs={"code": case.code})
    client = client_for(personas.municipal_without_consent)
    page = client.get(url).content.decode()
    # Before writing: who reads each audience, by name.
    assert 'data-testid="audience-readers"' in page
    readers = page[page.index('data-testid="audience-readers"') :]
    covered = readers[readers.index('data-audience="covered"') : readers.index('data-audience="group"')]
    assert "Nils Berg" in covered and "Mona Lie" not in covered and "Jonas Hansen" in covered
    assert "Vera Dahl" not in readers[readers.index('data-audience="group"') :].split("</dl>")[0]
    client.post(url, {"body": "CANARY-OWN-til-fengselet", "audience": Audience.COVERED})
    assert "CANARY-OWN-til-fengselet" in client.get(url).content.decode()
    assert "CANARY-OWN-til-fengselet" not in client_for(personas.volunteer).get(url).content.decode()
    assert "CANARY-OWN-til-fengselet" in client_for(personas.nav_with_consent).get(url).content.decode()


def test_a_withdrawn_consent_takes_the_covered_messages_away_on_the_next_request(client_for, case, personas, canaries):
    from consent.services import consent_withdraw

    url = reverse("threads:thread", kwargs={"code": case.code})
    assert CANARY[Audience.COVERED] in client_for(personas.nav_with_consent).get(url).content.decode()
    consent_withdraw(actor=personas.contact_officer, case=case, note="Trekker samtykket.")
    page = client_for(personas.nav_with_consent).get(url).content.decode()
    assert CANARY[Audience.COVERED] not in page and CANARY[Audience.GROUP] in page


def test_an_unknown_audience_is_refused_without_a_server_error(client_for, case, personas):
    url = reverse("threads:thread", kwargs={"code": case.code})
    response = client_for(personas.contact_officer).post(url, {"body": "Hei", "audience": "everyone"})
    assert response.status_code == 400
    assert not Message.objects.filter(case=case).exists()


def test_an_empty_message_is_refused(client_for, case, personas):
    url = reverse("threads:thread", kwargs={"code": case.code})
    response = client_for(personas.contact_officer).post(url, {"body": "  "})
    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_the_person_reads_the_audiences_in_their_own_words_and_staff_keep_theirs(client_for, case, personas):
    """Issue 18: the same three choices, to the person in the second person; the values and the rule are the same."""
    from threads.services import message_post

    message_post(actor=personas.contact_officer, case=case, body="Hei", audience=Audience.STAFF)
    url = reverse("threads:thread", kwargs={"code": case.code})
    person = client_for(personas.person).get(url).content.decode()
    staff = client_for(personas.contact_officer).get(url).content.decode()
    yours, theirs = (
        "Only you and the prison staff who have your case",
        "Only the person and the prison staff of the case",
    )
    for page, own, other in ((person, yours, theirs), (staff, theirs, yours)):
        assert page.count(own) == 3  # the message, the choice and who reads it
        assert other not in page
    assert "Jonas Hansen (you)" in person and "Jonas Hansen (the person)" in staff
    client_for(personas.person).post(url, {"body": "Bare til fengselet", "audience": Audience.STAFF})
    assert Message.objects.get(body="Bare til fengselet").audience == Audience.STAFF
