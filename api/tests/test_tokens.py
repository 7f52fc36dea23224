"""Machine clients authenticate with signed JWTs of the configured issuer; every other token is refused."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.utils import base64url_encode

from api.models import ApiClient, Scope
from api.tests.conftest import jwks, new_key

pytestmark = pytest.mark.django_db

CASES = "/api/cases"


def refused(response, status: int, title: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status and body["title"] == title
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_good_token_passes(call):
    assert call("get", CASES, X_Acting_For="kari.kontakt").status_code == 200


def test_no_token_or_another_scheme_is_401(call):
    refused(call("get", CASES, token=None), 401, "No token")
    refused(call("get", CASES, token=None, Authorization="Basic a2FyaTpwdw=="), 401, "No token")


@pytest.mark.parametrize(
    ("claims", "title"),
    [
        ({"lifetime": -120}, "Invalid token"),  # expired, past the leeway
        ({"iss": "https://another.issuer/"}, "Invalid token"),
        ({"aud": "https://another.api/"}, "Invalid token"),
        ({"exp": None}, "Invalid token"),  # an expiry is required
        ({"client_id": "no-such-client"}, "Unknown client"),
        ({"client_id": None}, "Unknown client"),
    ],
)
def test_a_token_with_wrong_claims_is_401(call, issuer, claims, title):
    refused(call("get", CASES, token=issuer.token(**claims), X_Acting_For="kari.kontakt"), 401, title)


def test_a_token_signed_by_another_key_is_401(call, issuer):
    forged = issuer.token(key=new_key())  # the issuer's key id, another key
    refused(call("get", CASES, token=forged, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    unknown_kid = issuer.token(kid="another-key")
    refused(call("get", CASES, token=unknown_kid, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    other_curve = issuer.token(key=ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    refused(call("get", CASES, token=other_curve, X_Acting_For="kari.kontakt"), 401, "Invalid token")


def test_unsigned_and_shared_secret_tokens_are_401(call, issuer):
    claims = jwt.decode(issuer.token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, "", algorithm="none")
    refused(call("get", CASES, token=unsigned, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    # The public key used as an HMAC secret: the classic algorithm confusion.
    # PyJWT refuses to make one; made by hand here.
    secret = issuer.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = b".".join(
        base64url_encode(json.dumps(part).encode()) for part in ({"alg": "HS256", "kid": issuer.kid}, claims)
    )
    signature = base64url_encode(hmac.new(secret, signing_input, hashlib.sha256).digest())
    confused = (signing_input + b"." + signature).decode()
    refused(call("get", CASES, token=confused, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    refused(call("get", CASES, token="not.a.token", X_Acting_For="kari.kontakt"), 401, "Invalid token")


def test_an_inactive_client_or_another_organisation_is_401(call, api_client, issuer):
    ApiClient.objects.filter(pk=api_client.pk).update(consumer_id="0192:889640782")
    refused(call("get", CASES, X_Acting_For="kari.kontakt"), 401, "Unknown client")
    token = issuer.token(consumer={"authority": "iso6523-actorid-upis", "ID": "0192:889640782"})
    assert call("get", CASES, token=token, X_Acting_For="kari.kontakt").status_code == 200
    ApiClient.objects.filter(pk=api_client.pk).update(active=False)
    refused(call("get", CASES, token=token, X_Acting_For="kari.kontakt"), 401, "Unknown client")


def test_a_missing_scope_is_403(call, issuer, api_client):
    refused(
        call("get", CASES, token=issuer.token(scope=Scope.EVENTS_WRITE), X_Acting_For="kari.kontakt"),
        403,
        "Missing scope",
    )
    ApiClient.objects.filter(pk=api_client.pk).update(scopes=[Scope.EVENTS_WRITE])
    refused(call("get", CASES, X_Acting_For="kari.kontakt"), 403, "Missing scope")


def test_entra_style_scopes_count(call, issuer):
    token = issuer.token(scope=None, scp=Scope.CASES_READ)
    assert call("get", CASES, token=token, X_Acting_For="kari.kontakt").status_code == 200


def test_without_issuer_or_when_switched_off_no_token_is_taken(call, settings):
    settings.OVERGANG_API_ENABLED = False
    refused(call("get", CASES, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    settings.OVERGANG_API_ENABLED = True
    settings.OVERGANG_API_ISSUER = ""
    refused(call("get", CASES, X_Acting_For="kari.kontakt"), 401, "Invalid token")


class Keys(BaseHTTPRequestHandler):
    body = b""
    served = 0

    def do_GET(self):
        type(self).served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_the_keys_are_read_from_the_issuers_jwks_address(call, issuer, settings):
    """A JWKS served on 127.0.0.1 by a tiny stdlib server, read by PyJWT's client (as Maskinporten's /jwk)."""
    Keys.body = json.dumps(jwks(issuer.key, issuer.kid)).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.OVERGANG_API_JWKS_FILE = ""
        settings.OVERGANG_API_JWKS_URL = f"http://127.0.0.1:{server.server_port}/jwk"
        assert call("get", CASES, X_Acting_For="kari.kontakt").status_code == 200
        refused(
            call("get", CASES, token=issuer.token(key=new_key()), X_Acting_For="kari.kontakt"), 401, "Invalid token"
        )
        assert Keys.served >= 1
    finally:
        server.shutdown()
        server.server_close()
    settings.OVERGANG_API_JWKS_URL = "http://127.0.0.1:9/unreachable"
    refused(call("get", CASES, X_Acting_For="kari.kontakt"), 401, "Invalid token")


def test_a_token_remembered_as_checked_still_expires_and_goes_with_its_key(call, issuer, settings):
    """A checked token is not checked again while it lives (api.tokens); its expiry and its key still count."""
    import datetime
    from pathlib import Path

    import time_machine
    from django.utils import timezone

    from api import tokens

    token = issuer.token(lifetime=120)
    assert call("get", CASES, token=token, X_Acting_For="kari.kontakt").status_code == 200
    assert any(key[0] == token for key in tokens._checked)
    assert call("get", CASES, token=token, X_Acting_For="kari.kontakt").status_code == 200
    # Past its expiry (and the leeway) it is refused, remembered or not.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=120 + tokens.LEEWAY + 5), tick=False):
        refused(call("get", CASES, token=token, X_Acting_For="kari.kontakt"), 401, "Invalid token")
    # The issuer's keys written anew without the token's key: the token is checked again, and refused.
    fresh = issuer.token(lifetime=120)
    assert call("get", CASES, token=fresh, X_Acting_For="kari.kontakt").status_code == 200
    key_file = Path(settings.OVERGANG_API_JWKS_FILE)
    key_file.write_text(json.dumps(jwks(new_key(), issuer.kid)))  # the same file, the key withdrawn
    refused(call("get", CASES, token=fresh, X_Acting_For="kari.kontakt"), 401, "Invalid token")
