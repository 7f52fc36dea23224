"""The second factor's pages and services (ASSURANCE #15): enrol, verify, replay, throttling, recovery codes, reset.

Codes are computed from the device's key with django-otp's RFC 6238 arithmetic, on a clock held
still at the moment the test starts (time-machine), so no test turns on the day or the second.
"""

import base64
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import RECOVERY_CODES, second_factor_enrol
from core.tests.totp_codes import STEP, code_at
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

VERIFY = reverse("second_factor_verify")
ENROL = reverse("second_factor_enrol")


@pytest.fixture
def still():
    """The clock held at this moment (whatever day the run lives on), moved only by the test."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def step_now() -> int:
    return int(timezone.now().timestamp()) // STEP


def overview(case) -> str:
    return reverse("cases:overview", kwargs={"code": case.code})


def at_password_step(client, user):
    client.logout()
    client.force_login(user, second_factor=False)
    return client


@pytest.fixture
def officer(personas):
    user = personas.contact_officer
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return user


@pytest.fixture
def enrolled(officer, still):
    """The officer's authenticator, set up through the service; its first code counts as used."""
    key = TOTPDevice(user=officer).key
    done = second_factor_enrol(actor=officer, key=key, code=code_at(key, step_now()))
    still.shift(STEP)  # the next step, so the test's first code is a fresh one
    return done


def test_enrolment_shows_the_qr_code_and_key_then_takes_a_first_code_and_shows_recovery_codes_once(
    client, officer, case, still
):
    at_password_step(client, officer)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content and b"<script" not in page.content.split(b"<main")[1]
    key = client.session["_overgang_second_factor_key"]
    found = re.search(rb'id="secret-key">([A-Z2-7 ]+)<', page.content)
    assert found is not None
    shown = found.group(1).decode().replace(" ", "")
    assert bytes.fromhex(key) == base64.b32decode(shown)
    refused = client.post(ENROL, {"code": "000000" if code_at(key, step_now()) != "000000" else "111111"})
    assert refused.status_code == 400 and not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get(overview(case))["Location"].startswith(ENROL)
    done = client.post(ENROL, {"code": code_at(key, step_now()), "next": overview(case)})
    assert done.status_code == 302 and done["Location"].startswith(reverse("second_factor"))
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.key == key and device.last_t == step_now()
    codes_page = client.get(done["Location"])
    codes = re.findall(rb"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", codes_page.content)
    assert len(codes) == RECOVERY_CODES
    assert re.findall(rb"<li><code>", client.get(reverse("second_factor")).content) == []  # shown once
    assert client.get(overview(case)).status_code == 200
    actions = set(JournalEntry.objects.filter(actor=officer).values_list("action", flat=True))
    assert {"account.second_factor_enrol", "account.recovery_codes"} <= actions
    # The secret never enters the journal.
    assert not JournalEntry.objects.filter(actor=officer, new__icontains=key[:8]).exists()


def test_a_password_alone_cannot_set_up_a_second_authenticator(client, officer, enrolled):
    at_password_step(client, officer)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    key = TOTPDevice(user=officer).key
    response = client.post(ENROL, {"code": code_at(key, step_now())})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_a_right_code_passes_and_the_same_code_is_refused_the_second_time(client, officer, enrolled, case):
    code = code_at(enrolled.device.key, step_now())
    at_password_step(client, officer)
    passed = client.post(VERIFY, {"code": code, "next": overview(case)})
    assert passed.status_code == 302 and passed["Location"] == overview(case)
    assert client.get(overview(case)).status_code == 200
    # Someone who saw the code (over a shoulder, on a phished page) tries it in their own session.
    at_password_step(client, officer)
    replayed = client.post(VERIFY, {"code": code})
    assert replayed.status_code == 400
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(overview(case))["Location"].startswith(VERIFY)
    # An earlier step's code, older than the last one taken, is refused as well.
    assert client.post(VERIFY, {"code": code_at(enrolled.device.key, step_now() - 1)}).status_code == 400


def test_the_first_code_of_the_enrolment_cannot_be_used_again(client, officer, still):
    key = TOTPDevice(user=officer).key
    code = code_at(key, step_now())
    second_factor_enrol(actor=officer, key=key, code=code)
    at_password_step(client, officer)
    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_wrong_codes_are_journaled_and_make_the_next_try_wait(client, officer, enrolled, case, still):
    right = code_at(enrolled.device.key, step_now())
    wrong = "123456" if right != "123456" else "654321"
    at_password_step(client, officer)
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    # At once, even the right code waits: django-otp's throttling (1, 2, 4 ... seconds).
    waiting = client.post(VERIFY, {"code": right})
    assert waiting.status_code == 400 and b'role="alert"' in waiting.content  # "wait N seconds", not "wrong"
    assert client.get(overview(case))["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": wrong}).status_code == 400  # still waiting: not counted again
    device = TOTPDevice.objects.get(pk=enrolled.device.pk)
    assert device.throttling_failure_count == 1
    still.shift(2)
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    assert TOTPDevice.objects.get(pk=enrolled.device.pk).throttling_failure_count == 2
    still.shift(1)  # the second wrong code asks for 2 seconds
    assert client.post(VERIFY, {"code": right}).status_code == 400
    still.shift(1)
    assert client.post(VERIFY, {"code": right}).status_code == 302
    assert TOTPDevice.objects.get(pk=enrolled.device.pk).throttling_failure_count == 0
    failed = JournalEntry.objects.filter(actor=officer, action="account.second_factor_failed").count()
    assert failed == 5


