"""The handover review (POP step 7): needs gone through one by one, measures of those who leave
re-assigned or closed, the next meeting booked with the incoming actor; and the farewell
conversation (step 8)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.tests.oracle import access_for
from cases.models import Membership
from cases.services import membership_end
from core.tests.second_factor import Client  # force_login passes the second factor for staff
from handover.models import TransitionKind
from handover.services import transition_invite, transition_plan
from journal.models import JournalEntry
from meetings.models import MeasureHandover, Meeting, MeetingKind, NeedReview
from meetings.selectors import farewell_held, handover_review
from meetings.services import (
    measure_handover_close,
    measure_handover_reassign,
    meeting_book,
    minutes_record,
    need_review_record,
)
from meetings.tests.test_query_budget import warm_count
from needs.models import Need
from plans.models import Measure
from plans.services import measure_move, measure_propose, measure_update
from plans.tests.test_query_budget import grow

pytestmark = pytest.mark.django_db

#: Measured: 34 for the contact officer: the meeting page's 25 plus 9 for the checklist (the transition,
#: outgoing and incoming members, members who stay, needs, their reviews, measures, what this review
#: did with them, the next meeting). Other kinds of meeting keep the pinned 25.
#: 27 since the agenda names what its changes refer to with no query of its own
#: (meetings.selectors.agenda_and_measures).
REVIEW_PAGE_BUDGET = 27


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def transition(case, personas):
    """Jonas's release to the municipality is planned: Kari and Sara (Bergen fengsel) are outgoing."""
    return transition_plan(
        actor=personas.contact_officer,
        case=case,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=20),
        to_agency=personas.municipal_without_consent.agency,
    )


@pytest.fixture
def review(case, personas, transition) -> Meeting:
    """A handover review held now; the demo's group meeting in six days comes after it."""
    return meeting_book(
        actor=personas.contact_officer,
        case=case,
        kind=MeetingKind.HANDOVER_REVIEW,
        starts_at=timezone.now(),
        place="Bergen fengsel, møterom 2",
    )


def _chosen(case, personas, *, title: str, need: Need, responsible) -> Measure:
    measure = measure_propose(
        actor=personas.contact_officer,
        case=case,
        title=title,
        needs=[need],
        responsible_user=responsible,
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        requires_of_person="Møte opp.",
    )
    return measure_move(actor=personas.contact_officer, measure=measure, status="chosen", with_person=True)


@pytest.fixture
def saras_measure(case, personas):
    """A chosen measure held by the social worker, who leaves with the release."""
    housing = Need.objects.get(case=case, life_area__slug="housing")
    return _chosen(case, personas, title="Søknad om kommunal bolig", need=housing, responsible=personas.social_worker)


@pytest.fixture
def private_measure(case, personas):
    """A chosen measure for the private need, held by the contact officer, who leaves too."""
    private = Need.objects.get(case=case, private=True)
    return _chosen(case, personas, title="Samtale med psykolog", need=private, responsible=personas.contact_officer)


def _url(name: str, case, review, **kwargs) -> str:
    return reverse(f"meetings:{name}", kwargs={"code": case.code, "meeting_id": review.pk, **kwargs})


