"""The meeting services: only the group's members attend; a decision changes or creates a measure, or saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Membership
from journal.models import JournalEntry
from meetings.models import Decision
from meetings.services import attendance_record, decision_record
from needs.models import Need
from plans.models import Measure

pytestmark = pytest.mark.django_db


def test_a_member_of_another_case_cannot_attend(case, other_case, personas, group_meeting):
    stranger = Membership.objects.filter(case=other_case).first()
    assert stranger is not None
    with pytest.raises(ValidationError):
        attendance_record(actor=personas.contact_officer, meeting=group_meeting, membership=stranger, present=True)


def test_a_decision_changes_a_measure_or_creates_one(case, personas, group_meeting):
    measure = Measure.objects.get(case=case, status="started")
    new_due = measure.due_date + datetime.timedelta(days=14)
    decision = decision_record(
        actor=personas.contact_officer, meeting=group_meeting, text="Utsatt to uker.", measure=measure, due_date=new_due
    )
    measure.refresh_from_db()
    assert measure.due_date == new_due and decision.measure == measure
    need = Need.objects.get(case=case, life_area__slug="debt")
    created = decision_record(
        actor=personas.contact_officer,
        meeting=group_meeting,
        text="Gjeldsrådgiver kontaktes.",
        new_measure={
            "title": "Gjeldsrådgivning",
            "needs": [need],
            "responsible_user": personas.nav_with_consent,
            "start_date": timezone.localdate(),
            "due_date": timezone.localdate(),
            "requires_of_person": "Ta med inkassobrev.",
        },
    )
    assert created.measure is not None
    assert created.measure.title == "Gjeldsrådgivning" and created.measure.status == "proposed"


def test_a_decision_with_an_illegal_change_saves_nothing(case, personas, group_meeting):
    measure = Measure.objects.get(case=case, status="started")
    before = (Decision.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError):
        decision_record(
            actor=personas.contact_officer, meeting=group_meeting, text="Tilbake.", measure=measure, status="chosen"
        )
    assert (Decision.objects.count(), JournalEntry.objects.count()) == before
