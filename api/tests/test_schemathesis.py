"""ASSURANCE #26: schemathesis over the whole OpenAPI description, with a token of the local issuer.

Every operation of /api/openapi.json gets generated requests, valid ones and invalid ones
(schemathesis' positive and negative modes), sent to the Django application itself
(WSGI, in the test's transaction): no server error, and every answer's status, content
type, headers and body as the description says (``call_and_validate``'s checks). Bounded
examples per operation and mode keep it well under a minute; it runs on SQLite and on
PostgreSQL with the suite.

One check of schemathesis is left out: ``positive_data_acceptance`` (ST202), which wants
every request that fits the description accepted. The description cannot say what only the
database knows (an officer of that name in the client's prison, a case of that code, the
release date after the intake date): the services refuse those with 422 and 404, as they
must. Every other default check runs, ``negative_data_rejection`` among them (a request
outside the description is refused with a 4xx).

schemathesis' own pytest loader (``schemathesis.pytest.from_fixture``) sets pytest's
private ``_nodeid``, which pytest 9.2 no longer has; the operations are walked here with
schemathesis' public strategies instead (``APIOperation.as_strategy``), one Hypothesis run each.
"""

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import Scope

pytestmark = pytest.mark.django_db

#: Examples per operation and mode: 8 operations x 2 modes x 15.
EXAMPLES = 15
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture
def application():
    """The WSGI application; a request must not close the connection holding the test's transaction.

    Django's test client does the same (``django.test.client.ClientHandler``).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_keeps_its_description_for_every_operation(application, issuer, api_client, case):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    # Every scope, so that every operation is walked past its token (the acknowledgement is NAV's in life).
    api_client.scopes = [*api_client.scopes, Scope.NOTICES_ACKNOWLEDGE]
    api_client.save()
    token = issuer.token(scope=" ".join(Scope.values), lifetime=600)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an Err (invalid operation) fails here
    assert {f"{operation.method.upper()} {operation.path}" for operation in operations} == {
        "POST /api/events/intake",
        "POST /api/events/expected-release",
        "POST /api/events/released",
        "POST /api/events/transferred",
        "POST /api/events/notice-acknowledged",
        "POST /api/events/batch",
        "GET /api/cases",
        "GET /api/cases/{code}",
    }
    # Besides the generated ones, reads for a real member of the client's prison, of a real case,
    # so that the answers with a body (200) are checked against the description too.
    grounded = {"headers": {"X-Acting-For": "kari.kontakt"}, "path_parameters": {"code": case.code}}
    statuses: dict[int, int] = {}
    for operation in operations:
        runs: list[dict[str, Any]] = [{"generation_mode": mode} for mode in MODES]
        if operation.method.upper() == "GET":
            wanted = {"path_parameters"} if "{code}" in operation.path else set()
            runs.append({"headers": grounded["headers"], **{name: grounded[name] for name in wanted}})
        for run_kwargs in runs:

            @given(case=operation.as_strategy(**run_kwargs))
            @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
            def run(case):
                response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            run()
    assert sum(statuses.values()) >= len(operations) * len(MODES)
    assert not any(status >= 500 for status in statuses)
    assert statuses.get(200, 0) > 0
    print(f"schemathesis: {sum(statuses.values())} requests, by status {dict(sorted(statuses.items()))}")