def _client_get(case, meeting, user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(_url("detail", case, meeting))
    assert response.status_code == 200
    return response.content.decode()


def test_the_checklist_counts_needs_measures_and_the_next_meeting(case, personas, transition, review, saras_measure):
    kari = personas.contact_officer
    checklist = handover_review(access_for(kari, case), review)
    # Kari sees all five needs, the private one included; one measure waits (Nils stays, so his do not).
    assert len(checklist.needs) == 5
    assert [row.measure for row in checklist.measures] == [saras_measure]
    assert checklist.measures[0].pending
    assert checklist.incoming == [] and not checklist.next_booked
    assert (checklist.done, checklist.total) == (0, 7)

    for need, _review in checklist.needs[:2]:
        need_review_record(actor=kari, meeting=review, need=need, note="Gått gjennom.")
    measure_handover_reassign(
        actor=kari,
        meeting=review,
        measure=saras_measure,
        responsible_user=personas.nav_with_consent,
        version=saras_measure.version,
    )
    transition_invite(actor=kari, transition=transition, user=personas.municipal_without_consent)

    checklist = handover_review(access_for(kari, case), review)
    assert checklist.needs_done == 2
    assert [(row.measure.pk, row.pending) for row in checklist.measures] == [(saras_measure.pk, False)]
    assert checklist.next_booked  # the group meeting in six days, and Mona is incoming
    assert (checklist.done, checklist.total) == (4, 7)

    assert "Checklist: 4 of 7 done" in _client_get(case, review, kari)


def test_a_private_need_and_its_measure_stay_hidden_from_a_member_who_may_not_see_them(
    case, personas, review, private_measure, client_for
):
    private = Need.objects.get(case=case, private=True)
    kari_page = _client_get(case, review, personas.contact_officer)
    assert private.summary in kari_page and private_measure.title in kari_page

    # Sara runs the case too (she may act), but a private need is for the person and the contact officer.
    sara = personas.social_worker
    checklist = handover_review(access_for(sara, case), review)
    assert private.pk not in {need.pk for need, _done in checklist.needs}
    assert private_measure.pk not in {row.measure.pk for row in checklist.measures}
    sara_page = _client_get(case, review, sara)
    assert private.summary not in sara_page and private_measure.title not in sara_page

    client = client_for(sara)
    assert client.post(_url("review_need", case, review, need_id=private.pk), {}).status_code == 404
    assert client.post(_url("review_close", case, review, measure_id=private_measure.pk), {}).status_code == 404
    assert not NeedReview.objects.filter(meeting=review).exists()


def test_only_those_who_run_the_case_mark_a_need_reviewed(case, personas, review, client_for):
    housing = Need.objects.get(case=case, life_area__slug="housing")
    url = _url("review_need", case, review, need_id=housing.pk)
    data = {f"need-{housing.pk}-note": "Bolig er søkt."}

    # Nils sees the need (consent), but he does not run the case: the page is read-only for him.
    nils_page = _client_get(case, review, personas.nav_with_consent)
    assert housing.summary in nils_page and "Mark as reviewed" not in nils_page
    assert client_for(personas.nav_with_consent).post(url, data).status_code == 403
    assert client_for(personas.person).post(url, data).status_code == 403
    assert not NeedReview.objects.filter(meeting=review).exists()

    response = client_for(personas.contact_officer).post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#review")
    done = NeedReview.objects.get(meeting=review, need=housing)
    assert (done.note, done.reviewed_by) == ("Bolig er søkt.", personas.contact_officer)
    entry = JournalEntry.objects.get(action="meeting.need_review", object_id=str(done.pk))
    assert entry.new["note"] == "Bolig er søkt."
    assert "Save the note" in _client_get(case, review, personas.contact_officer)

    # Marking again updates the note; still one row.
    client_for(personas.social_worker).post(url, {f"need-{housing.pk}-note": "Kontrakt signert."})
    assert NeedReview.objects.filter(meeting=review, need=housing).get().note == "Kontrakt signert."


def test_a_measure_of_someone_who_leaves_is_reassigned_through_the_review(
    case, personas, review, saras_measure, client_for
):
    client = client_for(personas.contact_officer)
    url = _url("review_reassign", case, review, measure_id=saras_measure.pk)
    prefix = f"reassign-{saras_measure.pk}"

    # Kari leaves too: she cannot take it over. Nothing changes.
    refused = client.post(
        url, {f"{prefix}-responsible_user": personas.contact_officer.pk, f"{prefix}-version": saras_measure.version}
    )
    assert refused.status_code == 400
    saras_measure.refresh_from_db()
    assert saras_measure.responsible_user == personas.social_worker

    response = client.post(
        url, {f"{prefix}-responsible_user": personas.nav_with_consent.pk, f"{prefix}-version": saras_measure.version}
    )
    assert response.status_code == 302
    saras_measure.refresh_from_db()
    assert saras_measure.responsible_user == personas.nav_with_consent
    assert saras_measure.responsible_agency == personas.nav_with_consent.agency
    handover = MeasureHandover.objects.get(meeting=review, measure=saras_measure)
    assert (handover.action, handover.from_user, handover.to_user) == (
        "reassigned",
        personas.social_worker,
        personas.nav_with_consent,
    )
    actions = set(JournalEntry.objects.filter(case=case).values_list("action", flat=True))
    assert {"measure.update", "meeting.measure_reassigned"} <= actions
    # Done: no longer offered, and a second attempt finds no such checklist item.
    assert client.post(url, {}).status_code == 404
    page = _client_get(case, review, personas.contact_officer)
    assert "Re-assigned in this review from Sara Haugen to Nils Berg." in page


def test_a_measure_of_someone_who_leaves_is_closed_with_a_reason_through_the_review(
    case, personas, review, saras_measure, client_for
):
    client = client_for(personas.social_worker)
    url = _url("review_close", case, review, measure_id=saras_measure.pk)
    prefix = f"close-{saras_measure.pk}"

    refused = client.post(url, {f"{prefix}-reason": "", f"{prefix}-version": saras_measure.version})
    assert refused.status_code == 400
    saras_measure.refresh_from_db()
    assert saras_measure.status == "chosen"

    stale = client.post(url, {f"{prefix}-reason": "Dekkes av kommunen.", f"{prefix}-version": 1})
    assert stale.status_code == 400 and "Someone else changed the measure" in stale.content.decode()

    response = client.post(url, {f"{prefix}-reason": "Dekkes av kommunen.", f"{prefix}-version": saras_measure.version})
    assert response.status_code == 302
    saras_measure.refresh_from_db()
    assert (saras_measure.status, saras_measure.status_reason) == ("cancelled", "Dekkes av kommunen.")
    assert MeasureHandover.objects.get(meeting=review, measure=saras_measure).action == "closed"
    assert JournalEntry.objects.filter(action="measure.cancelled", object_id=str(saras_measure.pk)).exists()
    assert JournalEntry.objects.filter(action="meeting.measure_closed").exists()


def test_a_proposal_is_not_closed_by_the_review_and_a_measure_of_a_member_who_left_is_listed(
    case, personas, review, client_for
):
    kari = personas.contact_officer
    proposal = Measure.objects.get(case=case, status="proposed")  # Nils's "Bankkonto og BankID"
    # Nils stays: his proposal is not on the checklist.
    assert proposal.pk not in {row.measure.pk for row in handover_review(access_for(kari, case), review).measures}
    with pytest.raises(ValidationError, match="cannot become cancelled"):
        measure_handover_close(actor=kari, meeting=review, measure=proposal, reason="Ikke aktuelt.")

    membership_end(actor=kari, membership=Membership.objects.get(case=case, user=personas.nav_with_consent))
    rows = handover_review(access_for(kari, case), review).measures
    assert proposal.pk in {row.measure.pk for row in rows if row.pending}
    page = _client_get(case, review, kari)
    assert "A proposal is not closed here" in page


def test_the_review_services_refuse_another_kind_of_meeting(case, personas, saras_measure):
    group = Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
    need = Need.objects.filter(case=case).first()
    with pytest.raises(ValidationError, match="Only a handover review"):
        need_review_record(actor=personas.contact_officer, meeting=group, need=need)
    with pytest.raises(ValidationError, match="Only a handover review"):
        measure_handover_reassign(
            actor=personas.contact_officer,
            meeting=group,
            measure=saras_measure,
            responsible_user=personas.nav_with_consent,
            version=saras_measure.version,
        )


def test_the_next_meeting_counts_only_when_booked_after_the_review_with_someone_incoming(case, personas, transition):
    kari = personas.contact_officer
    # A review after the demo's group meeting: nothing is booked after it.
    late = meeting_book(actor=kari, case=case, kind=MeetingKind.HANDOVER_REVIEW, starts_at=_at(10), place="Rom 1")
    checklist = handover_review(access_for(kari, case), late)
    assert checklist.next_meeting is None and not checklist.next_booked
    page = _client_get(case, late, kari)
    assert "No meeting is booked after this review." in page and "Book the next meeting" in page
    assert "No incoming actor yet." in page

    later = meeting_book(actor=kari, case=case, kind=MeetingKind.GROUP, starts_at=_at(12), place="Rom 1")
    checklist = handover_review(access_for(kari, case), late)
    assert checklist.next_meeting == later and not checklist.next_booked  # no one incoming yet

    transition_invite(actor=kari, transition=transition, user=personas.municipal_without_consent)
    checklist = handover_review(access_for(kari, case), late)
    assert [member.user for member in checklist.incoming] == [personas.municipal_without_consent]
    assert checklist.next_booked
    page = _client_get(case, late, kari)
    assert 'data-testid="review-next-meeting" data-done="yes"' in page


def test_the_new_kinds_are_booked_from_the_booking_form_and_listed(case, personas, client_for):
    client = client_for(personas.contact_officer)
    when = timezone.localtime(_at(3)).strftime("%Y-%m-%dT%H:%M")
    for kind in [MeetingKind.HANDOVER_REVIEW, MeetingKind.FAREWELL]:
        response = client.post(
            reverse("cases:meeting_new", kwargs={"code": case.code}),
            {"kind": kind, "starts_at": when, "duration_minutes": 60, "place": "Rom 3", "occurrences": 1},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    listing = client.get(reverse("meetings:list", kwargs={"code": case.code})).content.decode()
    assert "Handover review" in listing and "Farewell conversation" in listing


def test_farewell_held_needs_a_started_farewell_with_minutes(case, personas, client_for):
    kari = personas.contact_officer
    handover_url = reverse("handover:page", kwargs={"code": case.code})
    assert farewell_held(case) is None
    assert "Farewell conversation not held yet." in client_for(kari).get(handover_url).content.decode()

    farewell = meeting_book(actor=kari, case=case, kind=MeetingKind.FAREWELL, starts_at=_at(2), place="Besøksrom 1")
    page = _client_get(case, farewell, kari)
    assert "Farewell conversation: what to cover" in page and "Save the minutes" in page
    # Minutes written ahead do not count: it has not started.
    farewell = minutes_record(actor=kari, meeting=farewell, minutes="Plan.", version=1, person_attended=True)
    assert farewell_held(case) is None

    held = meeting_book(actor=kari, case=case, kind=MeetingKind.FAREWELL, starts_at=timezone.now(), place="Besøksrom 1")
    assert farewell_held(case) is None  # started, but no minutes yet
    minutes_record(
        actor=kari, meeting=held, minutes="Gikk gjennom hvem han møter først.", version=1, person_attended=True
    )
    assert farewell_held(case) == held
    date = timezone.localtime(held.starts_at).strftime("%-d. %B %Y")
    assert f"Farewell conversation held on {date}." in client_for(kari).get(handover_url).content.decode()


def test_the_review_page_costs_the_same_queries_however_large_the_checklist(
    case, personas, review, client_for, django_assert_max_num_queries
):
    client = client_for(personas.contact_officer)
    url = _url("detail", case, review)
    small = warm_count(client, url)
    today = timezone.localdate()
    grow(case, personas, today, 6)
    for measure in Measure.objects.filter(case=case, title__startswith="M", status="chosen"):
        measure_update(
            actor=personas.contact_officer,
            measure=measure,
            version=measure.version,
            responsible_user=personas.social_worker,
        )
    taken = Measure.objects.filter(case=case, title__startswith="M", status="chosen").first()
    measure_handover_reassign(
        actor=personas.contact_officer,
        meeting=review,
        measure=taken,
        responsible_user=personas.nav_with_consent,
        version=taken.version,
    )
    for need in Need.objects.filter(case=case)[:4]:
        need_review_record(actor=personas.contact_officer, meeting=review, need=need, note="ok")
    large = warm_count(client, url)
    assert small == large, (small, large)
    with django_assert_max_num_queries(REVIEW_PAGE_BUDGET):
        client.get(url)
