"""The own-words services, called directly: each write keeps the person's words as written, journaled with
who, what and the values in its transaction; refused words save nothing; a meeting request is answered once.

test_words.py holds the behaviour (forms, who reads what); these pin each service's own contract.
"""

import pytest
from django.core.exceptions import ValidationError

from handover.services import case_close
from journal.models import JournalEntry
from needs.models import Need
from ownwords.models import MAX_SUITS, MAX_TEXT, OwnWords, WordsKind
from ownwords.services import (
    meeting_request,
    meeting_request_answer,
    need_words_write,
    proposal_words_write,
    wish_write,
)
from plans.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, int]:
    return OwnWords.objects.count(), JournalEntry.objects.count()


def entry_for(words: OwnWords, action: str) -> JournalEntry:
    return JournalEntry.objects.get(action=action, object_type="ownwords.ownwords", object_id=str(words.pk))


def test_words_on_a_need_go_on_the_needs_own_case_with_every_value_journaled(personas, case):
    need = Need.objects.get(case=case, life_area__slug="housing")
    words = need_words_write(actor=personas.person, need=need, text="Nær mamma.")
    assert (words.case_id, words.kind, words.need_id, words.measure_id) == (case.pk, WordsKind.NEED, need.pk, None)
    entry = entry_for(words, "words.need")
    assert (entry.actor, entry.case_id, entry.old) == (personas.person, case.pk, None)
    assert entry.new == {"kind": "need", "need": need.pk, "measure": None, "text": "Nær mamma.", "suits": ""}


def test_a_wish_is_about_nothing_but_the_case(personas, case):
    words = wish_write(actor=personas.person, case=case, text="  Et eget sted å bo.  ")
    entry = entry_for(words, "words.wish")
    assert entry.new == {"kind": "wish", "need": None, "measure": None, "text": "Et eget sted å bo.", "suits": ""}


@pytest.mark.parametrize("status", [MeasureStatus.CHOSEN, MeasureStatus.REJECTED, MeasureStatus.DONE])
def test_words_on_a_proposal_are_taken_only_while_it_is_a_proposal(personas, case, status):
    measure = Measure.objects.filter(case=case, status=MeasureStatus.PROPOSED).first()
    assert measure is not None
    words = proposal_words_write(actor=personas.person, measure=measure, text="Jeg mangler pass.")
    entry = entry_for(words, "words.proposal")
    assert entry.new is not None and (entry.new["measure"], entry.new["kind"]) == (measure.pk, "proposal")
    Measure.objects.filter(pk=measure.pk).update(status=status, status_reason="Testgrunn.")
    measure.refresh_from_db()
    before = rows()
    with pytest.raises(ValidationError):
        proposal_words_write(actor=personas.person, measure=measure, text="For sent.")
    assert rows() == before


def test_a_meeting_request_keeps_when_it_suits_and_refuses_too_long_a_when(personas, case):
    words = meeting_request(actor=personas.person, case=case, text="Boligen", suits="  Tirsdag formiddag  ")
    assert words.suits == "Tirsdag formiddag"
    assert entry_for(words, "words.meeting").new == {
        "kind": "meeting",
        "need": None,
        "measure": None,
        "text": "Boligen",
        "suits": "Tirsdag formiddag",
    }
    before = rows()
    with pytest.raises(ValidationError) as refused:
        meeting_request(actor=personas.person, case=case, text="Boligen", suits="x" * (MAX_SUITS + 1))
    assert "suits" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        meeting_request(actor=personas.person, case=case, text="x" * (MAX_TEXT + 1))
    assert "text" in refused.value.message_dict
    assert rows() == before


def test_answering_a_request_journals_the_old_and_new_answer(personas, case):
    asked = meeting_request(actor=personas.person, case=case, text="Boligen")
    answered = meeting_request_answer(actor=personas.contact_officer, words=asked)
    entry = entry_for(asked, "words.answered")
    assert (entry.actor, entry.case_id) == (personas.contact_officer, case.pk)
    assert answered.answered_at is not None
    assert entry.new == {"answered_at": answered.answered_at.isoformat(), "answered_by": personas.contact_officer.pk}
    assert OwnWords.objects.get(pk=asked.pk).text == "Boligen"  # the words themselves never change


def test_a_request_on_a_case_closed_since_cannot_be_answered(personas, case):
    asked = meeting_request(actor=personas.person, case=case, text="Boligen")
    case_close(actor=personas.contact_officer, case=case, reason="Ferdig.", version=case.version)
    before = rows()
    with pytest.raises(ValidationError):
        meeting_request_answer(actor=personas.contact_officer, words=asked)
    assert rows() == before
    assert OwnWords.objects.get(pk=asked.pk).answered_at is None