def test_a_recovery_code_works_once(client, officer, enrolled, case):
    code = enrolled.recovery_codes[0]
    at_password_step(client, officer)
    passed = client.post(VERIFY, {"code": f" {code[:4].upper()}-{code[4:]} "})
    assert passed.status_code == 302
    assert client.get(overview(case)).status_code == 200
    assert JournalEntry.objects.filter(actor=officer, action="account.recovery_code_used").count() == 1
    assert StaticToken.objects.filter(device__user=officer).count() == RECOVERY_CODES - 1
    at_password_step(client, officer)
    assert client.post(VERIFY, {"code": code}).status_code == 400
    assert client.get(overview(case))["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old(client, officer, enrolled, still):
    client.force_login(officer)
    page = client.post(reverse("second_factor"))
    new = [code.replace(b"-", b"").decode() for code in re.findall(rb"<li><code>([a-z2-7-]{9})</code>", page.content)]
    assert len(new) == RECOVERY_CODES and set(new).isdisjoint(enrolled.recovery_codes)
    at_password_step(client, officer)
    assert client.post(VERIFY, {"code": enrolled.recovery_codes[1]}).status_code == 400
    still.shift(1)  # the wrong code's wait
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_the_persons_have_no_second_factor_page(client, personas):
    client.force_login(personas.person)
    assert client.get(reverse("second_factor")).status_code == 403
    assert client.post(reverse("second_factor")).status_code == 403
    assert client.get(VERIFY).status_code == 302
    assert not StaticDevice.objects.filter(user=personas.person).exists()


def test_a_foreign_next_address_is_not_followed(client, officer, enrolled):
    at_password_step(client, officer)
    response = client.post(VERIFY, {"code": code_at(enrolled.device.key, step_now()), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_password_reset_never_yields_a_second_factor_session(client, officer, enrolled, case):
    """ASSURANCE #15: the reset link sets a password, signs no one in, and ends the sessions there were."""
    from django.test import Client

    verified = Client()
    verified.force_login(officer)
    session = verified.session
    session[DEVICE_ID_SESSION_KEY] = enrolled.device.persistent_id
    session.save()
    assert verified.get(overview(case)).status_code == 200
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    link = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    assert link.status_code == 302
    password = "a-new-password-from-the-link-2026"
    done = client.post(link["Location"], {"new_password1": password, "new_password2": password})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    # The link signed no one in, and the session that had passed the second factor is over.
    assert client.get(overview(case))["Location"].startswith(reverse("login"))
    assert verified.get(overview(case))["Location"].startswith(reverse("login"))
    # The new password is the first step only.
    client.post(reverse("login"), {"username": officer.username, "password": password})
    assert DEVICE_ID_SESSION_KEY not in client.session
    held = client.get(overview(case))
    assert held.status_code == 302 and held["Location"].startswith(VERIFY)


def test_enrolment_and_verification_refuse_bad_input_without_error(client, officer, enrolled):
    at_password_step(client, officer)
    for code in ["", "12345", "1234567", "abc", "x" * 50, "abcd-efg!", "00000000"]:
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 400, code
    assert client.post(ENROL, {"code": "x" * 50}).status_code == 302  # has one: sent to give its code


def test_the_administrator_may_remove_a_second_factor_never_read_or_set_it(client, personas, officer, enrolled):
    """A lost phone: the admin removes the device (journaled, without its key); the user sets up a new one."""
    client.force_login(personas.admin)
    device = enrolled.device
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key.encode() not in page.content
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    recovery = client.get(
        reverse(
            "admin:otp_static_staticdevice_change",
            args=[enrolled.recovery_codes and StaticDevice.objects.get(user=officer).pk],
        )
    )
    assert recovery.status_code == 200
    assert not any(code.encode() in recovery.content for code in enrolled.recovery_codes)
    removed = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert removed.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = JournalEntry.objects.get(action="admin.delete", object_type="otp_totp.totpdevice")
    assert "key" not in (entry.old or {}) and device.key not in str(entry.old)
    at_password_step(client, officer)
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)  # recovery codes are still there
