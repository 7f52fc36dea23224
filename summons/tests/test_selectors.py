"""The summons's reads: one case's summons and list, the person's own existing groups, and summonses due."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from summons.models import ExistingGroup, ExistingKind, Topic
from summons.selectors import (
    existing_group_of_case,
    existing_groups_for,
    item_of_case,
    items_of,
    summons_for_case,
    summonses_due,
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


def test_summonses_due_are_the_unsent_ones_before_the_start_late_once_past_the_send_by_day(waiting, summons):
    cases = Case.objects.filter(pk=waiting.pk)
    today = timezone.localdate()
    (due,) = summonses_due(cases, days_ahead=21, today=today)
    assert due.case == waiting and due.send_by == waiting.intake_date - datetime.timedelta(days=21)
    assert not due.late
    (late,) = summonses_due(cases, days_ahead=START_IN + 5, today=today)
    assert late.late
    summons_send(actor=waiting.created_by, summons=summons)
    assert summonses_due(cases, days_ahead=START_IN + 5, today=today) == []
    after_start = waiting.intake_date + datetime.timedelta(days=1)
    assert summonses_due(Case.objects.filter(pk=waiting.pk), days_ahead=21, today=after_start) == []
