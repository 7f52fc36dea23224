"""The person chooses, item by item, what a volunteer sees; nothing else reaches the volunteer (issue 16, hole 5).

Seed 002 (peer mentors, WayBack): the person decides. Thomas's volunteer Vera is covered
by his consent; he shares one need and his meetings (core/demo.py).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import User
from cases.models import Case
from core.audience import Audience, VolunteerItem
from journal.models import JournalEntry
from needs.models import Need
from needs.services import volunteer_sharing_set
from threads.services import message_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def thomas_case(db):
    return Case.objects.select_related("person").get(person__first_name="Thomas")


@pytest.fixture
def users(db):
    return {user.username: user for user in User.objects.all()}


def _everything(client, case) -> str:
    """Every case page the volunteer can open, as text."""
    from access.tests.test_url_walk import all_patterns, url_kwargs

    text = []
    for name, pattern in all_patterns():
        if "code" not in pattern.argument_names:
            continue
        response = client.get(reverse(name, kwargs=url_kwargs(pattern, case)))
        if response.status_code == 200:
            text.append(response.content.decode())
    assert text
    return "".join(text)


def test_a_covered_volunteer_sees_only_what_the_person_chose(client_for, thomas_case, users):
    case = thomas_case
    sara = users["sara.sosial"]
    debt = Need.objects.get(case=case, summary__startswith="Inkassosaker")
    message_post(actor=sara, case=case, body="CANARY-THREAD-COVERED-soknad", audience=Audience.COVERED)
    message_post(actor=sara, case=case, body="CANARY-THREAD-GROUP-tirsdag", audience=Audience.GROUP)
    release = date_format(case.expected_release, "j. F Y")
    client = client_for(users["vera.frivillig"])
    text = _everything(client, case)
    # Shared: the network need. Not shared: the debt need, the sentence, the release date, the risks, the thread.
    assert "Trenger nye venner utenfor miljøet." in text
    for secret in (debt.summary, release, "400 days", "Sentence", "CANARY-THREAD-COVERED", "CANARY-THREAD-GROUP"):
        assert secret not in text, secret
    for name in ("timetable:case", "handover:page", "cases:group", "needs:volunteers"):
        assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 403, name

    # The person shares more, item by item.
    volunteer_sharing_set(
        actor=users["thomas"],
        case=case,
        items=[VolunteerItem.RELEASE_DATE, VolunteerItem.GROUP_MESSAGES],
        needs=[debt],
    )
    text = _everything(client_for(users["vera.frivillig"]), case)
    assert release in text and debt.summary in text and "CANARY-THREAD-GROUP-tirsdag" in text
    assert "Trenger nye venner utenfor miljøet." not in text  # no longer chosen
    for secret in ("400 days", "Sentence start", "CANARY-THREAD-COVERED", "Remand credit"):
        assert secret not in text, secret


def test_the_person_chooses_on_their_page_and_it_is_journaled(client_for, thomas_case, users):
    case = thomas_case
    debt = Need.objects.get(case=case, summary__startswith="Inkassosaker")
    url = reverse("needs:volunteers", kwargs={"code": case.code})
    client = client_for(users["thomas"])
    page = client.get(url)
    assert page.status_code == 200 and "Vera Dahl" in page.content.decode()
    response = client.post(url, {"needs": [debt.pk], "items": [VolunteerItem.NEXT_MEETINGS]})
    assert response.status_code == 302
    debt.refresh_from_db()
    assert debt.shared_with_volunteers
    entry = JournalEntry.objects.filter(case=case, action="need.volunteers", object_id=str(debt.pk)).get()
    assert entry.actor_id == users["thomas"].pk
    assert JournalEntry.objects.filter(case=case, action="volunteers.share", actor=users["thomas"]).exists()


def test_staff_can_no_longer_tick_what_volunteers_see(client_for, thomas_case, users, personas):
    case = thomas_case
    debt = Need.objects.get(case=case, summary__startswith="Inkassosaker")
    sara = client_for(users["sara.sosial"])
    assert sara.get(reverse("needs:volunteers", kwargs={"code": case.code})).status_code == 403
    assert sara.post(reverse("needs:volunteers", kwargs={"code": case.code}), {"needs": [debt.pk]}).status_code == 403
    data = {
        "life_area": str(debt.life_area_id),
        "summary": debt.summary,
        "status": debt.status,
        "shared_with_volunteers": "on",
        "version": str(debt.version),
    }
    sara.post(reverse("needs:edit", kwargs={"code": case.code, "need_id": debt.pk}), data)
    debt.refresh_from_db()
    assert not debt.shared_with_volunteers
    with pytest.raises(ValidationError):
        volunteer_sharing_set(actor=users["sara.sosial"], case=case, items=[], needs=[debt])
    assert (
        "Inkassosaker"
        not in client_for(users["vera.frivillig"])
        .get(reverse("needs:map", kwargs={"code": case.code}))
        .content.decode()
    )


def test_a_private_need_cannot_be_shared_and_making_it_private_unshares_it(client_for, thomas_case, users):
    from needs.services import need_update

    case = thomas_case
    network = Need.objects.get(case=case, shared_with_volunteers=True)
    need_update(actor=users["sara.sosial"], need=network, version=network.version, private=True)
    network.refresh_from_db()
    assert network.private and not network.shared_with_volunteers
    url = reverse("needs:volunteers", kwargs={"code": case.code})
    assert client_for(users["thomas"]).post(url, {"needs": [network.pk]}).status_code == 400
    with pytest.raises(ValidationError):
        volunteer_sharing_set(actor=users["thomas"], case=case, items=[], needs=[network])


def test_by_default_a_volunteer_sees_nothing(client_for, case, personas):
    """Jonas's volunteer: nothing chosen for her beyond one need, and no consent covers her."""
    text = _everything(client_for(personas.volunteer), case)
    for need in Need.objects.filter(case=case):
        assert (need.summary or need.own_words) not in text


@pytest.mark.parametrize("value", ["-99999999999999999999", "99999999999999999999", "abc", ""])
def test_a_bad_need_id_is_a_400_not_a_server_error(client_for, thomas_case, users, value):
    url = reverse("needs:volunteers", kwargs={"code": thomas_case.code})
    response = client_for(users["thomas"]).post(url, {"needs": [value], "items": ["nonsense"]})
    assert response.status_code == 400
