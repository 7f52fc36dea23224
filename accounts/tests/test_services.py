"""The account services: ``password_link_send`` journals the link and mails it only once the transaction
commits; ``user_language_choose`` keeps the user's own language with the old and new values; a refused
input raises ValidationError and changes nothing."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import User
from accounts.services import SYSTEM_USERNAME, password_link_send, system_user, user_language_choose
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_from_admin(personas):
    request = RequestFactory().post("/admin/accounts/user/", secure=True)
    request.user = personas.admin
    return request


@pytest.fixture
def officer(personas) -> User:
    User.objects.filter(pk=personas.contact_officer.pk).update(email="kari.nilsen@kriminalomsorg.example")
    return User.objects.get(pk=personas.contact_officer.pk)


def test_a_password_link_is_journaled_by_its_sender_and_mailed_to_the_users_own_address_on_commit(
    personas, officer, request_from_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        password_link_send(actor=personas.admin, user=officer, request=request_from_admin)
    assert mail.outbox == []  # nothing leaves before the commit
    entry = JournalEntry.objects.get(action="account.password_link", object_id=str(officer.pk))
    assert entry.actor_id == personas.admin.pk and entry.case_id is None
    assert entry.old is None and entry.new == {"email": "kari.nilsen@kriminalomsorg.example"}
    for callback in waiting:
        callback()
    [message] = mail.outbox
    assert message.to == ["kari.nilsen@kriminalomsorg.example"]
    assert "https://" in message.body  # the request was secure: so is the link


@pytest.mark.parametrize("problem", ["no_email", "inactive"])
def test_no_password_link_for_a_user_without_an_address_or_an_active_account(
    personas, officer, request_from_admin, django_capture_on_commit_callbacks, problem
):
    if problem == "no_email":
        User.objects.filter(pk=officer.pk).update(email="")
    else:
        User.objects.filter(pk=officer.pk).update(is_active=False)
    officer.refresh_from_db()
    journal = JournalEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        password_link_send(actor=personas.admin, user=officer, request=request_from_admin)
    assert JournalEntry.objects.count() == journal and mail.outbox == []


def test_a_chosen_language_is_kept_and_journaled_with_the_old_and_new_values(personas):
    nils = personas.nav_with_consent
    old = User.objects.get(pk=nils.pk).language
    assert old != "da"
    kept = user_language_choose(actor=nils, language="da")
    assert kept.language == "da" and User.objects.get(pk=nils.pk).language == "da"
    assert nils.language == "da"  # the caller's user follows, for the rest of the request
    entry = JournalEntry.objects.get(action="account.language", object_id=str(nils.pk))
    assert entry.actor_id == nils.pk and entry.case_id is None
    assert entry.old == {"language": old} and entry.new == {"language": "da"}


@pytest.mark.parametrize("language", ["de", "", "NB", "nb-no"])
def test_a_language_not_offered_is_refused_naming_the_field_and_changes_nothing(personas, language):
    nils = personas.nav_with_consent
    before = (User.objects.get(pk=nils.pk).language, JournalEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        user_language_choose(actor=nils, language=language)
    assert set(refused.value.message_dict) == {"language"}
    assert (User.objects.get(pk=nils.pk).language, JournalEntry.objects.count()) == before


def test_choosing_the_language_one_already_has_writes_no_entry(personas):
    nils = personas.nav_with_consent
    user_language_choose(actor=nils, language="en")
    journal = JournalEntry.objects.count()
    assert user_language_choose(actor=nils, language="en").language == "en"
    assert JournalEntry.objects.count() == journal


def test_the_system_user_is_one_inactive_user_without_a_password_or_agency():
    first, second = system_user(), system_user()
    assert first == second and first.username == SYSTEM_USERNAME
    assert not first.is_active and not first.has_usable_password() and first.agency_id is None
    assert User.objects.filter(username=SYSTEM_USERNAME).count() == 1
