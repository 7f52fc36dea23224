"""External members are invited and count only once they accept; the group can be taken over."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.policy import cases_visible_to
from accounts.models import User
from cases.models import Case, Membership
from cases.services import (
    carry_over_ask,
    carry_over_holder_answer,
    carry_over_person_answer,
    membership_add,
    membership_make_lead,
)
from handover.services import membership_accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def emil():
    return Case.objects.get(person__first_name="Emil")


def test_an_external_member_is_invited_and_sees_the_case_only_after_accepting(client_for, emil, personas):
    nils = personas.nav_with_consent
    membership = membership_add(actor=personas.contact_officer, case=emil, user=nils)
    assert membership.accepted_at is None
    assert not cases_visible_to(nils).filter(pk=emil.pk).exists()
    client = client_for(nils)
    assert client.get(reverse("cases:overview", kwargs={"code": emil.code})).status_code == 404
    page = client.get(reverse("cases:invitations")).content.decode()
    assert emil.code in page and emil.person.last_name not in page
    response = client.post(reverse("cases:invitation_accept", kwargs={"membership_id": membership.pk}))
    assert response.status_code == 302
    assert client.get(reverse("cases:overview", kwargs={"code": emil.code})).status_code == 200


def test_prison_staff_of_the_own_institution_count_at_once(emil, personas):
    membership = membership_add(actor=personas.contact_officer, case=emil, user=personas.social_worker)
    assert membership.accepted_at is not None


def test_nobody_else_can_accept_an_invitation(client_for, emil, personas):
    membership = membership_add(actor=personas.contact_officer, case=emil, user=personas.nav_with_consent)
    url = reverse("cases:invitation_accept", kwargs={"membership_id": membership.pk})
    for other in (personas.contact_officer, personas.municipal_without_consent):
        assert client_for(other).post(url).status_code == 404
    with pytest.raises(ValidationError):
        membership_accept(actor=personas.contact_officer, membership=membership)
    membership.refresh_from_db()
    assert membership.accepted_at is None


def test_a_declined_invitation_ends_and_never_counts(client_for, emil, personas):
    membership = membership_add(actor=personas.contact_officer, case=emil, user=personas.nav_with_consent)
    client = client_for(personas.nav_with_consent)
    client.post(reverse("cases:invitation_decline", kwargs={"membership_id": membership.pk}))
    membership.refresh_from_db()
    assert membership.end_date is not None and membership.accepted_at is None
    assert client.post(reverse("cases:invitation_accept", kwargs={"membership_id": membership.pk})).status_code == 404


def test_the_lead_can_be_handed_to_the_social_worker(case, personas):
    sara = Membership.objects.get(case=case, user=personas.social_worker)
    membership_make_lead(actor=personas.contact_officer, membership=sara)
    case.refresh_from_db()
    assert case.lead == sara


def test_an_external_member_cannot_lead(case, personas):
    nils = Membership.objects.get(case=case, user=personas.nav_with_consent)
    with pytest.raises(ValidationError):
        membership_make_lead(actor=personas.contact_officer, membership=nils)
    case.refresh_from_db()
    assert case.lead.user == personas.contact_officer


def test_the_group_of_an_earlier_case_is_taken_over_as_invitations(case, personas):
    from cases.services import IntakeData, case_open

    new_case = case_open(
        actor=personas.contact_officer,
        data=IntakeData(
            first_name="Jonas",
            last_name="Hansen",
            birth_date=case.person.birth_date,
            home_municipality="Bergen",
            legal_status="remand",
            intake_date=timezone.localdate(),
        ),
        person_user=None,
    )
    # Without a national id the person is new; make it Jonas again, as an intake with his number would.
    Case.objects.filter(pk=new_case.pk).update(previous_case=case, person=case.person)
    new_case.refresh_from_db()
    asked = carry_over_ask(actor=personas.contact_officer, case=new_case, needs_and_plan=False, group=True)
    carry_over_person_answer(actor=personas.person, carry_over=asked, agree=True)
    # The earlier case is open: its staff agree too before anyone is invited.
    assert not Membership.objects.filter(case=new_case).exclude(user=personas.contact_officer).exists()
    carry_over_holder_answer(actor=personas.contact_officer, carry_over=asked, agree=True)
    added = list(Membership.objects.filter(case=new_case).exclude(user=personas.contact_officer))
    users = {membership.user for membership in added}
    assert {personas.nav_with_consent, personas.municipal_without_consent, personas.volunteer} <= users
    assert User.objects.get(username="petra.friomsorg") not in users
    assert User.objects.get(username="helge.helse") not in users
    externals = [m for m in added if m.user.agency_id != new_case.institution_id]
    assert externals and all(m.accepted_at is None for m in externals)


def test_a_case_without_an_earlier_case_has_no_group_to_take_over(personas):
    emil = Case.objects.get(person__first_name="Emil")
    with pytest.raises(ValidationError):
        carry_over_ask(actor=personas.contact_officer, case=emil, needs_and_plan=False, group=True)


def test_a_member_is_added_with_a_start_and_an_end_date(client_for, emil, personas):
    import datetime

    today = timezone.localdate()
    response = client_for(personas.contact_officer).post(
        reverse("cases:member_add", kwargs={"code": emil.code}),
        {
            "user": personas.nav_with_consent.pk,
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(case=emil, user=personas.nav_with_consent)
    assert membership.end_date == today + datetime.timedelta(days=90)


def test_an_end_before_the_start_is_refused(client_for, emil, personas):

    today = timezone.localdate()
    response = client_for(personas.contact_officer).post(
        reverse("cases:member_add", kwargs={"code": emil.code}),
        {"user": personas.nav_with_consent.pk, "start_date": today.isoformat(), "end_date": "2000-01-01"},
    )
    assert response.status_code == 400
    assert "end_date" in response.context["form"].errors
    assert not Membership.objects.filter(case=emil, user=personas.nav_with_consent).exists()
