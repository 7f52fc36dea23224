"""The journal's reads of who has looked: ``access_events_for`` (which reads a viewer may see: the person
every read of any of their cases, staff this case's, never the person's own) and ``access_log_page``
(grouped by who, day and what, newest day first, with the reasons of looks with a reason).

The page, its paging, its words and its query count are in ``cases/tests/test_access_log.py``.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from access.models import Reason
from access.policy import CaseAccess
from access.services import reasoned_access_open
from accounts.models import User
from cases.identity import national_id_digest
from cases.models import Case, LegalStatus, Person
from cases.services import IntakeData, case_open
from core.tests.granted import granted_access as access_of
from journal.models import AccessEvent, AccessPurpose
from journal.selectors import access_events_for, access_log_page
from journal.services import record_access

pytestmark = pytest.mark.django_db

NUMBER = "05059010052"  # checksum-valid, born 1990-05-05 (cases/tests/test_carry_over.py)


def all_rows(access: CaseAccess) -> list:
    """Every row of the log, page by page (the demo's own reads may fill more than one)."""
    rows, number = [], 1
    while True:
        log = access_log_page(access, number)
        rows.extend(log.rows)
        if not log.page.has_next():
            return rows
        number += 1


def read(user, case, view: str = "needs:map", purpose: AccessPurpose = AccessPurpose.CASE_WORK) -> AccessEvent:
    record_access(viewer=user, case_ids=[case.pk], purpose=purpose, view=view)
    return AccessEvent.objects.order_by("-id")[0]


@pytest.fixture
def coordinator(db) -> User:
    return User.objects.select_related("agency").get(username="tove.koordinator")


@pytest.fixture
def oslo_sentence(case, personas) -> Case:
    """A second case of Jonas's, opened by Olav in Oslo fengsel from his identity number."""
    Person.objects.filter(pk=case.person_id).update(
        national_id=NUMBER, national_id_hash=national_id_digest(NUMBER), birth_date=datetime.date(1990, 5, 5)
    )
    person = Person.objects.get(pk=case.person_id)
    later = case_open(
        actor=personas.outsider,
        data=IntakeData(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            national_id=NUMBER,
            home_municipality="Oslo",
            legal_status=LegalStatus.SENTENCED,
            intake_date=timezone.localdate(),
            sentence_start=timezone.localdate(),
            sentence_days=120,
        ),
    )
    assert later.person_id == case.person_id
    return later


def test_staff_see_the_reads_of_this_case_only_and_never_the_persons_own(case, other_case, personas):
    nils = read(personas.nav_with_consent, case)
    elsewhere = read(personas.outsider, other_case)
    own = read(personas.person, case, view="personpages:road", purpose=AccessPurpose.OWN_CASE)
    events = access_events_for(access_of(personas.contact_officer, case))
    assert nils in events and elsewhere not in events and own not in events
    assert not events.filter(user=personas.person).exists()
    assert not events.filter(purpose=AccessPurpose.OWN_CASE).exists()
    assert set(events.values_list("case_id", flat=True)) == {case.pk}


def test_the_person_sees_the_reads_of_every_case_of_theirs_and_the_staff_of_one_case_do_not(
    case, oslo_sentence, personas
):
    olav = read(personas.outsider, oslo_sentence)
    kari = read(personas.contact_officer, case)
    mine = access_events_for(access_of(personas.person, case))
    assert olav in mine and kari in mine
    assert set(mine.values_list("case_id", flat=True)) <= {case.pk, oslo_sentence.pk}
    staff = access_events_for(access_of(personas.contact_officer, case))
    assert kari in staff and olav not in staff


def test_the_log_groups_reads_by_who_day_and_what_newest_day_first(case, personas):
    sara, nils = personas.social_worker, personas.nav_with_consent
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2), tick=False):
        read(sara, case, view="plans:plan")
    for _ in range(3):
        read(nils, case, view="needs:map")
    read(nils, case, view="plans:plan")
    access = access_of(personas.person, case)
    with translation.override("en"):
        log = access_log_page(access, 1)
        rows = all_rows(access)
        today = timezone.localdate()
        nils_today = {(str(row.topic), row.times) for row in rows if row.name == nils.display_name and row.day == today}
        assert nils_today == {("your needs", 3), ("your plan", 1)}
        earlier = today - datetime.timedelta(days=2)
        sara_then = {
            (str(row.topic), row.times) for row in rows if row.name == sara.display_name and row.day == earlier
        }
        assert sara_then == {("your plan", 1)}
    days = [row.day for row in rows]
    assert days == sorted(days, reverse=True)
    assert log.reads == access_events_for(access).count()


def test_a_look_with_a_reason_shows_its_reasons_and_other_reads_none(case, personas, coordinator):
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.STAND_IN)
    reasoned_access_open(actor=coordinator, case=case, reason=Reason.OVERDUE_DEADLINE)
    read(coordinator, case, view="cases:overview", purpose=AccessPurpose.UNIT_REASON)
    read(personas.nav_with_consent, case)
    with translation.override("en"):
        rows = all_rows(access_of(personas.person, case))
        looked = [row for row in rows if row.name == coordinator.display_name]
        assert len(looked) == 1
        assert looked[0].reason == "stand_in overdue_deadline"
        assert looked[0].reason_label == f"{Reason.STAND_IN.label}; {Reason.OVERDUE_DEADLINE.label}"
        assert looked[0].agency == coordinator.agency.name
        others = [row for row in rows if row.name == personas.nav_with_consent.display_name]
        assert others and all(row.reason == "" and row.reason_label == "" for row in others)


def test_the_reasons_of_a_look_at_another_case_are_not_shown_on_this_one(case, other_case, personas):
    oslo = User.objects.get(username="otto.koordinator")
    reasoned_access_open(actor=oslo, case=other_case, reason=Reason.STAND_IN)
    # A read of this case by the same user that day, recorded as a look with a reason, finds none of its own.
    read(oslo, case, view="cases:overview", purpose=AccessPurpose.UNIT_REASON)
    rows = all_rows(access_of(personas.person, case))
    assert [row.reason for row in rows if row.name == oslo.display_name] == [""]
