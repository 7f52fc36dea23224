"""The OpenID Connect providers this installation signs users in with, read from the environment.

``OVERGANG_OIDC_PROVIDERS=idporten,entra`` names them; each name has its own variables
(the name upper-cased)::

    OVERGANG_OIDC_IDPORTEN_ISSUER=https://idporten.no
    OVERGANG_OIDC_IDPORTEN_CLIENT_ID=...
    OVERGANG_OIDC_IDPORTEN_CLIENT_SECRET=...
    OVERGANG_OIDC_IDPORTEN_AUDIENCE_KIND=person       # person | staff
    OVERGANG_OIDC_IDPORTEN_IDENTITY_CLAIM=pid         # persons: the claim with the identity number
    OVERGANG_OIDC_IDPORTEN_SCOPE=openid profile       # optional

The provider's endpoints and keys come from its discovery document
(``<issuer>/.well-known/openid-configuration``), read at the first sign-in. Production refuses
to start when a named provider lacks its issuer, client id or secret, or has an issuer that
is not https. Imported by ``overgang/settings.py``: nothing here may read Django's settings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

PERSON = "person"
STAFF = "staff"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@dataclass(frozen=True)
class OidcProvider:
    """One configured provider. ``name`` is the one in the sign-in address (/login/oidc/<name>/)."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    audience_kind: str
    identity_claim: str = ""
    scope: str = "openid profile"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def providers_from_environment(
    environ: Mapping[str, str] | None = None, *, production: bool = False
) -> dict[str, OidcProvider]:
    """Return the configured providers by name; ImproperlyConfigured for any that cannot work."""
    env = os.environ if environ is None else environ
    names = [item.strip().lower() for item in env.get("OVERGANG_OIDC_PROVIDERS", "").split(",") if item.strip()]
    providers: dict[str, OidcProvider] = {}
    for name in names:
        if not NAME_PATTERN.match(name):
            raise ImproperlyConfigured(
                f"OVERGANG_OIDC_PROVIDERS: {name!r} is not a name of lowercase letters and digits."
            )
        prefix = f"OVERGANG_OIDC_{name.upper()}_"

        def value(key: str, default: str = "", *, prefix: str = prefix) -> str:
            return env.get(prefix + key, "").strip() or default

        issuer, client_id, secret = value("ISSUER"), value("CLIENT_ID"), value("CLIENT_SECRET")
        missing = [key for key, given in (("ISSUER", issuer), ("CLIENT_ID", client_id)) if not given]
        if production and not secret:
            missing.append("CLIENT_SECRET")
        if missing:
            raise ImproperlyConfigured(
                f"The sign-in provider {name!r} needs " + ", ".join(prefix + key for key in missing) + "."
            )
        if production and not issuer.startswith("https://"):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https address in production.")
        kind = value("AUDIENCE_KIND", PERSON)
        if kind not in {PERSON, STAFF}:
            raise ImproperlyConfigured(f"{prefix}AUDIENCE_KIND must be person or staff, not {kind!r}.")
        providers[name] = OidcProvider(
            name=name,
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            audience_kind=kind,
            identity_claim=value("IDENTITY_CLAIM") if kind == PERSON else "",
            scope=value("SCOPE", "openid profile"),
        )
    return providers
