"""Delivery to a real endpoint on 127.0.0.1 and a real SMTP server, retried until it answers.

The endpoint (``conftest.serve``) checks each request's HMAC signature and answers 401 to
one it cannot verify. The clock is moved between attempts with time-machine.
"""

import datetime
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from journal.models import JournalEntry
from notices.models import Channel, Notice, NoticeKind, Subscription
from notices.services import BACKOFF, MAX_ATTEMPTS, deliver_due, subscription_save
from notices.tests.conftest import subscribe
from notices.tests.test_services import intake

pytestmark = pytest.mark.django_db


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_an_endpoint_that_fails_first_is_retried_until_it_answers(personas, nav, endpoint):
    subscribe(nav, personas.admin, url=endpoint.url)
    endpoint.script = [500]
    case = intake(personas.contact_officer)
    notice = Notice.objects.get(case=case)
    first = deliver_due()
    assert (first.taken, first.delivered, first.failed) == (1, 0, 1)
    notice.refresh_from_db()
    assert notice.delivered_at is None and notice.attempts == 1
    assert notice.next_attempt_at - timezone.now() <= BACKOFF[0]
    assert deliver_due().taken == 0  # not before the pause is over
    with time_machine.travel(later(BACKOFF[0].total_seconds() + 1), tick=True):
        second = deliver_due()
        arrived = timezone.now()
    assert (second.taken, second.delivered) == (1, 1)
    notice.refresh_from_db()
    assert notice.delivered_at is not None and notice.delivered_at <= arrived
    attempts = list(notice.deliveries.values_list("attempt", "ok", "status_code", "error"))
    assert attempts == [(1, False, 500, "HTTP 500"), (2, True, 200, "")]
    # Every request was signed with the shared secret; both carry the same idempotency key.
    assert [request.signed for request in endpoint.received] == [True, True]
    assert endpoint.keys() == [f"notice-{notice.pk}"] * 2
    body = endpoint.received[-1].json
    assert body["case"] == case.code and body["kind"] == NoticeKind.DATE_SET
    assert body["release_date"] == case.expected_release.isoformat()
    assert "Ali" not in endpoint.received[-1].body.decode()
    assert JournalEntry.objects.filter(action="notice.delivered", object_id=str(notice.pk)).count() == 1
    assert deliver_due(now=later(86400)).taken == 0  # delivered: never sent again


def test_a_wrong_secret_is_refused_by_the_endpoint_and_counts_as_a_failed_attempt(personas, nav, endpoint):
    subscribe(nav, personas.admin, url=endpoint.url, secret="not-the-secret-the-endpoint-holds-0123")
    intake(personas.contact_officer)
    result = deliver_due()
    assert (result.delivered, result.failed) == (0, 1)
    assert [request.signed for request in endpoint.received] == [False]
    assert Notice.objects.get(agency=nav).deliveries.get().status_code == 401


