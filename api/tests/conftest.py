"""A local token issuer for the API's tests: an RSA key made here, its JWKS in a file the settings name."""

import datetime
import json
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from api.models import ApiClient, Scope

ISSUER = "https://issuer.test/"
AUDIENCE = "https://overgang.test/api"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key, kid: str) -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


@dataclass
class Issuer:
    key: Any
    kid: str

    def token(self, *, key=None, kid=None, lifetime=120, algorithm="RS256", **claims) -> str:
        now = timezone.now()
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + datetime.timedelta(seconds=lifetime),
            "jti": str(uuid.uuid4()),
            "client_id": "prison-system",
            "scope": f"{Scope.EVENTS_WRITE} {Scope.CASES_READ}",
        }
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, key or self.key, algorithm=algorithm, headers={"kid": kid or self.kid})


@pytest.fixture(scope="session")
def issuer_key():
    return new_key()


@pytest.fixture
def issuer(settings, tmp_path, issuer_key) -> Issuer:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(issuer_key, "test-1")))
    settings.OVERGANG_API_ENABLED = True
    settings.OVERGANG_API_ISSUER = ISSUER
    settings.OVERGANG_API_AUDIENCE = AUDIENCE
    settings.OVERGANG_API_JWKS_FILE = str(path)
    settings.OVERGANG_API_JWKS_URL = ""
    return Issuer(issuer_key, "test-1")


@pytest.fixture
def api_client(case) -> ApiClient:
    """The prison system of Jonas's prison, allowed both scopes."""
    return ApiClient.objects.create(
        client_id="prison-system",
        name="Kriminalomsorgens fagsystem",
        agency=case.institution,
        scopes=[Scope.EVENTS_WRITE, Scope.CASES_READ],
    )


@pytest.fixture
def call(client, issuer, api_client):
    """POST or GET an API address with a bearer token (or the given headers)."""

    def request(method: str, path: str, body=None, token: str | None = "", **headers):
        if token == "":
            token = issuer.token()
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "post":
            return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)
        return client.get(path, **extra)

    return request
