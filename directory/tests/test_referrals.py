"""Referral with accept or decline, the closed loop (issue 21, point 4), and who may touch a referral."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.tests.test_url_walk import without_tokens
from accounts.models import Agency, AgencyKind, Role, User
from cases.models import Membership, membership_is_current
from directory.models import Referral, ReferralStatus
from directory.services import referral_accept, referral_decline, referral_send
from journal.models import JournalEntry
from plans.services import measure_service_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def frida(db) -> User:
    return User.objects.get(username="frida.fri")


@pytest.fixture
def referral(personas, housing_measure, fri) -> Referral:
    measure = measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    return referral_send(
        actor=personas.contact_officer,
        measure=measure,
        shared="Jonas trenger bolig i Drammen etter løslatelsen og vil ha en fadder fra FRI.",
        person_agreed=True,
    )


def test_the_contact_officer_sends_a_referral_with_what_the_person_agreed_to_share(
    client_for, case, personas, housing_measure, fri
):
    measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    url = reverse("directory:refer", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    client = client_for(personas.contact_officer)
    refused = client.post(url, {"shared": "Bolig i Drammen."}, follow=True)  # the person's yes not ticked
    assert "Send a referral only when the person has agreed to it." in refused.content.decode()
    assert not Referral.objects.filter(measure=housing_measure).exists()
    sent = client.post(url, {"shared": "Bolig i Drammen.", "person_agreed": "on"})
    assert sent.status_code == 302
    referral = Referral.objects.get(measure=housing_measure)
    assert referral.status == ReferralStatus.SENT and referral.service == fri and referral.case == case
    assert JournalEntry.objects.filter(action="referral.send", case=case, object_id=str(referral.pk)).exists()
    # A second one to the same service waits for the first to be answered.
    with pytest.raises(ValidationError):
        referral_send(actor=personas.contact_officer, measure=housing_measure, shared="Igjen.", person_agreed=True)


def test_only_those_who_run_the_case_send_referrals(client_for, case, personas, housing_measure, fri):
    measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    url = reverse("directory:refer", kwargs={"code": case.code, "measure_id": housing_measure.pk})
    data = {"shared": "Bolig.", "person_agreed": "on"}
    assert client_for(personas.nav_with_consent).post(url, data).status_code == 403
    assert client_for(personas.person).post(url, data).status_code == 403
    assert client_for(personas.outsider).post(url, data).status_code == 404
    assert not Referral.objects.exists() or not Referral.objects.filter(measure=housing_measure).exists()


def test_the_service_accepts_joins_the_group_and_delivers_the_measure(client_for, case, personas, referral, frida):
    waiting = client_for(frida).get(reverse("timetable:due"))
    assert [r.pk for r in waiting.context["to_answer"]] == [referral.pk]
    sender = client_for(personas.contact_officer).get(reverse("timetable:due"))
    assert referral.pk in [r.pk for r in sender.context["sent"]]
    page = client_for(frida).get(reverse("directory:referral", kwargs={"referral_id": referral.pk}))
    assert page.status_code == 200 and "vil ha en fadder fra FRI" in page.content.decode()
    accepted = client_for(frida).post(
        reverse("directory:referral_accept", kwargs={"referral_id": referral.pk}), {"version": referral.version}
    )
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.answered_by == frida
    assert Membership.objects.filter(membership_is_current(), case=case, user=frida).exists()
    referral.measure.refresh_from_db()
    assert referral.measure.responsible_user == frida and referral.measure.responsible_agency == frida.agency
    assert client_for(frida).get(reverse("timetable:due")).context["to_answer"] == []
    person = client_for(personas.person).get(reverse("plans:plan", kwargs={"code": case.code})).content.decode()
    assert "Frida Fri will help you." in person


def test_a_decline_needs_a_reason_which_the_officer_and_the_person_see(client_for, case, personas, referral, frida):
    url = reverse("directory:referral_decline", kwargs={"referral_id": referral.pk})
    empty = client_for(frida).post(url, {"version": referral.version, "reason": " "})
    assert empty.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    client_for(frida).post(url, {"version": referral.version, "reason": "Vi har ingen ledig bolig før i mars."})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    measure_page = client_for(personas.contact_officer).get(
        reverse("plans:measure", kwargs={"code": case.code, "measure_id": referral.measure_id})
    )
    assert "Vi har ingen ledig bolig før i mars." in measure_page.content.decode()
    person = client_for(personas.person).get(reverse("plans:plan", kwargs={"code": case.code})).content.decode()
    assert "said no." in person and "Vi har ingen ledig bolig før i mars." in person
    assert not Membership.objects.filter(case=case, user=frida).exists()


def test_a_stale_or_second_answer_is_refused_and_changes_nothing(personas, referral, frida):
    referral_decline(actor=frida, referral=referral, version=referral.version, reason="Fullt.")
    with pytest.raises(ValidationError):
        referral_accept(actor=frida, referral=referral, version=referral.version + 1)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_a_user_of_another_agency_cannot_read_or_answer_the_referral(client_for, personas, referral):
    """IDOR: NAV, the sender's own colleagues, another prison and an NGO elsewhere get the same 404 as a missing id."""
    elsewhere = Agency.objects.create(name="Kirkens Bymisjon Oslo", kind=AgencyKind.NGO, municipality="Oslo")
    other_ngo = User.objects.create(username="oslo.ngo", role=Role.PROGRAMME_STAFF, agency=elsewhere)
    for user in (personas.nav_with_consent, personas.contact_officer, personas.outsider, personas.person, other_ngo):
        client = client_for(user)
        for name in ("directory:referral", "directory:referral_accept", "directory:referral_decline"):
            theirs = client.post(reverse(name, kwargs={"referral_id": referral.pk}), {"version": 1, "reason": "x"})
            missing = client.post(reverse(name, kwargs={"referral_id": 999999}), {"version": 1, "reason": "x"})
            assert theirs.status_code == missing.status_code == 404, (user.username, name)
            masked = without_tokens(theirs.content).replace(f"/{referral.pk}/".encode(), b"/ID/")
            assert masked == without_tokens(missing.content).replace(b"/999999/", b"/ID/")
        assert client.get(reverse("directory:referral", kwargs={"referral_id": referral.pk})).status_code == 404
        if user.role != Role.PERSON:  # the person is sent to their own page
            assert client.get(reverse("directory:referrals")).context["referrals"] == []
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    with pytest.raises(ValidationError):
        referral_accept(actor=other_ngo, referral=referral, version=referral.version)


