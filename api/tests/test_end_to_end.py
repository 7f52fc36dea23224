"""Issue 23, "Done when", in one chain: the prison system's intake event opens a case, its release
event sends NAV a notice, the notice is retried until NAV's endpoint answers, and NAV's system
acknowledges it. Everything real: the API with a signed token from a local issuer, the
services, the outbox, an HTTP endpoint on 127.0.0.1 that checks the signature
(notices/tests/conftest.py); the clock moves between attempts with time-machine.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Agency, AgencyKind
from api.models import ApiClient, Scope
from api.tests.test_events import INTAKE, intake_body
from cases.models import Case
from journal.models import JournalEntry
from notices.models import Notice, NoticeKind
from notices.services import deliver_due
from notices.tests.conftest import endpoint, subscribe  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_an_intake_event_and_a_release_event_reach_nav_retried_until_its_endpoint_answers(
    call,
    issuer,
    personas,
    endpoint,  # noqa: F811
):
    nav = Agency.objects.get(kind=AgencyKind.NAV, municipality="Bergen")  # NAV of the person's home
    subscribe(nav, personas.admin, url=endpoint.url)
    endpoint.script = [500, 503, 500]  # NAV's endpoint fails three times before it answers

    opened = call("post", INTAKE, intake_body(), Idempotency_Key="e2e-intake")
    assert opened.status_code == 200, opened.content
    case = Case.objects.get(code=opened.json()["result"]["case_code"])

    today = timezone.localdate()
    body = {"case_code": case.code, "released_on": today.isoformat(), "reason": "Released by the court"}
    released = call("post", "/api/events/released", body, Idempotency_Key="e2e-released")
    assert released.status_code == 200, released.content
    notice = Notice.objects.get(case=case, agency=nav, kind=NoticeKind.RELEASED)
    assert notice.delivered_at is None  # written with the release, in its transaction; not sent yet

    # The scheduler runs deliver_notices every minute; each run makes one attempt at what is due.
    to_nav = Notice.objects.filter(case=case, agency=nav)
    moment = timezone.now()
    for _minute in range(60 * 3):
        with time_machine.travel(moment, tick=False):
            deliver_due()
        if not to_nav.filter(delivered_at__isnull=True).exists():
            break
        moment += datetime.timedelta(minutes=1)
    notice.refresh_from_db()
    assert notice.delivered_at is not None, "the release notice never arrived"
    # NAV was told of the expected date at intake and of the release: three refusals among their
    # attempts, then each arrived once; the release notice was refused before it arrived.
    assert sorted(to_nav.values_list("kind", flat=True)) == [NoticeKind.DATE_SET, NoticeKind.RELEASED]
    assert not to_nav.filter(delivered_at__isnull=True).exists()
    attempts = [(delivery.ok, delivery.status_code) for delivery in notice.deliveries.order_by("attempt")]
    assert attempts[-1] == (True, 200) and len(attempts) >= 2 and not any(ok for ok, _status in attempts[:-1])
    outcomes = [delivery.ok for other in to_nav for delivery in other.deliveries.all()]
    assert (outcomes.count(False), outcomes.count(True)) == (3, 2)
    said = [request.json for request in endpoint.received if request.json["case"] == case.code]
    assert {request["kind"] for request in said} >= {NoticeKind.RELEASED}
    assert all(request.signed for request in endpoint.received)
    assert "Hansen" not in b"".join(request.body for request in endpoint.received).decode()

    # NAV's own system acknowledges the notice through the API.
    ApiClient.objects.create(client_id="nav-system", name="NAV", agency=nav, scopes=[Scope.NOTICES_ACKNOWLEDGE])
    token = issuer.token(client_id="nav-system", scope=Scope.NOTICES_ACKNOWLEDGE)
    answered = call(
        "post", "/api/events/notice-acknowledged", {"notice_id": notice.pk}, token=token, Idempotency_Key="e2e-ack"
    )
    assert answered.status_code == 200, answered.content
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert JournalEntry.objects.filter(case=case, action="release.sudden").count() == 1
