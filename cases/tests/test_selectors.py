"""The group as the case pages read it: lead first, in bounded queries."""

import pytest

from cases import selectors
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_the_current_members_come_lead_first_with_their_users_in_one_query(django_assert_num_queries):
    for case in Case.objects.all():
        with django_assert_num_queries(1):
            members = [
                (m.pk, m.is_lead, m.is_incoming, m.user.username, m.agency.name)
                for m in selectors.current_members(case)
            ]
        assert [m[0] for m in members if m[1]] == ([case.lead_id] if case.lead_id in {m[0] for m in members} else [])
        assert not any(m[1] for m in members[1:])


def test_the_overview_names_the_same_members_in_the_same_order_in_one_query(django_assert_num_queries):
    groups = 0
    for case in Case.objects.all():
        full = [
            (m.pk, m.is_lead, m.user.display_name, m.role_label, m.agency.name, m.purpose)
            for m in selectors.current_members(case)
        ]
        with django_assert_num_queries(1):
            brief = [
                (m.pk, m.is_lead, m.user.display_name, m.role_label, m.agency.name, m.purpose)
                for m in selectors.members_in_brief(case)
            ]
        assert brief == full
        groups += len(full) > 1 and full[0][1]
    assert groups  # some case has a lead and others in its group
