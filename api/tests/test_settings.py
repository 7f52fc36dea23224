"""Production refuses to start with the API switched on but no issuer, audience and keys to check tokens against."""

import pytest

from core.tests.test_security import GOOD_ID_KEY, GOOD_SECRET, run_manage

PRODUCTION = {
    "OVERGANG_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_SECRET,
    "DJANGO_ALLOWED_HOSTS": "overgang.example",
    "OVERGANG_ID_KEY": GOOD_ID_KEY,
    "OVERGANG_API_ENABLED": "true",
}
ISSUER = {
    "OVERGANG_API_ISSUER": "https://maskinporten.no/",
    "OVERGANG_API_AUDIENCE": "https://overgang.example/api",
    "OVERGANG_API_JWKS_URL": "https://maskinporten.no/jwk",
}


@pytest.mark.parametrize("missing", sorted(ISSUER))
def test_production_refuses_the_api_without_issuer_audience_or_keys(missing):
    env = {**PRODUCTION, **{name: value for name, value in ISSUER.items() if name != missing}}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "OVERGANG_API_ENABLED needs" in result.stderr


def test_production_starts_with_the_api_and_its_issuer():
    result = run_manage("check", **PRODUCTION, **ISSUER)
    assert result.returncode == 0, result.stderr
