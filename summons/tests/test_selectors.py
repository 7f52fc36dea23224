"""The summons's reads: one case's summons and list, the person's own existing groups, and summonses due."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import membership_add
from summons.models import ExistingGroup, ExistingKind, Topic
from summons.selectors import (
    before_start_due,
    existing_group_of_case,
    existing_groups_for,
    item_of_case,
    items_of,
    summons_for_case,
)
from summons.services import summons_send
from summons.tests.conftest import START_IN

pytestmark = pytest.mark.django_db


def test_the_summons_and_its_list_of_one_case(waiting, summons, case):
    assert summons_for_case(waiting) == summons
    assert summons_for_case(case) is None
    assert [item.topic for item in items_of(summons)] == list(Topic.values)
    assert items_of(None) == []
    item = items_of(summons)[0]
    assert item_of_case(waiting, item.pk) == item
    assert item_of_case(case, item.pk) is None


def test_existing_groups_are_the_persons_in_their_home_municipality_only(waiting, ip_group, case, personas):
    ExistingGroup.objects.create(  # the same person, another municipality
        person=waiting.person, municipality="Askøy", kind=ExistingKind.RESPONSIBILITY_GROUP,
        recorded_by=personas.municipal_without_consent,
    )  # fmt: skip
    assert list(existing_groups_for(waiting)) == [ip_group]
    assert existing_group_of_case(waiting, ip_group.pk) == ip_group
    assert existing_group_of_case(case, ip_group.pk) is None


def test_before_start_the_summons_is_due_n_days_ahead_and_late_after(waiting, summons, personas, settings):
    cases = Case.objects.filter(pk=waiting.pk)
    today = timezone.localdate()
    settings.SUMMONS_MIN_DAYS_AHEAD = 21
    (due,) = before_start_due(cases, today=today)
    assert due.case == waiting and due.send_by == waiting.intake_date - datetime.timedelta(days=21)
    assert not due.summons_late and not due.group_set_up and not due.group_late
    settings.SUMMONS_MIN_DAYS_AHEAD = START_IN + 5  # configurable data: now the summons is late
    (late,) = before_start_due(cases, today=today)
    assert late.summons_late
    summons_send(actor=personas.contact_officer, summons=summons)
    (sent,) = before_start_due(cases, today=today)  # still listed: the group is not set up
    assert sent.sent_on == today and sent.summons_late  # sent, but later than the rule
    membership_add(actor=personas.contact_officer, case=waiting, user=personas.nav_with_consent)
    assert before_start_due(cases, today=today) == []


def test_a_group_not_set_up_at_intake_is_late_and_a_case_opened_at_intake_is_never_listed(waiting, case):
    after_start = waiting.intake_date + datetime.timedelta(days=2)
    (item,) = before_start_due(Case.objects.filter(pk=waiting.pk), today=after_start)
    assert item.group_late
    assert before_start_due(Case.objects.filter(pk=waiting.pk), today=after_start + datetime.timedelta(days=30)) == []
    assert before_start_due(Case.objects.filter(pk=case.pk)) == []  # Jonas: registered at intake
