"""Bearer tokens of machine clients: signed JWTs checked against the configured issuer's keys (PyJWT).

Maskinporten and Entra ID sign with RS256 (Entra) or RS256/ES256 (Maskinporten); nothing
else is taken, so a token cannot choose ``none`` or a shared-secret algorithm. The keys come
from the issuer's JWKS address (cached by PyJWT's client, refetched for an unknown key id)
or from a file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings

ALGORITHMS = ["RS256", "ES256"]
#: Seconds of clock difference allowed between the issuer and us.
LEEWAY = 30
JWKS_TIMEOUT = 5


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


def check(token: str) -> Claims:
    """Check the token's signature, issuer, audience and times; TokenError if any fails."""
    if not (settings.OVERGANG_API_ENABLED and settings.OVERGANG_API_ISSUER and settings.OVERGANG_API_AUDIENCE):
        raise TokenError("the API takes no tokens here")
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
