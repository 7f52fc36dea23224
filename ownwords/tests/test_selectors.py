"""The own-words reads, called directly: oldest first, each marked open or not, sorted by what they are about,
limited to what the viewer reads; one request by id or a 404; and the open requests on the cases a user leads."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from core.tests.granted import granted_access as access
from handover.services import case_close
from meetings.models import MeetingKind
from meetings.services import meeting_book
from needs.models import Need
from ownwords.models import OwnWords, WordsKind
from ownwords.selectors import (
    case_words,
    meeting_request_for_case,
    meeting_requests,
    open_requests_for_lead,
    wishes,
    words_for_case,
    words_on_measure,
    words_on_need,
)
from ownwords.services import (
    meeting_request,
    meeting_request_answer,
    need_words_write,
    proposal_words_write,
    wish_write,
)
from plans.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(personas, case) -> dict[str, OwnWords]:
    """One of each kind on Jonas's case, in this order; two meeting requests, one answered."""
    person = personas.person
    housing = Need.objects.get(case=case, life_area__slug="housing")
    private = Need.objects.get(case=case, private=True)
    proposal = Measure.objects.filter(case=case, status=MeasureStatus.PROPOSED).order_by("pk").first()
    assert proposal is not None
    written = {
        "housing": need_words_write(actor=person, need=housing, text="housing"),
        "private": need_words_write(actor=person, need=private, text="private"),
        "proposal": proposal_words_write(actor=person, measure=proposal, text="proposal"),
        "wish": wish_write(actor=person, case=case, text="wish"),
        "open": meeting_request(actor=person, case=case, text="open"),
        "answered": meeting_request(actor=person, case=case, text="answered"),
    }
    meeting_request_answer(actor=personas.contact_officer, words=written["answered"])
    return written


def texts(found) -> list[str]:
    return [w.text for w in found]


def test_words_for_case_come_oldest_first_each_marked_open_or_not(personas, case, words):
    found = list(words_for_case(access(personas.person, case)))
    assert texts(found) == ["housing", "private", "proposal", "wish", "open", "answered"]
    assert {w.text for w in found if w.is_open} == {"open"}  # only an unanswered request is open


def test_a_meeting_booked_after_a_request_closes_it(personas, case, words):
    meeting_book(
        actor=personas.contact_officer,
        case=case,
        kind=MeetingKind.WITH_PERSON,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Møterom 1",
        person_attends=True,
    )
    assert not any(w.is_open for w in words_for_case(access(personas.person, case)))
    later = meeting_request(actor=personas.person, case=case, text="later")  # asked after the booking
    assert [w.pk for w in words_for_case(access(personas.person, case)) if w.is_open] == [later.pk]


def test_case_words_sort_the_words_by_what_they_are_about(personas, case, words):
    found = case_words(access(personas.contact_officer, case))
    assert {need_id: texts(ws) for need_id, ws in found.by_need.items()} == {
        words["housing"].need_id: ["housing"],
        words["private"].need_id: ["private"],
    }
    assert {measure_id: texts(ws) for measure_id, ws in found.by_measure.items()} == {
        words["proposal"].measure_id: ["proposal"]
    }
    assert texts(found.wishes) == ["wish"]
    assert texts(found.requests) == ["open", "answered"]
    assert texts(found.open_requests) == ["open"]


def test_each_kinds_read_keeps_its_kind_and_what_it_is_about_and_the_viewers_limits(personas, case, words):
    kari, sara = access(personas.contact_officer, case), access(personas.social_worker, case)
    private_need = words["private"].need_id
    assert private_need is not None and words["housing"].need_id is not None
    assert texts(words_on_need(kari, private_need)) == ["private"]
    assert words_on_need(sara, private_need) == []  # a private need's words are the contact officer's
    assert texts(words_on_need(sara, words["housing"].need_id)) == ["housing"]
    proposal = words["proposal"].measure_id
    assert proposal is not None
    assert texts(words_on_measure(sara, proposal)) == ["proposal"]
    assert words_on_measure(sara, proposal + 10**6) == []
    assert texts(wishes(sara)) == ["wish"]
    assert texts(meeting_requests(sara)) == ["open", "answered"]
    mona = access(personas.municipal_without_consent, case)  # no consent: no case facts, no needs
    assert (wishes(mona), meeting_requests(mona), words_on_need(mona, words["housing"].need_id)) == ([], [], [])


def test_one_meeting_request_by_id_or_the_same_404(personas, case, other_case, words):
    kari = access(personas.contact_officer, case)
    assert meeting_request_for_case(kari, words["open"].pk).text == "open"
    theirs = OwnWords.objects.create(case=other_case, kind=WordsKind.MEETING, text="theirs", written_by=personas.admin)
    for words_id in (words["wish"].pk, theirs.pk, 2**31 - 1):  # another kind, another case, none at all
        with pytest.raises(Http404):
            meeting_request_for_case(kari, words_id)
    with pytest.raises(Http404):
        meeting_request_for_case(access(personas.municipal_without_consent, case), words["open"].pk)


def test_the_open_requests_on_the_cases_a_user_leads_oldest_first(personas, case, other_case, words):
    kari = personas.contact_officer
    assert case.lead is not None and case.lead.user == kari
    later = meeting_request(actor=personas.person, case=case, text="later")
    OwnWords.objects.create(case=other_case, kind=WordsKind.MEETING, text="theirs", written_by=personas.admin)
    assert texts(open_requests_for_lead(kari)) == ["open", "later"]
    assert not open_requests_for_lead(personas.social_worker).filter(case=case).exists()  # staff, not the lead
    assert not open_requests_for_lead(kari).filter(case=other_case).exists()
    meeting_request_answer(actor=kari, words=later)
    assert texts(open_requests_for_lead(kari)) == ["open"]
    case_close(actor=kari, case=case, reason="Ferdig.", version=case.version)
    assert not open_requests_for_lead(kari).exists()
