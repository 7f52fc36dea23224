"""The integration API's addresses under /api/ (django-ninja), each view with its declared access rule.

The URL walk (access/tests/test_url_walk.py) refuses a view without ``access_rule``. The
operations' rule is the bearer token with the scope they name (``api.views.BearerToken``,
decided in ``access.api``); the description and the docs page are public (``docs_decorator``);
ninja's root answers 404.
"""

from django.db import transaction
from django.urls import URLPattern

from access.decorators import ACCESS_RULE
from api.models import Scope
from api.views import api

RULES = {
    "event_intake": f"token:{Scope.EVENTS_WRITE}",
    "event_expected_release": f"token:{Scope.EVENTS_WRITE}",
    "event_released": f"token:{Scope.EVENTS_WRITE}",
    "event_transferred": f"token:{Scope.EVENTS_WRITE}",
    "event_notice_acknowledged": f"token:{Scope.NOTICES_ACKNOWLEDGE}",
    # Any of the events' scopes; each event in the batch is refused without its own (api.views.event_batch).
    "event_batch": f"token:{Scope.EVENTS_WRITE}|{Scope.NOTICES_ACKNOWLEDGE}",
    "cases": f"token:{Scope.CASES_READ}",
    "case": f"token:{Scope.CASES_READ}",
    "openapi-json": "public",
    "openapi-view": "public",
    "api-root": "public",
}

patterns, _app, _namespace = api.urls
app_name = "api"  # ninja's urls_namespace: it reverses its own addresses under it
#: Addresses served outside the request's transaction (ATOMIC_REQUESTS): a batch commits each event
#: in its own transaction (``api.services.event_receive``), so the journal's lock is held for one
#: event at a time, not for the whole batch while staff wait to write.
NOT_ONE_TRANSACTION = {"event_batch"}
for pattern in patterns:
    assert isinstance(pattern, URLPattern) and pattern.name in RULES, pattern
    setattr(pattern.callback, ACCESS_RULE, RULES[pattern.name])
    if pattern.name in NOT_ONE_TRANSACTION:
        transaction.non_atomic_requests(pattern.callback)

urlpatterns = patterns
