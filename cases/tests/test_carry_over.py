"""Issue 16, hole 1: another prison cannot pull in a person's case through the identity number.

The reproduction of the outside review, step by step, and the attacker's variations: a
known number with another name, asking without the person, answering for the person or
for the earlier prison, another case's ids, a removed member. Carrying over is a request
the person agrees to (and the earlier case's staff, while it is open); a private need
never travels; every read of the earlier case is an access event the person sees.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from cases.models import Answer, CarryOver, Case, Membership
from cases.services import IntakeData, carry_over_ask, case_open, membership_end
from journal.models import AccessEvent, AccessPurpose
from needs.models import Need
from needs.services import need_create
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

NUMBER = "05059010052"  # checksum-valid, born 1990-05-05 (the review's number)
CANARY = "CANARY-private-need-of-the-earlier-case"
SHARED = "Trenger hjelp med gjeld hos Statens innkrevingssentral"
REAL_FIRST, REAL_LAST = "Sigrid", "Bergesen"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def intake_form(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "first_name": "Ola",
        "last_name": "Angriper",
        "birth_date": "1990-05-05",
        "national_id": NUMBER,
        "home_municipality": "Oslo",
        "unit": "",
        "security_level": "high",
        "legal_status": "sentenced",
        "intake_date": today.isoformat(),
        "sentence_start": today.isoformat(),
        "sentence_days": "300",
        "remand_days": "0",
        "isolation_days": "0",
        "expected_release": (today + datetime.timedelta(days=290)).isoformat(),
        "acute_life_area": "",
        "acute_need": "",
        "next_meeting_at": "",
        "next_meeting_place": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def users(db):
    return {user.username: user for user in User.objects.select_related("agency")}


@pytest.fixture
def bergen_case(users):
    """Kari's open case in Bergen for the person with the number, a private canary need and a shared one."""
    sigrid = User.objects.create_user(username="sigrid", first_name=REAL_FIRST, last_name=REAL_LAST, role=Role.PERSON)
    kari = users["kari.kontakt"]
    case = case_open(
        actor=kari,
        person_user=sigrid,
        data=IntakeData(
            first_name=REAL_FIRST,
            last_name=REAL_LAST,
            birth_date=datetime.date(1990, 5, 5),
            national_id=NUMBER,
            home_municipality="Bergen",
            legal_status="sentenced",
            intake_date=timezone.localdate() - datetime.timedelta(days=30),
            sentence_start=timezone.localdate() - datetime.timedelta(days=30),
            sentence_days=400,
        ),
    )
    health = LifeArea.objects.get(slug="mental-health")
    need_create(actor=kari, case=case, life_area=health, own_words=CANARY, private=True)
    need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug="debt"), own_words=SHARED)
    return case


def oslo_case(users, bergen_case) -> Case:
    """Olav registers the same person in Oslo with her real name, as an officer who has her in front of him."""
    return case_open(
        actor=users["olav.oslo"],
        data=IntakeData(
            first_name=REAL_FIRST,
            last_name=REAL_LAST,
            birth_date=datetime.date(1990, 5, 5),
            national_id=NUMBER,
            home_municipality="Oslo",
            legal_status="sentenced",
            intake_date=timezone.localdate(),
            sentence_start=timezone.localdate(),
            sentence_days=200,
        ),
    )


def test_the_reviews_reproduction_no_longer_pulls_in_the_canary(client, users, bergen_case):
    client.force_login(users["olav.oslo"])
    cases_before = Case.objects.count()
    response = client.post(reverse("cases:intake"), intake_form())
    page = response.content.decode()
    # The number is known with another name: refused, and nothing of the person shown.
    assert response.status_code == 400
    assert REAL_FIRST not in page and REAL_LAST not in page and bergen_case.code not in page
    assert "Bergen" not in page.split("<main", 1)[1]
    assert Case.objects.count() == cases_before

    # With the real name the case opens, but the old take-over URL is gone, and asking copies nothing.
    new = oslo_case(users, bergen_case)
    assert client.post(f"/cases/{new.code}/take-over-plan/").status_code == 404
    asked = client.post(reverse("cases:carry_over_ask", kwargs={"code": new.code}), {"needs_and_plan": "on"})
    assert asked.status_code == 302
    needs_page = client.get(reverse("needs:map", kwargs={"code": new.code})).content.decode()
    assert CANARY not in needs_page and SHARED not in needs_page
    assert not Need.objects.filter(case=new).exists()


def test_nothing_travels_until_the_person_and_the_earlier_prison_agree_and_a_private_need_never(
    client, users, bergen_case
):
    new = oslo_case(users, bergen_case)
    client.force_login(users["olav.oslo"])
    client.post(reverse("cases:carry_over_ask", kwargs={"code": new.code}), {"needs_and_plan": "on"})
    asked = CarryOver.objects.get(case=new)
    assert asked.holder_asked  # Bergen's case is open

    # The earlier prison sees the request on its case and agrees first: still nothing.
    client.force_login(users["kari.kontakt"])
    overview = client.get(reverse("cases:overview", kwargs={"code": bergen_case.code})).content.decode()
    assert "Oslo fengsel" in overview and 'data-testid="carry-over-answer"' in overview
    holder_url = reverse("cases:carry_over_holder", kwargs={"code": bergen_case.code, "carry_over_id": asked.pk})
    assert client.post(holder_url, {"agree": "yes"}).status_code == 302
    assert not Need.objects.filter(case=new).exists()

    # Then the person, on her own page, in plain words.
    client.force_login(User.objects.get(username="sigrid"))
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    assert "Use what you worked on last time?" in page
    person_url = reverse("cases:carry_over_person", kwargs={"code": new.code, "carry_over_id": asked.pk})
    assert client.post(person_url, {"agree": "yes"}).status_code == 302

    copied = list(Need.objects.filter(case=new).values_list("own_words", flat=True))
    assert copied == [SHARED]  # the private canary stayed where it was told
    client.force_login(users["olav.oslo"])
    needs_page = client.get(reverse("needs:map", kwargs={"code": new.code})).content.decode()
    assert SHARED in needs_page and CANARY not in needs_page


