"""The person's own words (issue 18, point 3): written by the person only, journaled, read by exactly
those who read what the words are about, never changed by staff."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from access.policy import access_by_code
from accounts.models import User
from cases.models import Case
from consent.services import consent_withdraw
from handover.services import case_close
from journal.models import JournalEntry
from meetings.models import MeetingKind
from meetings.services import meeting_book
from needs.models import Need
from ownwords import selectors
from ownwords.models import MAX_TEXT, OwnWords, WordsKind
from ownwords.services import (
    meeting_request,
    meeting_request_answer,
    need_words_write,
    proposal_words_write,
    wish_write,
)
from plans.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db

CANARY = "ORDENE-TIL-JONAS-7731"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def open_need(case):
    return Need.objects.filter(case=case, private=False, shared_with_volunteers=False).order_by("pk").first()


@pytest.fixture
def private_need(case):
    return Need.objects.get(case=case, private=True)


@pytest.fixture
def shared_need(case):
    return Need.objects.get(case=case, shared_with_volunteers=True)


@pytest.fixture
def proposal(case):
    return Measure.objects.filter(case=case, status=MeasureStatus.PROPOSED).order_by("pk").first()


def counts() -> tuple[int, int]:
    return OwnWords.objects.count(), JournalEntry.objects.count()


def need_url(case: Case, need: Need) -> str:
    return reverse("ownwords:need", kwargs={"code": case.code, "need_id": need.pk})


# --- The service: one row and its journal entry, or nothing -------------------------------------


def test_words_on_a_need_are_saved_with_their_journal_entry(personas, open_need):
    words = need_words_write(actor=personas.person, need=open_need, text=f"  {CANARY} Jeg vil bo nær mora mi.  ")
    assert words.text == f"{CANARY} Jeg vil bo nær mora mi." and words.kind == WordsKind.NEED
    entry = JournalEntry.objects.get(object_type="ownwords.ownwords", object_id=str(words.pk))
    assert entry.action == "words.need" and entry.actor == personas.person and entry.case_id == open_need.case_id
    assert entry.old is None and entry.new is not None
    assert entry.new["text"] == words.text and entry.new["need"] == open_need.pk


@pytest.mark.parametrize(
    ("write", "action"),
    [
        (lambda person, case: wish_write(actor=person, case=case, text="Et eget sted å bo."), "words.wish"),
        (
            lambda person, case: meeting_request(actor=person, case=case, text="Boligen", suits="Tirsdag formiddag"),
            "words.meeting",
        ),
    ],
)
def test_a_wish_and_a_meeting_request_are_journaled(personas, case, write, action):
    words = write(personas.person, case)
    assert JournalEntry.objects.filter(action=action, object_id=str(words.pk), actor=personas.person).count() == 1


def test_words_on_a_proposal_are_journaled_and_only_while_it_is_a_proposal(personas, proposal, case):
    words = proposal_words_write(actor=personas.person, measure=proposal, text="Jeg har ikke pass.")
    assert JournalEntry.objects.filter(action="words.proposal", object_id=str(words.pk)).count() == 1
    started = Measure.objects.get(case=case, status=MeasureStatus.STARTED)
    before = counts()
    with pytest.raises(ValidationError):
        proposal_words_write(actor=personas.person, measure=started, text="For sent.")
    assert counts() == before


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (MAX_TEXT + 1)])
def test_empty_or_too_long_words_are_refused_and_nothing_changes(personas, open_need, text):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        need_words_write(actor=personas.person, need=open_need, text=text)
    assert "Nothing was saved" in " ".join(refused.value.messages)
    assert counts() == before


def close(case: Case, personas) -> Case:
    return case_close(actor=personas.contact_officer, case=case, reason="Oppfølgingen er ferdig.", version=case.version)


def test_a_closed_case_refuses_the_words_with_a_clear_message(personas, case, open_need):
    close(case, personas)
    open_need.case.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        need_words_write(actor=personas.person, need=open_need, text="Hei")
    assert "closed" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        meeting_request(actor=personas.person, case=open_need.case, text="Møte")
    assert counts() == before


def test_a_meeting_request_is_answered_once_and_journaled(personas, case):
    asked = meeting_request(actor=personas.person, case=case, text="Boligen")
    answered = meeting_request_answer(actor=personas.contact_officer, words=asked)
    assert answered.answered_by == personas.contact_officer and answered.answered_at is not None
    entry = JournalEntry.objects.get(action="words.answered", object_id=str(asked.pk))
    assert entry.old == {"answered_at": None, "answered_by": None} and entry.actor == personas.contact_officer
    before = counts()
    with pytest.raises(ValidationError):
        meeting_request_answer(actor=personas.contact_officer, words=asked)
    assert counts() == before
    wish = wish_write(actor=personas.person, case=case, text="Jobb")
    with pytest.raises(ValidationError):
        meeting_request_answer(actor=personas.contact_officer, words=wish)


# --- The person's forms --------------------------------------------------------------------------


def test_the_person_writes_words_on_a_need_and_sees_them_marked_as_theirs(client_for, personas, case, open_need):
    client = client_for(personas.person)
    url = need_url(case, open_need)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": CANARY}, follow=True)
    assert response.redirect_chain[0] == (url, 302)
    assert OwnWords.objects.filter(need=open_need, text=CANARY, written_by=personas.person).exists()
    page = response.content.decode()
    assert CANARY in page and "Your words are saved." in page and "You wrote this on" in page
    # On the person's own needs map, under the need, with the way to add more.
    needs_map = client.get(reverse("needs:map", kwargs={"code": case.code})).content.decode()
    assert CANARY in needs_map and url in needs_map


@pytest.mark.parametrize(("text", "said"), [("", "Write something first"), ("x" * (MAX_TEXT + 1), "too much")])
def test_the_form_refuses_empty_or_too_long_words_with_a_clear_message(
    client_for, personas, case, open_need, text, said
):
    before = counts()
    response = client_for(personas.person).post(need_url(case, open_need), {"text": text})
    assert response.status_code == 400 and said in response.content.decode()
    assert counts() == before


def test_the_person_asks_for_a_meeting(client_for, personas, case):
    client = client_for(personas.person)
    url = reverse("ownwords:meeting", kwargs={"code": case.code})
    response = client.post(url, {"text": "Om boligen", "suits": "Tirsdag formiddag"}, follow=True)
    assert response.status_code == 200
    asked = OwnWords.objects.get(case=case, kind=WordsKind.MEETING)
    assert (asked.text, asked.suits) == ("Om boligen", "Tirsdag formiddag")
    page = response.content.decode()
    assert "Waiting for an answer" in page and "Tirsdag formiddag" in page


def test_too_long_a_when_is_refused(client_for, personas, case):
    before = counts()
    url = reverse("ownwords:meeting", kwargs={"code": case.code})
    response = client_for(personas.person).post(url, {"text": "Om boligen", "suits": "x" * 201})
    assert response.status_code == 400 and counts() == before


def test_the_person_writes_a_wish_and_a_comment_on_a_proposal(client_for, personas, case, proposal):
    client = client_for(personas.person)
    client.post(reverse("ownwords:wish", kwargs={"code": case.code}), {"text": "Bo i Bergen"})
    client.post(reverse("ownwords:proposal", kwargs={"code": case.code, "measure_id": proposal.pk}), {"text": CANARY})
    assert OwnWords.objects.filter(case=case, kind=WordsKind.WISH, text="Bo i Bergen").exists()
    assert OwnWords.objects.filter(measure=proposal, text=CANARY).exists()
    plan = client.get(reverse("plans:plan", kwargs={"code": case.code})).content.decode()
    assert reverse("ownwords:proposal", kwargs={"code": case.code, "measure_id": proposal.pk}) in plan


def test_a_closed_case_refuses_the_form_with_a_clear_message(client_for, personas, case, open_need):
    close(case, personas)
    before = counts()
    response = client_for(personas.person).post(need_url(case, open_need), {"text": "Hei"})
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("persona", ["contact_officer", "social_worker", "nav_with_consent", "volunteer"])
def test_staff_and_members_get_403_on_the_persons_forms_and_change_nothing(
    client_for, personas, case, open_need, persona
):
    client = client_for(getattr(personas, persona))
    before = counts()
    for url in (
        need_url(case, open_need),
        reverse("ownwords:wish", kwargs={"code": case.code}),
        reverse("ownwords:meeting", kwargs={"code": case.code}),
    ):
        assert client.post(url, {"text": "Skrevet av en annen"}).status_code == 403
    assert counts() == before


def test_the_person_gets_404_for_a_need_of_another_case(client_for, personas, case, other_case):
    theirs = Need.objects.filter(case=other_case).first() or Need.objects.exclude(case=case).first()
    assert theirs is not None
    client = client_for(personas.person)
    before = counts()
    url = reverse("ownwords:need", kwargs={"code": case.code, "need_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Hei"}).status_code == 404
    assert counts() == before


# --- Who reads the words -----------------------------------------------------------------------


@pytest.fixture
def words_everywhere(personas, open_need, private_need, shared_need, proposal, case):
    """One word of each kind, each with its own canary."""
    person = personas.person
    return {
        "open": need_words_write(actor=person, need=open_need, text="CANARY-OPEN-NEED"),
        "private": need_words_write(actor=person, need=private_need, text="CANARY-PRIVATE-NEED"),
        "shared": need_words_write(actor=person, need=shared_need, text="CANARY-SHARED-NEED"),
        "proposal": proposal_words_write(actor=person, measure=proposal, text="CANARY-PROPOSAL"),
        "wish": wish_write(actor=person, case=case, text="CANARY-WISH"),
        "meeting": meeting_request(actor=person, case=case, text="CANARY-MEETING"),
    }


READS = {
    # Who reads which words, by the rule of the thing they are about.
    "person": {"open", "private", "shared", "proposal", "wish", "meeting"},
    "contact_officer": {"open", "private", "shared", "proposal", "wish", "meeting"},
    "social_worker": {"open", "shared", "proposal", "wish", "meeting"},  # a private need is the contact officer's
    "nav_with_consent": {"open", "shared", "proposal", "wish", "meeting"},
    "municipal_without_consent": set(),
    "volunteer": set(),  # Vera is not covered by the consent: she sees no need, not even the shared one
}


@pytest.mark.parametrize("persona", sorted(READS))
def test_each_reads_exactly_the_words_on_what_they_may_see(personas, case, words_everywhere, persona):
    access = access_by_code(getattr(personas, persona), case.code)
    assert access is not None
    read = {name for name, words in words_everywhere.items() if words in selectors.words_for_case(access)}
    assert read == READS[persona]


@pytest.mark.parametrize("persona", ["outsider", "admin", "analyst"])
def test_another_prison_and_those_who_see_no_case_read_nothing(personas, case, words_everywhere, persona):
    assert access_by_code(getattr(personas, persona), case.code) is None


def test_a_removed_member_reads_nothing(client_for, personas, case, words_everywhere):
    helge = User.objects.get(username="helge.helse")  # in the group until two days ago
    assert access_by_code(helge, case.code) is None
    client = client_for(helge)
    for name in ("cases:overview", "needs:map"):
        assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 404


def test_a_withdrawn_consent_hides_the_words_on_the_next_request(client_for, personas, case, words_everywhere):
    client = client_for(personas.nav_with_consent)
    overview = reverse("cases:overview", kwargs={"code": case.code})
    page = client.get(overview).content.decode()
    assert "CANARY-OPEN-NEED" in page and "CANARY-WISH" in page and "CANARY-PRIVATE-NEED" not in page
    consent_withdraw(actor=personas.person, case=case)
    page = client.get(overview).content.decode()
    assert not any(f"CANARY-{name}" in page for name in ("OPEN-NEED", "WISH", "MEETING", "PROPOSAL", "SHARED-NEED"))
    assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 403
    access = access_by_code(personas.nav_with_consent, case.code)
    assert access is not None and not selectors.words_for_case(access).filter(kind=WordsKind.NEED).exists()


def test_the_journal_hides_words_from_those_who_may_not_read_them(personas, case, words_everywhere):
    """The agenda and the change log are built from the journal: words on a private need stay private there."""
    entries = JournalEntry.objects.filter(case=case, object_type="ownwords.ownwords")
    for persona, reads in READS.items():
        access = access_by_code(getattr(personas, persona), case.code)
        assert access is not None
        shown = set(entries.filter(access.journal_filter).values_list("object_id", flat=True))
        assert shown == {str(words_everywhere[name].pk) for name in reads}, persona


def test_staff_see_the_words_on_the_needs_map_the_measure_and_the_overview(
    client_for, personas, case, words_everywhere
):
    client = client_for(personas.contact_officer)
    needs_map = client.get(reverse("needs:map", kwargs={"code": case.code})).content.decode()
    assert "CANARY-OPEN-NEED" in needs_map and "CANARY-PRIVATE-NEED" in needs_map
    assert "Jonas wrote this on" in needs_map and "in their own words" in needs_map
    assert reverse("ownwords:need", kwargs={"code": case.code, "need_id": words_everywhere["open"].need_id}) not in (
        needs_map
    )  # staff never get the person's form
    measure = words_everywhere["proposal"].measure
    page = client.get(reverse("plans:measure", kwargs={"code": case.code, "measure_id": measure.pk})).content.decode()
    assert "CANARY-PROPOSAL" in page and "What Jonas thinks of it" in page
    overview = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert "CANARY-WISH" in overview and "CANARY-MEETING" in overview and "Mark as answered" in overview


def test_the_municipality_without_consent_sees_no_words_on_the_overview(client_for, personas, case, words_everywhere):
    page = client_for(personas.municipal_without_consent).get(reverse("cases:overview", kwargs={"code": case.code}))
    assert page.status_code == 200 and "CANARY" not in page.content.decode()


# --- A meeting request on the lead's "what is due" -----------------------------------------------


def due_requests(client) -> str:
    return client.get(reverse("timetable:due")).content.decode()


def test_a_meeting_request_stays_on_the_leads_due_list_until_a_meeting_is_booked(client_for, personas, case):
    asked = meeting_request(actor=personas.person, case=case, text="Om boligen")
    marker = f'data-meeting-request="{asked.pk}"'
    assert case.lead.user == personas.contact_officer
    assert marker in due_requests(client_for(personas.contact_officer))
    assert marker not in due_requests(client_for(personas.social_worker))  # the lead's, not every staff's
    meeting_book(
        actor=personas.contact_officer,
        case=case,
        kind=MeetingKind.WITH_PERSON,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Bergen fengsel, møterom 1",
        person_attends=True,
    )
    assert marker not in due_requests(client_for(personas.contact_officer))
    access = access_by_code(personas.person, case.code)
    assert access is not None and selectors.case_words(access).open_requests == []


def test_the_lead_marks_a_request_answered_and_it_leaves_the_due_list(client_for, personas, case):
    asked = meeting_request(actor=personas.person, case=case, text="Om boligen")
    url = reverse("ownwords:answered", kwargs={"code": case.code, "words_id": asked.pk})
    before = counts()
    assert client_for(personas.nav_with_consent).post(url).status_code == 403
    assert client_for(personas.person).post(url).status_code == 403
    assert counts() == before
    client = client_for(personas.contact_officer)
    response = client.post(url)
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.answered_by == personas.contact_officer
    assert f'data-meeting-request="{asked.pk}"' not in due_requests(client)
    # Twice: a clear message, nothing changes, no error.
    before = counts()
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "already marked as answered" in response.content.decode()
    assert counts() == before


def test_a_request_of_another_case_cannot_be_answered_under_this_code(client_for, personas, case, other_case):
    theirs = OwnWords.objects.create(case=other_case, kind=WordsKind.MEETING, text="Hei", written_by=personas.admin)
    url = reverse("ownwords:answered", kwargs={"code": case.code, "words_id": theirs.pk})
    assert client_for(personas.contact_officer).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.answered_at is None


def test_a_covered_volunteer_reads_words_only_on_the_need_shared_with_volunteers(personas):
    thomas_case = Case.objects.get(person__first_name="Thomas")
    thomas = User.objects.get(username="thomas")
    shared = Need.objects.get(case=thomas_case, shared_with_volunteers=True)
    kept = Need.objects.filter(case=thomas_case, shared_with_volunteers=False).first()
    assert kept is not None
    on_shared = need_words_write(actor=thomas, need=shared, text="Delt")
    need_words_write(actor=thomas, need=kept, text="Ikke delt")
    wish_write(actor=thomas, case=thomas_case, text="Ønske")
    meeting_request(actor=thomas, case=thomas_case, text="Møte")
    access = access_by_code(personas.volunteer, thomas_case.code)
    assert access is not None and access.covered_by_consent
    assert list(selectors.words_for_case(access)) == [on_shared]
