"""A member who has not accepted the invitation, and one whose membership has ended, see nothing of the case."""

import pytest
from django.urls import reverse

from access.policy import cases_visible_to
from access.tests.test_url_walk import API_NAMESPACE, all_patterns, url_kwargs
from accounts.models import User
from cases.models import Membership

pytestmark = pytest.mark.django_db

STATES = {
    "petra.friomsorg": "invited, not accepted",
    "helge.helse": "membership ended two days ago",
}


@pytest.mark.parametrize("username", sorted(STATES))
def test_every_case_url_answers_404_as_for_an_outsider(client, case, username):
    user = User.objects.get(username=username)
    membership = Membership.objects.get(case=case, user=user)
    if username == "petra.friomsorg":
        assert membership.accepted_at is None and membership.end_date is None
    else:
        assert membership.accepted_at is not None and membership.end_date is not None
    client.force_login(user)
    checked = 0
    for name, pattern in all_patterns():
        if "code" not in pattern.argument_names or name.startswith(f"{API_NAMESPACE}:"):
            continue
        url = reverse(name, kwargs=url_kwargs(pattern, case))
        assert client.get(url).status_code == 404, (name, username)
        assert client.post(url, {}).status_code == 404, (name, username)
        checked += 1
    assert checked > 10
    assert not cases_visible_to(user).filter(pk=case.pk).exists()
    caseload = client.get(reverse("cases:caseload")).content.decode()
    assert case.person.last_name not in caseload