def test_the_earlier_prison_refuses_with_a_reason_and_nothing_travels(client, users, bergen_case):
    new = oslo_case(users, bergen_case)
    asked = carry_over_ask(actor=users["olav.oslo"], case=new, needs_and_plan=True, group=True)
    client.force_login(users["kari.kontakt"])
    holder_url = reverse("cases:carry_over_holder", kwargs={"code": bergen_case.code, "carry_over_id": asked.pk})
    assert client.post(holder_url, {"agree": "no", "reason": ""}).status_code == 400
    assert CarryOver.objects.get(pk=asked.pk).holder_answer == Answer.WAITING
    assert client.post(holder_url, {"agree": "no", "reason": "Hun har bedt oss om å vente."}).status_code == 302

    client.force_login(User.objects.get(username="sigrid"))
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    assert "Use what you worked on last time?" not in page  # nothing left to answer
    person_url = reverse("cases:carry_over_person", kwargs={"code": new.code, "carry_over_id": asked.pk})
    assert client.post(person_url, {"agree": "yes"}).status_code == 400
    assert not Need.objects.filter(case=new).exists()
    assert not Membership.objects.filter(case=new).exclude(user=users["olav.oslo"]).exists()

    client.force_login(users["olav.oslo"])
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    assert "Hun har bedt oss om å vente." in page


def test_no_one_answers_for_the_person_or_for_the_earlier_prison(client, users, bergen_case, personas):
    new = oslo_case(users, bergen_case)
    asked = carry_over_ask(actor=users["olav.oslo"], case=new, needs_and_plan=True, group=False)
    person_url = reverse("cases:carry_over_person", kwargs={"code": new.code, "carry_over_id": asked.pk})
    holder_on_new = reverse("cases:carry_over_holder", kwargs={"code": new.code, "carry_over_id": asked.pk})
    holder_on_earlier = reverse("cases:carry_over_holder", kwargs={"code": bergen_case.code, "carry_over_id": asked.pk})

    client.force_login(users["olav.oslo"])
    assert client.post(person_url, {"agree": "yes"}).status_code == 403  # staff are not the person
    assert client.post(holder_on_new, {"agree": "yes"}).status_code == 404  # not a request about his case
    assert client.post(holder_on_earlier, {"agree": "yes"}).status_code == 404  # a case he cannot see

    # Another person, and another case's request id under one's own code.
    client.force_login(personas.person)
    own_code = Case.objects.get(person__user=personas.person).code
    other = reverse("cases:carry_over_person", kwargs={"code": own_code, "carry_over_id": asked.pk})
    assert client.post(other, {"agree": "yes"}).status_code == 404

    # A member of the earlier case who was removed today.
    kari = users["kari.kontakt"]
    sara = users["sara.sosial"]
    from cases.services import membership_add

    membership = membership_add(actor=kari, case=bergen_case, user=sara)
    client.force_login(sara)
    membership_end(actor=kari, membership=Membership.objects.get(pk=membership.pk))
    assert client.post(holder_on_earlier, {"agree": "yes"}).status_code == 404

    current = CarryOver.objects.get(pk=asked.pk)
    assert (current.person_answer, current.holder_answer, current.carried_out_at) == ("", "", None)
    assert not Need.objects.filter(case=new).exists()


def test_every_read_of_the_earlier_case_is_an_access_event_the_person_sees(client, users, bergen_case):
    new = oslo_case(users, bergen_case)
    olav = users["olav.oslo"]
    asked = carry_over_ask(actor=olav, case=new, needs_and_plan=True, group=False)
    reads = AccessEvent.objects.filter(case=bergen_case, user=olav, purpose=AccessPurpose.CARRY_OVER)
    assert reads.count() == 1  # asking read whether the earlier case is open
    from cases.services import carry_over_holder_answer, carry_over_person_answer

    carry_over_holder_answer(actor=users["kari.kontakt"], carry_over=asked, agree=True)
    carry_over_person_answer(actor=User.objects.get(username="sigrid"), carry_over=asked, agree=True)
    assert reads.count() == 2  # and the copy read it again

    client.force_login(User.objects.get(username="sigrid"))
    log = client.get(reverse("cases:access_log", kwargs={"code": bergen_case.code})).content.decode()
    assert olav.display_name in log


def test_a_closed_earlier_case_travels_on_the_persons_word_alone(users, bergen_case):
    from cases.services import carry_over_person_answer
    from handover.services import case_close

    kari = users["kari.kontakt"]
    closed = case_close(actor=kari, case=bergen_case, reason="Løslatt, ferdig fulgt opp.", version=bergen_case.version)
    new = oslo_case(users, closed)
    asked = carry_over_ask(actor=users["olav.oslo"], case=new, needs_and_plan=True, group=False)
    assert not asked.holder_asked
    carry_over_person_answer(actor=User.objects.get(username="sigrid"), carry_over=asked, agree=True)
    assert list(Need.objects.filter(case=new).values_list("own_words", flat=True)) == [SHARED]
