"""Bearer tokens of machine clients: signed JWTs checked against the configured issuer's keys (PyJWT).

Maskinporten and Entra ID sign with RS256 (Entra) or RS256/ES256 (Maskinporten); nothing
else is taken, so a token cannot choose ``none`` or a shared-secret algorithm. The keys come
from the issuer's JWKS address (cached by PyJWT's client, refetched for an unknown key id)
or from a file.

A token that passed is remembered by this process until it expires (``_checked``): a prison
system sends the same token with every request for its lifetime, and its signature, issuer,
audience and key cannot change meanwhile. Its times are checked again at each use, and the
settings it was checked under are part of what is remembered.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings
from django.utils import timezone

ALGORITHMS = ["RS256", "ES256"]
#: Seconds of clock difference allowed between the issuer and us.
LEEWAY = 30
JWKS_TIMEOUT = 5
#: Checked tokens remembered per process (the oldest forgotten first).
CHECKED_MAX = 1024


class TokenError(Exception):
    """The token is not one we take: unsigned by the issuer's keys, expired, for another audience, or malformed."""


@dataclass(frozen=True)
class Claims:
    """What a checked token says about its client."""

    client_id: str
    consumer_id: str
    scopes: frozenset[str]
    acting_for: str
    raw: dict[str, Any]


@functools.cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=JWKS_TIMEOUT)


@functools.cache
def _jwks_file(path: str, modified: float) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_json(Path(path).read_text())


def _key_from_file(path: str, kid: str | None) -> Any:
    keys = _jwks_file(path, Path(path).stat().st_mtime)
    for key in keys.keys:
        if kid is None or key.key_id == kid:
            return key
    raise TokenError("no key of the issuer has this key id")


def signing_key(token: str) -> Any:
    """The issuer's key the token names (``kid``)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenError("not a signed token") from error
    if header.get("alg") not in ALGORITHMS:
        raise TokenError("the token's algorithm is not taken")
    kid = header.get("kid")
    if settings.OVERGANG_API_JWKS_FILE:
        return _key_from_file(settings.OVERGANG_API_JWKS_FILE, kid)
    if settings.OVERGANG_API_JWKS_URL:
        try:
            return _jwks_client(settings.OVERGANG_API_JWKS_URL).get_signing_key_from_jwt(token)
        except jwt.PyJWKClientError as error:
            raise TokenError("the issuer's keys could not be read or do not hold this key") from error
    raise TokenError("no issuer is configured")


def _scopes(payload: dict[str, Any]) -> frozenset[str]:
    """Maskinporten's ``scope`` (space-separated), or Entra's ``scp``/``roles``."""
    found: set[str] = set()
    for claim in ("scope", "scp"):
        value = payload.get(claim)
        if isinstance(value, str):
            found.update(value.split())
    roles = payload.get("roles")
    if isinstance(roles, list):
        found.update(role for role in roles if isinstance(role, str))
    return frozenset(found)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


#: Tokens that passed, under the settings they passed with: (expiry, not-before, claims).
_checked: OrderedDict[tuple[str, ...], tuple[float, float, Claims]] = OrderedDict()
_checked_lock = threading.Lock()


def _remembered(cache_key: tuple[str, ...]) -> Claims | None:
    with _checked_lock:
        found = _checked.get(cache_key)
        if found is None:
            return None
        expires, not_before, claims = found
        now = timezone.now().timestamp()  # the project clock (core.clock), as the token library reads it
        if not (not_before - LEEWAY <= now < expires + LEEWAY):
            del _checked[cache_key]
            return None
        _checked.move_to_end(cache_key)
        return claims


def _remember(cache_key: tuple[str, ...], claims: Claims) -> None:
    expires, not_before = claims.raw.get("exp"), claims.raw.get("nbf", 0)
    if not isinstance(expires, int | float) or not isinstance(not_before, int | float):
        return
    with _checked_lock:
        _checked[cache_key] = (float(expires), float(not_before), claims)
        while len(_checked) > CHECKED_MAX:
            _checked.popitem(last=False)


def check(token: str) -> Claims:
    """Check the token's signature, issuer, audience and times; TokenError if any fails.

    A token that passed before in this process passes again without its signature being
    checked, while its times hold; one that failed is checked again each time.
    """
    if not (settings.OVERGANG_API_ENABLED and settings.OVERGANG_API_ISSUER and settings.OVERGANG_API_AUDIENCE):
        raise TokenError("the API takes no tokens here")
    key_file = settings.OVERGANG_API_JWKS_FILE or ""
    cache_key = (
        token,
        settings.OVERGANG_API_ISSUER,
        settings.OVERGANG_API_AUDIENCE,
        key_file,
        # A key file written anew (a key withdrawn) forgets the tokens checked with the old one.
        str(Path(key_file).stat().st_mtime_ns) if key_file and Path(key_file).exists() else "",
        settings.OVERGANG_API_JWKS_URL or "",
    )
    remembered = _remembered(cache_key)
    if remembered is not None:
        return remembered
    claims = _check(token)
    _remember(cache_key, claims)
    return claims


def _check(token: str) -> Claims:
    key = signing_key(token)
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=settings.OVERGANG_API_AUDIENCE,
            issuer=settings.OVERGANG_API_ISSUER,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise TokenError(str(error)) from error
    consumer = payload.get("consumer")
    act = payload.get("act")
    return Claims(
        client_id=_text(payload.get("client_id")) or _text(payload.get("azp")),
        consumer_id=_text(consumer.get("ID")) if isinstance(consumer, dict) else "",
        scopes=_scopes(payload),
        acting_for=_text(act.get("sub")) if isinstance(act, dict) else "",
        raw=payload,
    )