def test_a_referral_of_another_prisons_case_is_hidden_from_its_staff(client_for, other_case, personas, referral):
    """Olav (Oslo fengsel) leads Lars's case: Jonas's referral is not on his due page, and its measure page is 404."""
    due = client_for(personas.outsider).get(reverse("timetable:due"))
    assert due.context["sent"] == [] and due.context["to_answer"] == []
    url = reverse("plans:measure", kwargs={"code": other_case.code, "measure_id": referral.measure_id})
    assert client_for(personas.outsider).get(url).status_code == 404


def test_the_agencys_referrals_and_those_waiting_on_what_is_due_are_paged(
    client_for, case, personas, referral, frida, monkeypatch
):
    """Issue 17, point 9: no list stops at a cap (the agency's list stopped at 100); the read is logged per page."""
    from core import paging
    from directory import views
    from needs.models import Need
    from plans.services import measure_propose

    monkeypatch.setattr(views, "REFERRALS_PAGE_SIZE", 1)
    monkeypatch.setattr(paging, "SIDE_PAGE_SIZE", 1)
    second_measure = measure_propose(
        actor=personas.contact_officer,
        case=case,
        title="Fadder fra FRI",
        needs=[Need.objects.get(case=case, life_area__slug="housing")],
        responsible_user=personas.contact_officer,
        start_date=referral.measure.start_date,
        due_date=referral.measure.due_date,
        requires_of_person="Møte fadderen.",
    )
    measure_service_set(actor=personas.contact_officer, measure=second_measure, service=referral.service)
    second = referral_send(actor=personas.contact_officer, measure=second_measure, shared="Fadder.", person_agreed=True)
    client = client_for(frida)
    first_page = client.get(reverse("directory:referrals"))
    last_page = client.get(reverse("directory:referrals"), {"page": "2"})
    assert len(first_page.context["referrals"]) == len(last_page.context["referrals"]) == 1
    assert {first_page.context["referrals"][0], last_page.context["referrals"][0]} == {referral, second}
    assert 'rel="next" href="?page=2"' in first_page.content.decode()
    # On what is due, the referrals waiting for the agency's answer page by their own parameter.
    due = client.get(reverse("timetable:due"))
    assert due.content.decode().count("data-referral=") == 1
    assert 'href="?referrals=2"' in due.content.decode()
