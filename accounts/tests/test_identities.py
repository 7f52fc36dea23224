"""Linking a user to their subject at an OpenID provider: by the administrator, journaled, once."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import ExternalIdentity
from accounts.services import LINKED_BY_ADMINISTRATOR, identity_link
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

ENTRA = "https://login.microsoftonline.com/tenant/v2.0"


def test_the_administrator_links_staff_in_the_admin_and_it_is_journaled_once(client, personas):
    client.force_login(personas.admin)
    kari = personas.contact_officer
    response = client.post(
        reverse("admin:accounts_externalidentity_add"), {"user": kari.pk, "issuer": ENTRA, "subject": "abc-123"}
    )
    assert response.status_code == 302
    identity = ExternalIdentity.objects.get(issuer=ENTRA, subject="abc-123")
    assert identity.user == kari
    entries = JournalEntry.objects.filter(object_type="accounts.externalidentity", object_id=str(identity.pk))
    assert [(entry.action, entry.actor, entry.new) for entry in entries] == [
        ("account.identity_link", personas.admin, {"user": kari.pk, "issuer": ENTRA, "how": LINKED_BY_ADMINISTRATOR})
    ]
    # The same subject again is refused, for another user too; nothing more is written.
    again = client.post(
        reverse("admin:accounts_externalidentity_add"),
        {"user": personas.social_worker.pk, "issuer": ENTRA, "subject": "abc-123"},
    )
    assert again.status_code == 200 and ExternalIdentity.objects.count() == 1
    # A link is not changed, only deleted (journaled as any admin delete).
    change = client.post(
        reverse("admin:accounts_externalidentity_change", args=[identity.pk]),
        {"user": personas.social_worker.pk, "issuer": ENTRA, "subject": "abc-123"},
    )
    assert change.status_code in {200, 403}
    identity.refresh_from_db()
    assert identity.user == kari
    client.post(reverse("admin:accounts_externalidentity_delete", args=[identity.pk]), {"post": "yes"})
    assert not ExternalIdentity.objects.exists()
    assert JournalEntry.objects.filter(action="admin.delete", object_type="accounts.externalidentity").count() == 1


def test_the_service_refuses_an_empty_or_taken_subject(personas):
    kari = personas.contact_officer
    for issuer, subject in ((ENTRA, " "), ("", "abc")):
        with pytest.raises(ValidationError):
            identity_link(actor=personas.admin, user=kari, issuer=issuer, subject=subject, how=LINKED_BY_ADMINISTRATOR)
    identity_link(actor=personas.admin, user=kari, issuer=ENTRA, subject="abc", how=LINKED_BY_ADMINISTRATOR)
    with pytest.raises(ValidationError):
        identity_link(
            actor=personas.admin, user=personas.social_worker, issuer=ENTRA, subject="abc", how=LINKED_BY_ADMINISTRATOR
        )
    with pytest.raises(ValidationError):
        identity_link(actor=personas.admin, user=kari, issuer=ENTRA, subject="other", how="guessed")
    assert ExternalIdentity.objects.count() == 1