def test_after_the_last_attempt_the_staff_of_the_case_are_alerted(personas, nav, endpoint, client_for, caplog):
    subscribe(nav, personas.admin, url=endpoint.url)
    endpoint.script = [503] * MAX_ATTEMPTS
    case = intake(personas.contact_officer)
    moment = timezone.now()
    with caplog.at_level(logging.ERROR, logger="notices.services"):
        for attempt in range(MAX_ATTEMPTS):
            with time_machine.travel(moment, tick=True):
                assert deliver_due().taken == 1
            if attempt < len(BACKOFF):
                moment += BACKOFF[attempt] + datetime.timedelta(seconds=1)
    notice = Notice.objects.get(case=case)
    assert notice.failed_at is not None and notice.attempts == MAX_ATTEMPTS
    assert list(notice.deliveries.values_list("status_code", flat=True)) == [503] * MAX_ATTEMPTS
    assert JournalEntry.objects.filter(action="notice.failed", object_id=str(notice.pk)).count() == 1
    assert f"Notice {notice.pk} " in caplog.text
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=True):
        assert deliver_due().taken == 0
    assert len(endpoint.received) == MAX_ATTEMPTS
    # The contact officer who runs the case sees the alert on the release page; the person does not.
    url = reverse("release:readiness", kwargs={"code": case.code})
    page = client_for(personas.contact_officer).get(url).content.decode()
    assert f'data-alert="notice-failed" data-agency="{nav.pk}"' in page
    assert 'data-testid="release-notices"' in page
    # Bergen's reentry coordinator sees it on the unit overview; Oslo's coordinator sees nothing of the case.
    from accounts.models import User

    tove, otto = User.objects.get(username="tove.koordinator"), User.objects.get(username="otto.koordinator")
    unit = client_for(tove).get(reverse("cases:unit"), {"search": case.code}).content.decode()
    row = unit.split(f'data-case="{case.code}"')[1].split("</tr>")[0]
    assert 'data-alert="notice-failed"' in row
    other = client_for(otto).get(reverse("cases:unit")).content.decode()
    assert case.code not in other and 'data-alert="notice-failed"' not in other


def test_the_person_and_a_member_do_not_see_the_notices(personas, nav, endpoint, client_for, case):
    subscribe(nav, personas.admin, url=endpoint.url)
    from django.db import transaction

    from notices.services import enqueue_release_notices

    with transaction.atomic():
        enqueue_release_notices(case, NoticeKind.DATE_SET, by=personas.contact_officer)
    deliver_due()
    url = reverse("release:readiness", kwargs={"code": case.code})
    assert 'data-testid="release-notices"' in client_for(personas.contact_officer).get(url).content.decode()
    for viewer in [personas.person, personas.nav_with_consent]:
        response = client_for(viewer).get(url)
        assert response.status_code == 200
        assert 'data-testid="release-notices"' not in response.content.decode()
    assert client_for(personas.outsider).get(url).status_code == 404


def test_an_email_notice_goes_through_a_real_smtp_server(personas, municipality, smtp_settings):
    subscribe(municipality, personas.admin, email="bolig@bergen.kommune.no")
    case = intake(personas.contact_officer)
    result = deliver_due()
    assert (result.taken, result.delivered) == (1, 1)
    [mail] = smtp_settings.messages
    assert mail["To"] == "bolig@bergen.kommune.no"
    assert case.code in mail["Subject"]
    notice = Notice.objects.get(case=case)
    assert mail["X-Overgang-Notice"] == str(notice.pk)
    text = mail.get_payload(decode=True).decode()
    assert case.code in text and "Ali" not in text and "Varetekt" not in text
    assert notice.deliveries.get().channel == Channel.EMAIL
    assert deliver_due().taken == 0


def test_an_email_notice_with_smtp_down_is_retried(personas, municipality, settings):
    subscribe(municipality, personas.admin, email="bolig@bergen.kommune.no")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    intake(personas.contact_officer)
    result = deliver_due()
    assert (result.delivered, result.failed) == (0, 1)
    delivery = Notice.objects.get(agency=municipality).deliveries.get()
    assert not delivery.ok and delivery.status_code is None and delivery.error


def test_the_command_runs(personas, nav, endpoint):
    subscribe(nav, personas.admin, url=endpoint.url)
    intake(personas.contact_officer)
    from io import StringIO

    out = StringIO()
    call_command("deliver_notices", stdout=out)
    assert out.getvalue().strip() == "taken 1, delivered 1, failed 0, gave up 0"


def test_subscription_admin_list_is_for_the_administrator(personas, nav, client_for):
    subscription_save(
        actor=personas.admin,
        subscription=Subscription(agency=nav, channel=Channel.EMAIL, email="nav@example.no"),
    )
    url = reverse("admin:notices_subscription_changelist")
    assert client_for(personas.admin).get(url).status_code == 200
    assert client_for(personas.contact_officer).get(url).status_code == 302
