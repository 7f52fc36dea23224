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
    lead = case.lead
    officer.post(reverse("cases:member_end", kwargs={"code": case.code, "membership_id": lead.pk}))
    lead.refresh_from_db()
    assert lead.end_date is None


def test_analyst_cannot_be_added(officer, case, personas):
    before = Membership.objects.count()
    response = officer.post(reverse("cases:member_add", kwargs={"code": case.code}), {"user": personas.analyst.pk})
    assert response.status_code == 400
    assert Membership.objects.count() == before


def make_users(n: int, agency, prefix: str = "many") -> None:
    User.objects.bulk_create(
        User(username=f"{prefix}{i}", first_name=f"Many{i}", last_name="Adviser", role=Role.NAV, agency=agency)
        for i in range(n)
    )


def test_group_page_offers_a_short_list_however_many_users_exist(officer, case, personas):
    from cases.forms import MEMBER_CHOICES_LIMIT

    make_users(3 * MEMBER_CHOICES_LIMIT, personas.nav_with_consent.agency)
    response = officer.get(reverse("cases:group", kwargs={"code": case.code}), {"form": "member"})
    assert response.status_code == 200
    offered = list(response.context["form"].fields["user"].queryset)
    assert 0 < len(offered) <= MEMBER_CHOICES_LIMIT
    assert personas.nav_with_consent not in offered  # already a member


def test_search_finds_a_user_of_a_distant_agency_and_any_eligible_user_can_be_added(officer, personas):
    from accounts.models import Agency
    from cases.models import Case

    tromso = Agency.objects.create(name="NAV Tromsø", kind="nav", municipality="Tromsø")
    make_users(2, tromso, prefix="north")
    emil = Case.objects.get(person__first_name="Emil")
    url = reverse("cases:group", kwargs={"code": emil.code})
    assert officer.get(url).context["form"] is None  # built when asked for
    default = list(officer.get(url, {"form": "member"}).context["form"].fields["user"].queryset)
    assert not any(user.agency_id == tromso.pk for user in default)
    found = list(officer.get(url, {"q": "Tromsø"}).context["form"].fields["user"].queryset)
    assert {user.username for user in found} == {"north0", "north1"}
    north = User.objects.get(username="north1")
    response = officer.post(reverse("cases:member_add", kwargs={"code": emil.code}), {"user": north.pk})
    assert response.status_code == 302
    assert Membership.objects.filter(case=emil, user=north).exists()


def test_the_person_sees_no_agency_jargon_in_the_page_header(client, personas, case):
    client.force_login(personas.person)
    body = client.get(reverse("consent:page", kwargs={"code": case.code})).content.decode()
    assert case.get_stage_display() not in body
    assert case.get_legal_status_display() not in body
    client.force_login(personas.contact_officer)
    assert case.get_stage_display() in client.get(reverse("consent:page", kwargs={"code": case.code})).content.decode()


def test_the_person_reads_the_group_in_own_words_and_staff_keep_theirs(client_for, personas, case, settings):
    """Issue 18: one plain sentence and "where they work" for the person; staff keep "Agency"."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    url = reverse("cases:group", kwargs={"code": case.code})
    with translation.override("en"):
        person = client_for(personas.person).get(url).content.decode()
        staff = client_for(personas.contact_officer).get(url).content.decode()
    assert "These people work with you." in person and "Where they work" in person and ">Agency<" not in person
    assert ">Agency<" in staff and "These people work with you." not in staff
