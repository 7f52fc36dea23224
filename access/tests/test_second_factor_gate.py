"""The second factor's gate (access.middleware, access.policy): who is held, who passes, what counts.

The walk of every address at the password step is ``test_url_walk_second_factor.py``; here the
rules one by one, as an attacker would try them.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.policy import AUTH_LEVEL_SESSION_KEY, needs_second_factor
from accounts.models import Role, User

pytestmark = pytest.mark.django_db

VERIFY = "/account/second-factor/verify/"
ENROL = "/account/second-factor/enrol/"


def overview(case) -> str:
    return reverse("cases:overview", kwargs={"code": case.code})


def at_password_step(client, user, **session):
    client.logout()
    client.force_login(user, second_factor=False)
    stored = client.session
    stored.update(session)
    stored.save()
    return client


def test_every_role_but_the_person_is_asked():
    asked = {role for role in Role if needs_second_factor(User(role=role))}
    assert asked == set(Role) - {Role.PERSON}
    assert needs_second_factor(User(role=Role.PERSON, is_staff=True))  # the admin site's flag counts
    assert not needs_second_factor(User(role=Role.PERSON))


def test_a_staff_user_with_an_authenticator_is_sent_to_give_its_code(client, personas, case):
    officer = personas.contact_officer
    TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    response = at_password_step(client, officer).get(overview(case))
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F{case.code}%2F"


def test_a_staff_user_without_one_is_sent_to_set_it_up(client, personas, case):
    officer = personas.contact_officer
    TOTPDevice.objects.filter(user=officer).delete()
    response = at_password_step(client, officer).get(overview(case))
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_an_htmx_request_is_told_where_to_go_and_gets_nothing_else(client, personas, case):
    TOTPDevice.objects.create(user=personas.nav_with_consent, name="authenticator", confirmed=True)
    response = at_password_step(client, personas.nav_with_consent).get(overview(case), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == VERIFY
    assert response.content == b""


def test_the_admin_is_held_too(client, personas):
    response = at_password_step(client, personas.admin).get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith((VERIFY, ENROL))
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and response["Location"].startswith((VERIFY, ENROL))


def test_the_person_is_not_asked(client, personas, case):
    response = at_password_step(client, personas.person).get(overview(case))
    assert response.status_code == 200


def test_a_sign_in_at_the_high_level_counts_as_two_factors(client, personas, case):
    response = at_password_step(client, personas.contact_officer, **{AUTH_LEVEL_SESSION_KEY: "high"}).get(
        overview(case)
    )
    assert response.status_code == 200


@pytest.mark.parametrize("level", ["substantial", "low", "High", ""])
def test_a_lower_level_does_not(client, personas, case, level):
    response = at_password_step(client, personas.contact_officer, **{AUTH_LEVEL_SESSION_KEY: level}).get(overview(case))
    assert response.status_code == 302 and response["Location"].startswith((VERIFY, ENROL))


def test_another_users_device_in_the_session_does_not_count(client, personas, case):
    theirs = TOTPDevice.objects.create(user=personas.social_worker, name="authenticator", confirmed=True)
    officer = personas.contact_officer
    response = at_password_step(client, officer, **{DEVICE_ID_SESSION_KEY: theirs.persistent_id}).get(overview(case))
    assert response.status_code == 302 and response["Location"].startswith((VERIFY, ENROL))


def test_an_unconfirmed_device_does_not_count(client, personas, case):
    officer = personas.contact_officer
    draft = TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=False)
    response = at_password_step(client, officer, **{DEVICE_ID_SESSION_KEY: draft.persistent_id}).get(overview(case))
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_a_password_sign_in_drops_a_level_left_in_the_session(client, personas, case):
    """A provider's sign-in that stopped half-way must not lend its level to the password typed next."""
    officer = personas.contact_officer
    User.objects.filter(pk=officer.pk).update(password=make_password("a-long-password-for-this-test"))
    client.get(reverse("login"))
    stored = client.session
    stored[AUTH_LEVEL_SESSION_KEY] = "high"
    stored.save()
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "a-long-password-for-this-test"}
    )
    assert response.status_code == 302
    assert AUTH_LEVEL_SESSION_KEY not in client.session
    response = client.get(overview(case))
    assert response.status_code == 302 and response["Location"].startswith((VERIFY, ENROL))


def test_without_the_gate_a_password_alone_would_open_the_case(client, personas, case):
    """The gate is what holds: the same session, with the middleware taken out, reads the case."""
    gate = "access.middleware.SecondFactorMiddleware"
    assert gate in settings.MIDDLEWARE
    at_password_step(client, personas.contact_officer)
    assert client.get(overview(case)).status_code == 302
    with override_settings(MIDDLEWARE=[name for name in settings.MIDDLEWARE if name != gate]):
        ungated = Client()  # a client loads the middleware at its first request
        ungated.cookies = client.cookies
        assert ungated.get(overview(case)).status_code == 200
