"""Login throttling: a user is locked, not the address every user shares behind the proxy."""

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy: every user's requests arrive from it


@pytest.fixture
def accounts(db) -> tuple[User, User]:
    users = []
    for name in ("anne.lock", "bjorn.lock"):
        user = User(username=name, role=Role.NAV)
        user.set_password("the-right-password-42")
        user.save()
        users.append(user)
    return users[0], users[1]


def attempt(client, username: str, password: str, remote: str = PROXY, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=remote, headers=headers
    )


def test_wrong_passwords_for_one_user_do_not_lock_out_another_from_the_same_address(client, accounts):
    anne, bjorn = accounts
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, anne.username, "wrong")
    assert attempt(client, bjorn.username, "the-right-password-42").status_code == 302


def test_the_user_is_locked_from_every_address_and_the_lockout_is_logged(client, accounts, caplog):
    anne, _ = accounts
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, anne.username, "wrong")
    # The line masks the name and the address (axes' default); the AccessAttempt row holds them.
    assert any("Locking out" in record.getMessage() for record in caplog.records)
    assert AccessAttempt.objects.filter(username=anne.username).exists()
    assert attempt(client, anne.username, "the-right-password-42").status_code == 429
    assert attempt(client, anne.username, "the-right-password-42", remote="10.7.7.7").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_forwarded_for_header_is_ignored_unless_a_trusted_proxy_is_configured(client, accounts, settings):
    anne, _ = accounts
    settings.TRUSTED_PROXY_COUNT = 0
    attempt(client, anne.username, "wrong", X_Forwarded_For="203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_behind_the_trusted_proxy_the_address_it_saw_is_the_clients(client, accounts, settings):
    anne, _ = accounts
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sends its own (spoofed) header; the proxy appends the address it saw.
    attempt(client, anne.username, "wrong", X_Forwarded_For="6.6.6.6, 198.51.100.4")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.4"]


def test_a_request_that_did_not_pass_the_proxy_keeps_the_peer_address(client, accounts, settings):
    anne, _ = accounts
    settings.TRUSTED_PROXY_COUNT = 2
    attempt(client, anne.username, "wrong", X_Forwarded_For="not-an-address")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
