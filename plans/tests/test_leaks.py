"""Canary strings in needs and in the measures that answer them reach only the roles that may see them,
on every page of the plan and the meetings (ASSURANCE #6)."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, MeetingKind
from needs.services import need_create
from plans.services import measure_move, measure_propose
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

PRIVATE_NEED = "CANARY-PRIVATE-NEED-51e2"
PRIVATE_MEASURE = "CANARY-PRIVATE-MEASURE-8c0d"
SHARED_NEED = "CANARY-SHARED-NEED-2b7f"
SHARED_MEASURE = "CANARY-SHARED-MEASURE-a913"

MAY_SEE_PRIVATE = {"person", "contact_officer"}
MAY_SEE_SHARED = {"person", "contact_officer", "social_worker", "nav_with_consent"}


@pytest.fixture
def canaries(personas, case, today):
    kari = personas.contact_officer
    for words, private, title in ((PRIVATE_NEED, True, PRIVATE_MEASURE), (SHARED_NEED, False, SHARED_MEASURE)):
        need = need_create(
            actor=kari, case=case, life_area=LifeArea.objects.get(slug="debt"), own_words=words, private=private
        )
        measure = measure_propose(
            actor=kari,
            case=case,
            title=title,
            needs=[need],
            responsible_user=kari,
            start_date=today,
            due_date=today,
            requires_of_person=f"{title} requires",
        )
        measure_move(actor=kari, measure=measure, status="chosen")


def pages(case) -> list[str]:
    meeting = Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
    urls = [reverse(name, kwargs={"code": case.code}) for name in ("plans:plan", "plans:versions", "plans:compare")]
    urls += [reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk})]
    urls += [reverse("meetings:list", kwargs={"code": case.code})]
    return urls


def test_canaries_in_plan_and_meeting_pages_reach_only_the_roles_that_may_see_them(client, personas, case, canaries):
    scanned = 0
    leaks = []
    seen = set()
    for persona, user in personas.items():
        client.force_login(user)
        for url in pages(case):
            body = client.get(url).content.decode()
            scanned += 1
            for canary, allowed in (
                (PRIVATE_NEED, MAY_SEE_PRIVATE),
                (PRIVATE_MEASURE, MAY_SEE_PRIVATE),
                (SHARED_NEED, MAY_SEE_SHARED),
                (SHARED_MEASURE, MAY_SEE_SHARED),
            ):
                if canary in body:
                    seen.add((persona, canary))
                    if persona not in allowed:
                        leaks.append(f"{canary} reached {persona} on {url}")
    assert scanned == len(personas.items()) * 5
    assert leaks == []
    # The canaries are really there for those who may see them, so the test cannot pass by finding nothing.
    assert {
        ("contact_officer", PRIVATE_MEASURE),
        ("person", PRIVATE_NEED),
        ("nav_with_consent", SHARED_MEASURE),
    } <= seen
