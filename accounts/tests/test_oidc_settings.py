"""The providers read from the environment, and the level each provider's words mean (accounts.oidc)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc import auth_level, identity_number
from accounts.oidc_settings import PERSON, STAFF, providers_from_environment

IDPORTEN = {
    "OVERGANG_OIDC_PROVIDERS": "idporten, entra",
    "OVERGANG_OIDC_IDPORTEN_ISSUER": "https://idporten.no",
    "OVERGANG_OIDC_IDPORTEN_CLIENT_ID": "overgang",
    "OVERGANG_OIDC_IDPORTEN_CLIENT_SECRET": "s3cret",
    "OVERGANG_OIDC_IDPORTEN_AUDIENCE_KIND": "person",
    "OVERGANG_OIDC_IDPORTEN_IDENTITY_CLAIM": "pid",
    "OVERGANG_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
    "OVERGANG_OIDC_ENTRA_CLIENT_ID": "overgang-staff",
    "OVERGANG_OIDC_ENTRA_CLIENT_SECRET": "s3cret",
    "OVERGANG_OIDC_ENTRA_AUDIENCE_KIND": "staff",
}


def test_providers_are_read_from_the_environment():
    providers = providers_from_environment(IDPORTEN, production=True)
    assert list(providers) == ["idporten", "entra"]
    assert providers["idporten"].audience_kind == PERSON and providers["idporten"].identity_claim == "pid"
    assert providers["idporten"].metadata_url == "https://idporten.no/.well-known/openid-configuration"
    assert providers["entra"].audience_kind == STAFF and providers["entra"].identity_claim == ""
    assert providers_from_environment({}) == {}


@pytest.mark.parametrize(
    "change",
    [
        {"OVERGANG_OIDC_ENTRA_CLIENT_SECRET": ""},  # production refuses a provider without its secret
        {"OVERGANG_OIDC_IDPORTEN_ISSUER": ""},
        {"OVERGANG_OIDC_IDPORTEN_CLIENT_ID": ""},
        {"OVERGANG_OIDC_IDPORTEN_ISSUER": "http://idporten.no"},
        {"OVERGANG_OIDC_IDPORTEN_AUDIENCE_KIND": "everyone"},
        {"OVERGANG_OIDC_PROVIDERS": "id porten"},
    ],
)
def test_production_refuses_a_provider_that_cannot_work(change):
    with pytest.raises(ImproperlyConfigured):
        providers_from_environment({**IDPORTEN, **change}, production=True)


def test_outside_production_a_provider_may_go_without_a_secret():
    providers = providers_from_environment({**IDPORTEN, "OVERGANG_OIDC_ENTRA_CLIENT_SECRET": ""})
    assert providers["entra"].client_secret == ""


@pytest.mark.parametrize(
    ("claims", "level"),
    [
        ({"acr": "idporten-loa-high"}, "high"),
        ({"acr": "idporten-loa-substantial"}, "substantial"),
        ({"acr": "https://data.gov.dk/concept/core/nsis/loa/High"}, "high"),
        ({"acr": "https://data.gov.dk/concept/core/nsis/loa/Substantial"}, "substantial"),
        ({"acr": "https://data.gov.dk/concept/core/nsis/loa/Low"}, "low"),
        ({"acr": "Level4"}, "high"),
        ({"acr": "Level3"}, "substantial"),
        ({"acr": "1", "amr": ["pwd", "mfa"]}, "high"),  # Entra ID: a second factor used
        ({"acr": "1", "amr": ["pwd"]}, "low"),
        ({}, "low"),
        ({"acr": "highish"}, "low"),
    ],
)
def test_the_level_each_provider_reports_in_three_words(claims, level):
    assert auth_level(claims) == level


def test_the_identity_number_is_read_as_at_intake():
    provider = providers_from_environment(IDPORTEN)["idporten"]
    assert identity_number(provider, {"pid": "150577 12345"}) == "15057712345"
    assert identity_number(provider, {"pid": 15057712345}) == ""
    assert identity_number(provider, {}) == ""
    staff = providers_from_environment(IDPORTEN)["entra"]
    assert identity_number(staff, {"pid": "15057712345"}) == ""
