"""The meeting page costs the same number of queries however many needs, measures, members and changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import Membership
from directory.models import Service
from journal.display import name_of
from meetings.models import Meeting, MeetingKind
from meetings.services import attendance_record, decision_record, meeting_book
from needs.services import conversation_record, need_create
from plans.models import Measure
from plans.services import measure_propose, measure_service_set, measure_update
from plans.tests.test_query_budget import count_queries, grow
from population.tests.test_query_counts import second_factor_read
from reference.models import Knot, LifeArea

pytestmark = pytest.mark.django_db


def warm_count(client, url) -> int:
    """The page's queries once the worker keeps the reference data its agenda names (``reference.names``):
    the first request after a worker starts, or forgets, reads those tables, once a minute at most."""
    client.get(url)
    return count_queries(client, url)


#: Measured: 27 queries for the contact officer with the decision forms asked for (fewer without). The
#: agenda names what its changes refer to (agencies, people, life areas, tangles, needs conversations):
#: one query per kind of object, whatever the number of changes.
# + the obstacles logged since the previous meeting (issue 19), + the second factor's device (issue 23)
# 22 since the agenda names them with no query of its own: the people and services with the measures' titles,
# the reference data from what the worker keeps (meetings.selectors.agenda_and_measures)
MEETING_PAGE_BUDGET = 22


@pytest.mark.parametrize("persona", ["contact_officer", "nav_with_consent", "person", "municipal_without_consent"])
def test_the_meeting_page_query_count_is_constant(client_for, case, personas, persona, django_assert_max_num_queries):
    today = timezone.localdate()
    meeting = Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
    client = client_for(getattr(personas, persona))
    url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk})
    # The page, and the page with the forms that are built when asked for.
    urls = [url, f"{url}?form=attendance", f"{url}?form=decision"]
    small = [warm_count(client, each) for each in urls]
    grow(case, personas, today, 8)
    for membership in Membership.objects.filter(case=case, user__username__startswith="grow"):
        attendance_record(actor=personas.contact_officer, meeting=meeting, membership=membership, present=True)
    for measure in Measure.objects.filter(case=case, status="chosen")[:5]:
        decision_record(
            actor=personas.contact_officer, meeting=meeting, text="Start.", measure=measure, status="started"
        )
    large = [warm_count(client, each) for each in urls]
    assert small == large, (small, large)
    for each in urls:
        with django_assert_max_num_queries(MEETING_PAGE_BUDGET):
            client.get(each)


#: The meeting page's queries, whatever its agenda's changes name (the agenda's names are read with
#: the measures' titles, the reference data from what the worker keeps): measured on the demo case.
#: Before, each kind of thing named took a query (tangles, knots, life areas, needs conversations,
#: agencies, people, services): 16 to 22 for the contact officer on the 50,000-case bench.
MEETING_PAGE_QUERIES = {"contact_officer": 17, "nav_with_consent": 14, "person": 14}


@pytest.mark.parametrize("persona", sorted(MEETING_PAGE_QUERIES))
def test_the_meeting_page_asks_as_many_queries_whatever_its_agenda_names(client_for, case, personas, persona):
    officer = personas.contact_officer
    now = timezone.now()
    first = meeting_book(
        actor=officer, case=case, kind=MeetingKind.GROUP, starts_at=now + timedelta(days=3), place="Room 1"
    )
    # The next group meeting's agenda starts where the first one's ends: it stays empty.
    empty = meeting_book(
        actor=officer, case=case, kind=MeetingKind.GROUP, starts_at=now + timedelta(days=4), place="Room 1"
    )
    client = client_for(getattr(personas, persona))

    def counts() -> list[int]:
        return [
            warm_count(client, reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk}))
            for meeting in (first, empty)
        ]

    seen = [counts()]
    # A need names its tangle, life area, knot and needs conversation.
    knot = Knot.objects.order_by("pk")[0]
    area = LifeArea.objects.filter(tangle=knot.tangle).order_by("pk")[0]
    conversation = conversation_record(actor=officer, case=case, held_on=timezone.localdate())
    need = need_create(actor=officer, case=case, life_area=area, knot=knot, summary="Papers", conversation=conversation)
    seen.append(counts())
    # A measure names its agency and the person responsible; then another person, then a service.
    measure = measure_propose(
        actor=officer,
        case=case,
        title="Get the papers",
        needs=[need],
        responsible_user=officer,
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + timedelta(days=10),
        requires_of_person="Come along",
    )
    seen.append(counts())
    measure = measure_update(
        actor=officer, measure=measure, version=measure.version, responsible_user=personas.nav_with_consent
    )
    measure = measure_service_set(actor=officer, measure=measure, service=Service.objects.order_by("pk")[0])
    seen.append(counts())
    expected = MEETING_PAGE_QUERIES[persona] + second_factor_read(persona)
    assert seen == [[expected, expected]] * len(seen), seen
    if persona == "contact_officer":  # and the agenda named them all
        page = client.get(
            reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": first.pk})
        ).content.decode()
        named = [knot.name, knot.tangle.name, area.name, Service.objects.order_by("pk")[0].name, officer.agency.name]
        named += [personas.nav_with_consent.display_name, officer.display_name, name_of(conversation)]
        assert all(escape(name) in page for name in named), [name for name in named if escape(name) not in page]
