"""The contact officer records the group the home municipality already has, then starts the case's group from it.

Issue 25 point 3 (seed 001, POP step 0.2): if the person already has a responsibility group or an
individual plan (IP) in the municipality, that group is the starting point.
"""

import pytest
from django.urls import reverse

from journal.models import JournalEntry
from summons.models import ExistingGroup, GroupStart

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return reverse("summons:existing_add", kwargs={"code": case.code})


def test_recorded_from_the_summons_page_journaled_then_the_group_starts_from_it(client_for, personas, waiting):
    client = client_for(personas.contact_officer)
    page = client.get(reverse("summons:case", kwargs={"code": waiting.code}))
    assert page.status_code == 200 and url(waiting) in page.content.decode()
    mona, nils = personas.municipal_without_consent, personas.nav_with_consent
    response = client.post(
        url(waiting), {"kind": "individual_plan", "members": [str(mona.pk), str(nils.pk)], "coordinator": str(mona.pk)}
    )
    assert response.status_code == 302
    existing = ExistingGroup.objects.get(person=waiting.person)
    assert existing.coordinator == mona and set(existing.members.all()) == {mona, nils}
    assert existing.municipality == waiting.home_municipality
    entry = JournalEntry.objects.get(action="summons.existing_add", object_id=str(existing.pk))
    assert entry.case_id == waiting.pk and entry.actor_id == personas.contact_officer.pk
    started = client.post(
        reverse("summons:group_start", kwargs={"code": waiting.code, "existing_group_id": existing.pk})
    )
    assert started.status_code == 302
    start = GroupStart.objects.get(case=waiting, existing=existing)
    assert start.ip_coordinator is not None and start.ip_coordinator.user == mona


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "individual_plan"},  # no members
        {"kind": "club", "members": ["MEMBER"]},  # no such kind
        {"kind": "individual_plan", "members": ["MEMBER"], "coordinator": "OTHER"},  # coordinator not a member
        {"kind": "individual_plan", "members": ["999999"]},  # nobody offered
        {"kind": "individual_plan", "members": ["x" * 5000]},
    ],
)
def test_bad_input_gets_a_message_and_records_nothing(client_for, personas, waiting, data):
    mona, nils = personas.municipal_without_consent, personas.nav_with_consent
    values = {
        key: [str(mona.pk) if v == "MEMBER" else v for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    if values.get("coordinator") == "OTHER":
        values["coordinator"] = str(nils.pk)
    response = client_for(personas.contact_officer).post(url(waiting), values)
    assert response.status_code in {400, 422}
    assert 'aria-invalid="true"' in response.content.decode() or "error" in response.content.decode()
    assert not ExistingGroup.objects.filter(person=waiting.person).exists()
    assert not JournalEntry.objects.filter(action="summons.existing_add").exists()


def test_nobody_else_records_one(client_for, personas, waiting):
    mona = personas.municipal_without_consent
    data = {"kind": "individual_plan", "members": [str(mona.pk)]}
    # Another prison's contact officer; a NAV adviser; the municipality's own user outside the group.
    for user, status in [(personas.outsider, 404), (personas.nav_with_consent, 404), (mona, 404)]:
        assert client_for(user).post(url(waiting), data).status_code == status, user
    assert client_for(personas.contact_officer).get(url(waiting)).status_code == 405
    assert not ExistingGroup.objects.filter(person=waiting.person).exists()


def test_a_member_records_none_and_a_removed_member_gets_404(client_for, personas, waiting):
    """A member who does not run the case is refused (403); once removed, the case is gone for them (404)."""
    from cases.models import Membership
    from cases.services import membership_add, membership_end
    from handover.services import membership_accept

    nils = personas.nav_with_consent
    membership = membership_add(actor=personas.contact_officer, case=waiting, user=nils, purpose="NAV")
    membership_accept(actor=nils, membership=membership)
    data = {"kind": "individual_plan", "members": [str(nils.pk)]}
    assert client_for(nils).post(url(waiting), data).status_code == 403
    membership_end(actor=personas.contact_officer, membership=Membership.objects.get(pk=membership.pk))
    assert client_for(nils).post(url(waiting), data).status_code == 404
    assert not ExistingGroup.objects.filter(person=waiting.person).exists()
