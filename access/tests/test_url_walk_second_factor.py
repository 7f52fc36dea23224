"""ASSURANCE #3: the URL walk repeated at the password step, for every staff persona.

A staff user who has given the right password and no second factor yet reaches no page of
the application: every URL of ``test_url_walk.TABLE`` (the admin's included) answers GET and
POST with a redirect to the second factor's page, except an explicit allow-list: the public
pages and the second factor's own. Those are read too, and show nothing of any case.
"""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from access.tests.test_url_walk import PERSONAS, TABLE, url_kwargs, walked_patterns
from cases.models import Case

pytestmark = pytest.mark.django_db

STAFF = [persona for persona in PERSONAS if persona not in {"anonymous", "person"}]
#: What a session at the password step may open: the public pages and the second factor's own.
OPEN_AT_PASSWORD_STEP = {
    "healthz",
    "help",
    "privacy",
    "accessibility",
    "login",
    "logout",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "second_factor_verify",
    "second_factor_enrol",
    "timetable:calendar_feed",  # a secret address for calendar apps, its own token (404 here: no such feed)
    "oidc_start",  # sign-in through an identity provider (404 here: none is configured in the tests)
    "oidc_callback",
    "api:openapi-json",  # the integration API's description and docs page; its operations need a token
    "api:openapi-view",
    "api:api-root",
}
SECOND_FACTOR_PAGES = {"/account/second-factor/verify/", "/account/second-factor/enrol/"}


def held(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path in SECOND_FACTOR_PAGES


def test_a_password_alone_reaches_no_page_for_any_staff_persona(client, personas, case):
    users = dict(personas.items())
    hidden_words = [case.code, case.person.last_name] + [c.code for c in Case.objects.all()[:20]]
    patterns = walked_patterns()
    assert {name for name, _ in patterns} == set(TABLE)
    reached, gated, open_reads = [], 0, 0
    for persona in STAFF:
        client.logout()
        client.force_login(users[persona], second_factor=False)
        for name, pattern in patterns:
            url = reverse(name, kwargs=url_kwargs(pattern, case) if pattern else {})
            if name in OPEN_AT_PASSWORD_STEP:
                response = client.get(url)
                open_reads += 1
                leaked = [word for word in hidden_words if word.encode() in response.content]
                if leaked:
                    reached.append(f"GET {name} as {persona} shows {leaked}")
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url, {})
                gated += 1
                if not held(response):
                    reached.append(f"{method.upper()} {name} as {persona}: {response.status_code}")
        # The gate never let the session past: it is still at the password step.
        assert client.get(reverse("home")).status_code == 302
    assert gated > 1000 and open_reads > 0
    print(f"URL walk at the password step: {len(reached)} of {gated} reached")
    assert reached == [], "\n".join(reached)


def test_the_allow_list_is_the_public_pages_and_the_second_factors_own():
    """A view that opens before the second factor is public or one of its pages; nothing else."""
    opened = {
        name
        for name, pattern in walked_patterns()
        if pattern is not None and getattr(pattern.callback, "access_rule", None) in {"public", "second_factor_step"}
    }
    assert opened == OPEN_AT_PASSWORD_STEP
