"""The responsibility group: adding and removing members."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from cases.models import Membership
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.contact_officer)
    return client


def test_add_and_remove_a_member_keeps_the_record(officer, case, personas):
    from cases.models import Case

    emil = Case.objects.get(person__first_name="Emil")
    response = officer.post(
        reverse("cases:member_add", kwargs={"code": emil.code}), {"user": personas.nav_with_consent.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(case=emil, user=personas.nav_with_consent)
    assert membership.agency == personas.nav_with_consent.agency and membership.role == Role.NAV
    response = officer.post(reverse("cases:member_end", kwargs={"code": emil.code, "membership_id": membership.pk}))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end_date is not None
    actions = list(
        JournalEntry.objects.filter(object_id=str(membership.pk), object_type="cases.membership").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["membership.add", "membership.end"]


def test_member_from_no_known_agency_is_refused(officer, case):
    stray = User.objects.create(username="stray", role=Role.NAV, agency=None)
    before = Membership.objects.count()
    response = officer.post(reverse("cases:member_add", kwargs={"code": case.code}), {"user": stray.pk})
    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert Membership.objects.count() == before


def test_existing_member_cannot_be_added_twice(officer, case, personas):
    before = Membership.objects.count()
    response = officer.post(
        reverse("cases:member_add", kwargs={"code": case.code}), {"user": personas.nav_with_consent.pk}
    )
    assert response.status_code == 400
    assert Membership.objects.count() == before


def test_the_lead_cannot_be_removed(officer, case, personas):
    lead = Membership.objects.get(case=case, is_lead=True)
    officer.post(reverse("cases:member_end", kwargs={"code": case.code, "membership_id": lead.pk}))
    lead.refresh_from_db()
    assert lead.end_date is None


def test_analyst_cannot_be_added(officer, case, personas):
    before = Membership.objects.count()
    response = officer.post(reverse("cases:member_add", kwargs={"code": case.code}), {"user": personas.analyst.pk})
    assert response.status_code == 400
    assert Membership.objects.count() == before
