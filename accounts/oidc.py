"""OpenID Connect sign-in through Authlib's Django client (one client per configured provider).

Authlib reads the provider's discovery document, sends the user there with a random
``state`` and ``nonce`` (and a PKCE challenge) kept in the session, and on the way back
refuses an unknown or reused state, exchanges the code at the token endpoint and checks the
ID token: its signature against the provider's published keys (JWKS), its issuer, audience,
nonce and times. Nothing of that is written here.

What is ours: the providers come from settings (accounts/oidc_settings.py), the level of
authentication each provider reports is read into one of three words kept on the session
(``auth_level``), and the identity number a person's provider returns is read from the claim
the installation names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

from access.policy import AUTH_LEVEL_SESSION_KEY
from accounts.oidc_settings import OidcProvider

#: Session keys. The level is the access module's (access.policy): a staff session at "high"
#: has passed the second factor at the provider (issue 23, point 2).
SESSION_AUTH_LEVEL = AUTH_LEVEL_SESSION_KEY
SESSION_PROVIDER = "oidc_provider"
SESSION_ID_TOKEN = "oidc_id_token"  # noqa: S105 (a session key, not a token)
LOW, SUBSTANTIAL, HIGH = "low", "substantial", "high"

#: Authlib clients by provider, each keeping its provider's discovery document and keys once read.
_clients: dict[OidcProvider, DjangoOAuth2App] = {}


def providers() -> dict[str, OidcProvider]:
    configured: dict[str, OidcProvider] = settings.OIDC_PROVIDERS
    return configured


def provider_named(name: str) -> OidcProvider | None:
    return providers().get(name)


def client(provider: OidcProvider) -> DjangoOAuth2App:
    """The Authlib client of a provider (built once per configuration)."""
    if provider not in _clients:
        registry = OAuth()
        app = registry.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret or None,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": provider.scope, "code_challenge_method": "S256", "timeout": 10},
        )
        assert isinstance(app, DjangoOAuth2App)
        _clients[provider] = app
    return _clients[provider]


def auth_level(claims: Mapping[str, Any]) -> str:
    """The level of authentication the provider reports, as low, substantial or high.

    ID-porten says ``idporten-loa-substantial`` or ``idporten-loa-high`` in ``acr``; MitID
    brokers say the NSIS level (``.../loa/Substantial``, ``.../loa/High``) or ``substantial``,
    ``high``; the older eIDAS-like ``Level3``/``Level4`` are substantial and high. Entra ID
    reports no level in ``acr`` but lists ``mfa`` in ``amr`` when a second factor was used:
    that is high. Anything else is low.
    """
    amr = claims.get("amr") or []
    if isinstance(amr, list) and "mfa" in amr:
        return HIGH
    acr = str(claims.get("acr") or "").strip().lower()
    last = re.split(r"[/:\-]", acr)[-1] if acr else ""
    if last in {"high", "level4"}:
        return HIGH
    if last in {"substantial", "level3"}:
        return SUBSTANTIAL
    return LOW


def identity_number(provider: OidcProvider, claims: Mapping[str, Any]) -> str:
    """The person's identity number from the provider's claim, compacted as at intake; empty if none.

    Norwegian (fødselsnummer, D-nummer) and Danish (CPR) numbers are kept as digits only
    (``cases.validation.normalise_national_id``), so spaces and a dash are dropped.
    """
    if not provider.identity_claim:
        return ""
    value = claims.get(provider.identity_claim)
    if not isinstance(value, str):
        return ""
    return re.sub(r"[\s\-]", "", value)
