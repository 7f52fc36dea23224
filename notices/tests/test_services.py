"""The outbox: a notice per recipient agency, written in the transaction that set or changed the date.

No endpoint runs here: these tests look at the rows. Delivery is in test_delivery.py.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, AgencyKind, User
from cases.models import Case, LegalStatus
from cases.services import IntakeData, case_expected_release_set, case_open
from handover.models import TransitionKind
from handover.services import release_sudden, transition_cancel, transition_plan
from journal.models import JournalEntry
from notices.models import Channel, Notice, NoticeKind, Subscription
from notices.services import (
    BACKOFF,
    MAX_ATTEMPTS,
    acknowledge,
    current_release_date,
    deliver_due,
    due_notices,
    enqueue_release_notices,
    message,
    payload,
    recipient_agencies,
    subscription_save,
    take,
)
from notices.tests.conftest import SECRET, subscribe

pytestmark = pytest.mark.django_db

LOCAL = "http://127.0.0.1:9/notices"  # nothing is sent in these tests


def intake(officer: User, **facts) -> Case:
    today = timezone.localdate()
    data = {
        "first_name": "Ali",
        "last_name": "Varetekt",
        "birth_date": datetime.date(2002, 2, 2),
        "home_municipality": "Bergen",
        "legal_status": LegalStatus.SENTENCED,
        "intake_date": today - datetime.timedelta(days=10),
        "sentence_start": today - datetime.timedelta(days=10),
        "sentence_years": 1,
        "expected_release": today + datetime.timedelta(days=200),
    }
    return case_open(actor=officer, data=IntakeData(**{**data, **facts}))


def notices(case: Case) -> list[tuple[str, str, datetime.date | None, datetime.date | None]]:
    return [
        (notice.agency.name, notice.kind, notice.release_date, notice.previous_date)
        for notice in Notice.objects.filter(case=case).select_related("agency").order_by("id")
    ]


# --- who is sent a notice ---------------------------------------------------------------


def test_an_intake_with_a_release_date_tells_the_subscribed_home_nav_office_and_municipality(
    personas, nav, municipality
):
    subscribe(nav, personas.admin, url=LOCAL)
    subscribe(municipality, personas.admin, email="bolig@bergen.kommune.no")
    case = intake(personas.contact_officer)
    release = case.expected_release
    assert notices(case) == [
        (nav.name, NoticeKind.DATE_SET, release, None),
        (municipality.name, NoticeKind.DATE_SET, release, None),
    ]
    entries = JournalEntry.objects.filter(action="notice.enqueue", case=case)
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {personas.contact_officer.pk}


def test_a_new_expected_release_date_from_the_prison_system_tells_the_agencies_it_changed(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    first = case.expected_release
    assert first is not None
    later = first + datetime.timedelta(days=14)
    case_expected_release_set(actor=personas.contact_officer, case=case, expected_release=later)
    case_expected_release_set(actor=personas.contact_officer, case=case, expected_release=later)  # the same: nothing
    assert notices(case) == [
        (nav.name, NoticeKind.DATE_SET, first, None),
        (nav.name, NoticeKind.DATE_CHANGED, later, first),
    ]


def test_no_subscription_no_notice_and_an_inactive_one_counts_as_none(personas, nav):
    subscription = subscribe(nav, personas.admin, url=LOCAL)
    subscription.active = False
    subscription_save(actor=personas.admin, subscription=subscription)
    case = intake(personas.contact_officer)
    assert notices(case) == []


def test_an_intake_without_a_release_date_tells_nothing_yet(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer, expected_release=None)
    assert notices(case) == []


def test_every_subscribed_agency_of_the_group_is_told_not_an_ended_member_nor_an_outsider(personas, case):
    agencies = {agency.name: agency for agency in Agency.objects.all()}
    for name in [
        "Friomsorgskontoret Vestland",  # Petra: invited to Jonas's group
        "Røde Kors, Nettverk etter soning",  # Vera: a volunteer in the group
        "Helse Bergen, poliklinikk",  # Helge: left the group two days ago
        "Oslo fengsel",  # another prison: never in Jonas's group
        "Kirkens Bymisjon Drammen, FRI",
    ]:
        subscribe(agencies[name], personas.admin, url=LOCAL)
    told = {agency.name for agency in recipient_agencies(case)}
    assert told == {"Friomsorgskontoret Vestland", "Røde Kors, Nettverk etter soning"}
    with transaction.atomic():
        enqueue_release_notices(case, NoticeKind.DATE_SET, by=personas.contact_officer)
    assert {name for name, *_rest in notices(case)} == told


def test_another_prisons_case_sends_nothing_to_an_agency_outside_its_group(personas, other_case, nav, municipality):
    # NAV Bergenhus and Bergen's municipality subscribe; Lars is in Oslo fengsel, from another municipality.
    subscribe(nav, personas.admin, url=LOCAL)
    subscribe(municipality, personas.admin, url=LOCAL)
    assert other_case.home_municipality != "Bergen"
    oslo_officer = personas.outsider
    transition_plan(
        actor=oslo_officer,
        case=other_case,
        kind=TransitionKind.RELEASE,
        planned_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert list(recipient_agencies(other_case)) == []
    assert Notice.objects.filter(case=other_case).count() == 0
    assert Notice.objects.filter(agency__in=[nav, municipality]).count() == 0


def test_a_danish_agency_of_the_same_name_of_municipality_is_not_told(personas, nav):
    # The home municipality is matched in the case's own country.
    danish = Agency.objects.create(name="Bergen (DK)", kind=AgencyKind.NAV, country="DK", municipality="Bergen")
    subscribe(danish, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    assert notices(case) == []


# --- what they are told, and when -------------------------------------------------------


def test_a_planned_release_changes_the_date_a_same_date_tells_nothing_a_cancel_changes_it_back(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    expected = case.expected_release
    planned = timezone.localdate() + datetime.timedelta(days=60)
    transition = transition_plan(
        actor=personas.contact_officer, case=case, kind=TransitionKind.RELEASE, planned_date=planned
    )
    assert current_release_date(case) == planned
    with transaction.atomic():
        assert enqueue_release_notices(case, NoticeKind.DATE_CHANGED, by=personas.contact_officer) == []
    transition_cancel(actor=personas.contact_officer, transition=transition, reason="Ny dom", version=1)
    assert notices(case) == [
        (nav.name, NoticeKind.DATE_SET, expected, None),
        (nav.name, NoticeKind.DATE_CHANGED, planned, expected),
        (nav.name, NoticeKind.DATE_CHANGED, expected, planned),
    ]


def test_a_transfer_tells_nobody(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    oslo = Agency.objects.get(name="Oslo fengsel")
    transition_plan(
        actor=personas.contact_officer,
        case=case,
        kind=TransitionKind.TRANSFER_PRISON,
        planned_date=timezone.localdate() + datetime.timedelta(days=5),
        to_agency=oslo,
    )
    assert len(notices(case)) == 1


def test_a_release_at_short_notice_tells_the_day_and_that_it_happened_then_nothing_more(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    today = timezone.localdate()
    release_sudden(actor=personas.contact_officer, case=case, on=today, reason="Løslatt av retten")
    assert notices(case) == [
        (nav.name, NoticeKind.DATE_SET, case.expected_release, None),
        (nav.name, NoticeKind.DATE_CHANGED, today, case.expected_release),
        (nav.name, NoticeKind.RELEASED, today, today),
    ]
    case.refresh_from_db()
    with transaction.atomic():
        assert enqueue_release_notices(case, NoticeKind.DATE_CHANGED, by=personas.contact_officer) == []


def test_a_failing_change_writes_no_notice(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    before = Notice.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        intake(personas.contact_officer)
        assert Notice.objects.count() == before + 1  # written with the case ...
        raise RuntimeError("the change fails after the notice was written")
    assert Notice.objects.count() == before  # ... and gone with it
    # A change the service refuses writes none either.
    with pytest.raises(ValidationError):
        intake(personas.contact_officer, expected_release=timezone.localdate() - datetime.timedelta(days=30))
    assert Notice.objects.count() == before


def test_a_notice_carries_the_case_code_kind_and_dates_never_the_person(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer, first_name="Ali", last_name="Varetekt")
    notice = Notice.objects.select_related("case", "agency").get(case=case)
    body = payload(notice)
    assert set(body) == {"notice", "case", "kind", "release_date", "previous_date", "agency", "written_at"}
    assert case.expected_release is not None
    assert body["case"] == case.code and body["release_date"] == case.expected_release.isoformat()
    mail = message(notice)
    text = repr(body) + mail.subject + mail.body
    assert case.code in mail.subject
    for private in ["Ali", "Varetekt", "2002"]:
        assert private not in text


# --- taking a notice for delivery -------------------------------------------------------


def test_a_notice_is_taken_by_one_run_only(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    now = timezone.now()
    listed_by_first_run = list(due_notices(now).filter(case=case).values_list("pk", flat=True))
    assert take(notice.pk, now) is True  # a second run took it meanwhile
    assert [take(pk, now) for pk in listed_by_first_run] == [False]
    notice.refresh_from_db()
    assert notice.attempts == 1 and notice.claimed_until is not None


def test_a_run_that_died_lets_go_of_its_notice_after_the_lease(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    now = timezone.now()
    assert take(notice.pk, now)
    assert not take(notice.pk, now + datetime.timedelta(minutes=4))
    assert take(notice.pk, now + datetime.timedelta(minutes=6))


def test_an_agency_that_unsubscribed_is_tried_and_given_up_like_an_unreachable_one(personas, nav):
    subscription = subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    subscription.active = False
    subscription_save(actor=personas.admin, subscription=subscription)
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        result = deliver_due(now=now)
        assert result.taken == 1 and result.delivered == 0
        now += BACKOFF[min(attempt, len(BACKOFF) - 1)] + datetime.timedelta(seconds=1)
    notice = Notice.objects.get(case=case)
    assert notice.failed_at is not None and notice.attempts == MAX_ATTEMPTS
    assert set(notice.deliveries.values_list("error", flat=True)) == {"The agency has no active subscription."}
    assert deliver_due(now=now + datetime.timedelta(days=1)).taken == 0


# --- acknowledgement --------------------------------------------------------------------


def test_the_recipient_acknowledges_once_and_it_is_journaled(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    at = timezone.now()
    acknowledge(notice_id=notice.pk, agency=nav, at=at)
    again = acknowledge(notice_id=notice.pk, agency=nav, at=at + datetime.timedelta(minutes=2))
    assert again.acknowledged_at == at
    entries = JournalEntry.objects.filter(action="notice.acknowledge", object_id=str(notice.pk))
    assert entries.count() == 1 and entries.get().case_id == case.pk


def test_another_agency_cannot_acknowledge_and_learns_nothing_from_trying(personas, nav, municipality):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    missing = Notice.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    errors = []
    for notice_id, agency in [(notice.pk, municipality), (missing, nav)]:
        with pytest.raises(Notice.DoesNotExist) as raised:
            acknowledge(notice_id=notice_id, agency=agency, at=timezone.now())
        errors.append(str(raised.value))
    assert errors[0] == errors[1]  # a wrong agency reads like a number that names no notice
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert not JournalEntry.objects.filter(action="notice.acknowledge").exists()


def test_an_acknowledgement_cannot_lie_in_the_future_or_before_the_notice(personas, nav):
    subscribe(nav, personas.admin, url=LOCAL)
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    for at in [timezone.now() + datetime.timedelta(days=1), notice.created_at - datetime.timedelta(days=1)]:
        with pytest.raises(ValidationError):
            acknowledge(notice_id=notice.pk, agency=nav, at=at)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


# --- subscriptions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "url", "secret", "email", "field"),
    [
        (Channel.HTTPS, "http://nav.example.no/notices", SECRET, "", "url"),
        (Channel.HTTPS, "", SECRET, "", "url"),
        (Channel.HTTPS, "https://nav.example.no/notices", "short", "", "signing_secret"),
        (Channel.EMAIL, "", "", "", "email"),
    ],
)
def test_a_subscription_needs_https_a_long_secret_or_an_address(personas, nav, channel, url, secret, email, field):
    with pytest.raises(ValidationError) as raised:
        subscription_save(
            actor=personas.admin,
            subscription=Subscription(agency=nav, channel=channel, url=url, signing_secret=secret, email=email),
        )
    assert field in raised.value.message_dict
    assert not Subscription.objects.filter(agency=nav).exists()


def test_the_journal_keeps_whether_the_secret_changed_never_the_secret(personas, nav):
    subscription = subscribe(nav, personas.admin, url="https://nav.example.no/notices")
    subscription.signing_secret = "another-secret-of-at-least-32-characters"
    subscription_save(actor=personas.admin, subscription=subscription)
    entries = JournalEntry.objects.filter(object_type="notices.subscription").order_by("id")
    assert [entry.action for entry in entries] == ["notice.subscription_add", "notice.subscription_change"]
    text = repr([(entry.old, entry.new) for entry in entries])
    assert SECRET not in text and "another-secret" not in text
    changed = entries[1].new
    assert changed is not None and changed["signing_secret"] == "[redacted, changed]"
    assert Subscription.objects.get(agency=nav).version == 2
