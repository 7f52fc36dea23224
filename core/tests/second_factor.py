"""Signing staff in with their second factor in tests, the bench and the browser tests.

``Client`` is Django's test client whose ``force_login`` also passes the second factor for
staff (the root ``conftest.py`` makes it pytest-django's ``client``): the user gets a confirmed
authenticator (a TOTP device) if they have none, and the session is marked as verified by it,
as ``django_otp.login`` marks it after a right code. ``force_login(user, second_factor=False)``
signs in at the password step only, for the tests of the gate.

The browser tests and the bench's load generator sign in through the real forms and give a
real code: ``core.tests.totp_codes.known_key`` is the authenticator key the live server's and
the bench's staff are given (``give_known_authenticators``).
"""

from __future__ import annotations

from django.test import Client as DjangoClient
from django_otp import DEVICE_ID_SESSION_KEY

from core.tests.totp_codes import known_key


def pass_second_factor(client: DjangoClient, user) -> None:
    """Mark the client's session as past the second factor with the user's authenticator (made if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access.policy import needs_second_factor

    if not needs_second_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class Client(DjangoClient):
    """Django's test client; ``force_login`` passes the second factor too, unless told not to."""

    def force_login(self, user, backend=None, second_factor: bool = True) -> None:
        super().force_login(user, backend)
        if second_factor:
            pass_second_factor(self, user)


def give_known_authenticators(secret: str, usernames: list[str] | None = None) -> int:
    """Give staff (all, or those named) a confirmed authenticator with ``known_key``; return how many.

    For the live server of the browser tests and for the bench, whose clients sign in through
    the forms; never the demo, where staff set up their own.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access.policy import needs_second_factor
    from accounts.models import User

    users = User.objects.all() if usernames is None else User.objects.filter(username__in=usernames)
    given = 0
    for user in users:
        if not needs_second_factor(user):
            continue
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key=known_key(user.username, secret))
        given += 1
    return given


def give_known_recovery_codes(secret: str, usernames: list[str]) -> None:
    """Give the users named their known recovery codes (``known_recovery_codes``), for sign-ins off the clock."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts.models import User

    for user in User.objects.filter(username__in=usernames):
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=recovery, token=code) for code in known_recovery_codes(user.username, secret)
        )


#: How many known recovery codes each live user gets.
KNOWN_RECOVERY_CODES = 10


def known_recovery_codes(username: str, secret: str) -> list[str]:
    """The user's known one-time recovery codes: eight letters a-z and digits 2-7, as django-otp's."""
    import hashlib
    from base64 import b32encode

    return [
        b32encode(hashlib.sha256(f"{secret}:{username}:recovery:{n}".encode()).digest()).decode().lower()[:8]
        for n in range(KNOWN_RECOVERY_CODES)
    ]
