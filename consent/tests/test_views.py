"""Recording and withdrawing consent through the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Membership
from consent.models import Consent
from consent.services import consent_withdraw
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.contact_officer)
    return client


def member(case, user) -> Membership:
    return Membership.objects.get(case=case, user=user, end_date__isnull=True)


def test_the_form_for_a_new_consent_is_built_when_asked_for_while_one_is_active(case, personas, client_for):
    url = reverse("consent:page", kwargs={"code": case.code})
    officer = client_for(personas.contact_officer)
    plain = officer.get(url)
    assert plain.context["consent"] is not None and plain.context["form"] is None
    assert 'href="?form=consent#give-consent"' in plain.content.decode()
    asked = officer.get(url, {"form": "consent"})
    assert asked.context["form"] is not None and 'id="give-consent"' in asked.content.decode()
    # The person sees neither the form nor the link, whatever they ask for.
    ola = client_for(personas.person).get(url, {"form": "consent"})
    assert ola.context["form"] is None and 'href="?form=' not in ola.content.decode()
    # Without an active consent the form is the page's purpose: it is there at once.
    consent_withdraw(actor=personas.contact_officer, case=case, note="Trukket.")
    assert client_for(personas.contact_officer).get(url).context["form"] is not None


def test_new_consent_replaces_the_active_one_and_history_is_kept(officer, case, personas):
    old = Consent.objects.get(case=case, withdrawn_at__isnull=True)
    response = officer.post(
        reverse("consent:give", kwargs={"code": case.code}),
        {
            "given_on": timezone.localdate().isoformat(),
            "explained_by": str(member(case, personas.contact_officer).pk),
            "scope": [
                str(member(case, personas.nav_with_consent).pk),
                str(member(case, personas.municipal_without_consent).pk),
            ],
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    active = Consent.objects.get(case=case, withdrawn_at__isnull=True)
    assert set(active.scope.values_list("user__username", flat=True)) == {"nils.nav", "mona.kommune"}
    assert Consent.objects.filter(case=case).count() == 2
    assert JournalEntry.objects.filter(case=case, action="consent.give", object_id=str(active.pk)).exists()


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("scope", {"scope": []}),
        ("given_on", {"given_on": "2999-01-01"}),
        ("given_on", {"given_on": "2000-01-01"}),
    ],
)
def test_bad_consent_gets_a_message_and_changes_nothing(officer, case, personas, field, data):
    payload = {
        "given_on": timezone.localdate().isoformat(),
        "explained_by": str(member(case, personas.contact_officer).pk),
        "scope": [str(member(case, personas.nav_with_consent).pk)],
    }
    payload.update(data)
    before = (Consent.objects.filter(case=case, withdrawn_at__isnull=True).get().pk, JournalEntry.objects.count())
    response = officer.post(reverse("consent:give", kwargs={"code": case.code}), payload)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    after = (Consent.objects.filter(case=case, withdrawn_at__isnull=True).get().pk, JournalEntry.objects.count())
    assert after == before


def test_scope_cannot_name_a_member_of_another_case(officer, case, personas, other_case):
    foreign = Membership.objects.filter(case=other_case)[0]
    response = officer.post(
        reverse("consent:give", kwargs={"code": case.code}),
        {
            "given_on": timezone.localdate().isoformat(),
            "explained_by": str(member(case, personas.contact_officer).pk),
            "scope": [str(foreign.pk)],
        },
    )
    assert response.status_code == 400
    assert not Consent.objects.filter(scope=foreign, case=case).exists()


def test_the_person_can_withdraw_their_own_consent(client, personas, case):
    client.force_login(personas.person)
    response = client.post(reverse("consent:withdraw", kwargs={"code": case.code}), {"note": "Not now"})
    assert response.status_code == 302
    consent = Consent.objects.filter(case=case).latest("recorded_at")
    assert consent.withdrawn_at is not None and consent.withdrawn_by == personas.person
    assert not Consent.objects.filter(case=case, withdrawn_at__isnull=True).exists()
    entry = JournalEntry.objects.get(action="consent.withdraw", object_id=str(consent.pk))
    assert entry.old is not None and entry.new is not None
    assert entry.old["withdrawn_at"] is None and entry.new["withdrawn_at"] is not None


def test_withdrawing_twice_gives_a_message_not_an_error(client, personas, case):
    client.force_login(personas.person)
    client.post(reverse("consent:withdraw", kwargs={"code": case.code}), {})
    response = client.post(reverse("consent:withdraw", kwargs={"code": case.code}), {}, follow=True)
    assert response.status_code == 200
    assert Consent.objects.filter(case=case).count() == 1
