"""Writes to the notice outbox, and its delivery (issue 23, point 4).

``enqueue_release_notices`` is called by the services that set or change a case's
release date or record the release, inside their transaction: the notices are written
with the change or not at all, and nothing is sent there. ``deliver_due`` (``manage.py
deliver_notices``) sends what is due, outside any transaction, one run per notice.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Agency, AgencyKind, Country, User
from accounts.services import system_user
from cases.models import Case, Membership, membership_is_open
from handover.models import OPEN_STATES, Transition, TransitionKind
from journal.services import record_change, snapshot
from notices.models import LOOPBACK_HOSTS, Channel, Delivery, Notice, NoticeKind, Subscription

logger = logging.getLogger(__name__)

#: The pause after each failed attempt; after the last pause's attempt fails, the notice is given up.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a run holds a notice it took; a run that died lets go of it after this.
CLAIM_LEASE = datetime.timedelta(minutes=5)
#: Seconds an endpoint has to answer.
HTTP_TIMEOUT = 10
BATCH_SIZE = 100
SIGNATURE_HEADER = "X-Overgang-Signature"
TIMESTAMP_HEADER = "X-Overgang-Timestamp"
USER_AGENT = "Overgang-notices/1"

NOTICE_FIELDS = ["case", "agency", "kind", "release_date", "previous_date"]
SUBSCRIPTION_FIELDS = ["agency", "channel", "url", "email", "active"]


# ---------------------------------------------------------------------------------------
# The outbox


def current_release_date(case: Case) -> datetime.date | None:
    """The release date the case holds now: the day of release, the planned release, or the expected date."""
    if case.released_on is not None:
        return case.released_on
    planned = (
        Transition.objects.filter(case=case, state__in=OPEN_STATES, kind__in=TransitionKind.releases())
        .order_by("-id")
        .values_list("planned_date", flat=True)
        .first()
    )
    return planned if planned is not None else case.expected_release


def home_agencies_condition(case: Case) -> Q:
    """The NAV offices and municipal services of the case's home municipality, in its country."""
    municipality = case.home_municipality.strip()
    if not municipality:
        return Q(pk__in=[])
    return Q(
        kind__in=[AgencyKind.NAV, AgencyKind.MUNICIPALITY], municipality__iexact=municipality, country=case.country
    )


def recipient_agencies(case: Case) -> QuerySet[Agency]:
    """The subscribed agencies a case's notices go to: its group's agencies, its home NAV office and municipality."""
    group = Membership.objects.filter(membership_is_open(), case=case).values("agency_id")
    return Agency.objects.filter(
        Q(pk__in=group) | home_agencies_condition(case), notice_subscription__active=True
    ).order_by("pk")


def enqueue_release_notices(case: Case, kind: str, *, by: User) -> list[Notice]:
    """Write one notice per recipient agency about the case's release date; inside the caller's transaction.

    ``kind`` is ``NoticeKind.RELEASED`` once the release is recorded; for a date set or
    changed either date kind may be given: an agency told nothing yet is told the date
    is set, one told another date that it changed, one told this date nothing again.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_release_notices must be called inside the transaction that makes the change.")
    if kind not in NoticeKind.values:
        raise ValueError(f"Unknown notice kind {kind!r}")
    released = kind == NoticeKind.RELEASED
    release_date = case.released_on if released else current_release_date(case)
    if released and release_date is None:
        raise ValueError("A release notice needs the day of release.")
    last: dict[int, tuple[str, datetime.date | None]] = {}
    for agency_id, last_kind, last_date in (
        Notice.objects.filter(case=case).order_by("created_at", "id").values_list("agency_id", "kind", "release_date")
    ):
        last[agency_id] = (last_kind, last_date)
    now = timezone.now()
    notices = []
    for agency in recipient_agencies(case):
        told = last.get(agency.pk)
        if told is not None and told[0] == NoticeKind.RELEASED:
            continue  # told of the release itself: nothing after it
        if released:
            notice_kind = NoticeKind.RELEASED
        elif told is None:
            if release_date is None:
                continue  # nothing to tell yet
            notice_kind = NoticeKind.DATE_SET
        elif told[1] == release_date:
            continue  # told this date already
        else:
            notice_kind = NoticeKind.DATE_CHANGED
        notices.append(
            Notice(
                case=case,
                agency=agency,
                kind=notice_kind,
                release_date=release_date,
                previous_date=told[1] if told is not None else None,
                created_at=now,
                next_attempt_at=now,
            )
        )
    for notice in notices:
        notice.save()
        record_change(
            actor=by, action="notice.enqueue", obj=notice, case=case, old=None, new=snapshot(notice, NOTICE_FIELDS)
        )
    return notices


# ---------------------------------------------------------------------------------------
# Subscriptions (administered in the admin)


def _subscription_values(subscription: Subscription) -> dict[str, Any]:
    """What the journal keeps of a subscription: never the signing secret, only whether it changed."""
    return snapshot(subscription, SUBSCRIPTION_FIELDS)


@transaction.atomic
def subscription_save(*, actor: User, subscription: Subscription) -> Subscription:
    """Add or change an agency's delivery endpoint; journaled without the secret."""
    subscription.full_clean()
    old: dict[str, Any] | None = None
    if subscription.pk is not None:
        before = Subscription.objects.select_for_update().get(pk=subscription.pk)
        old = _subscription_values(before)
        old["signing_secret"] = "[redacted]" if before.signing_secret else ""
        secret_changed = before.signing_secret != subscription.signing_secret
        subscription.version = before.version + 1
    else:
        secret_changed = bool(subscription.signing_secret)
    subscription.save()
    new = _subscription_values(subscription)
    new["signing_secret"] = (
        ("[redacted, changed]" if secret_changed else "[redacted]") if subscription.signing_secret else ""
    )
    record_change(
        actor=actor,
        action="notice.subscription_add" if old is None else "notice.subscription_change",
        obj=subscription,
        case=None,
        old=old,
        new=new,
    )
    return subscription


# ---------------------------------------------------------------------------------------
# Delivery


@dataclass
class DeliveryResult:
    taken: int = 0
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0


@dataclass(frozen=True)
class Answer:
    ok: bool
    status_code: int | None = None
    error: str = ""


def payload(notice: Notice) -> dict[str, Any]:
    """The notice as JSON: the case code, the kind, the dates and the recipient; nothing about the person."""
    return {
        "notice": notice.pk,
        "case": notice.case.code,
        "kind": notice.kind,
        "release_date": notice.release_date.isoformat() if notice.release_date else None,
        "previous_date": notice.previous_date.isoformat() if notice.previous_date else None,
        "agency": notice.agency.name,
        "written_at": notice.created_at.isoformat(),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the HMAC-SHA256 of ``timestamp.body`` under the shared secret, in hex."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A notice goes to the address given, never where an answer points to."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(subscription: Subscription, notice: Notice, now: datetime.datetime) -> Answer:
    if urlsplit(subscription.url).scheme not in {"https", "http"}:  # clean() allows http for this machine only
        return Answer(ok=False, error="The address is not an HTTPS address.")
    body = json.dumps(payload(notice), separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": f"notice-{notice.pk}",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(subscription.signing_secret, timestamp, body),
        },
    )
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if urlsplit(subscription.url).hostname in LOOPBACK_HOSTS:
        handlers.append(urllib.request.ProxyHandler({}))  # this machine is never reached through a proxy
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT) as response:  # nosec B310 (https, or http to this machine)
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return Answer(ok=False, status_code=error.code, error=f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Answer(ok=False, error=str(getattr(error, "reason", error))[:300])
    if 200 <= status < 300:
        return Answer(ok=True, status_code=status)
    return Answer(ok=False, status_code=status, error=f"HTTP {status}")


def _language(agency: Agency) -> str:
    return "da" if agency.country == Country.DENMARK else "nb"


def message(notice: Notice) -> EmailMessage:
    """The notice as an e-mail in the agency's language: the case code, what happened, the dates."""
    code = notice.case.code
    with translation.override(_language(notice.agency)):
        day = date_format(notice.release_date, "j. F Y") if notice.release_date else _("not known")
        if notice.kind == NoticeKind.RELEASED:
            text = _("Case %(code)s: the person was released on %(date)s.")
        elif notice.kind == NoticeKind.DATE_SET:
            text = _("Case %(code)s: the release date is set to %(date)s.")
        else:
            text = _("Case %(code)s: the release date changed to %(date)s.")
        lines = [text % {"code": code, "date": day}]
        if notice.previous_date is not None:
            lines.append(
                _("The date told before was %(date)s.") % {"date": date_format(notice.previous_date, "j. F Y")}
            )
        lines.append(
            _("Notice number %(number)s, for %(agency)s.") % {"number": notice.pk, "agency": notice.agency.name}
        )
        subject = _("Release notice for case %(code)s") % {"code": code}
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "overgang"
    headers = {"Message-ID": f"<notice-{notice.pk}@{domain}>", "X-Overgang-Notice": str(notice.pk)}
    return EmailMessage(subject=subject, body="\n\n".join(lines) + "\n", to=[], headers=headers)


def _mail(subscription: Subscription, notice: Notice) -> Answer:
    mail = message(notice)
    mail.to = [subscription.email]
    mail_connection = get_connection(fail_silently=False)
    try:
        mail_connection.send_messages([mail])
    except Exception as error:  # SMTP down, refused, timed out: it did not go out
        return Answer(ok=False, error=f"{type(error).__name__}: {error}"[:300])
    finally:
        mail_connection.close()
    return Answer(ok=True)


def send(notice: Notice, now: datetime.datetime) -> tuple[str, Answer]:
    """Make one attempt to deliver the notice to its agency's subscription; the channel and the answer."""
    subscription = Subscription.objects.filter(agency_id=notice.agency_id, active=True).first()
    if subscription is None:
        return "", Answer(ok=False, error="The agency has no active subscription.")
    if subscription.channel == Channel.EMAIL:
        return Channel.EMAIL, _mail(subscription, notice)
    return Channel.HTTPS, _post(subscription, notice, now)


def due_notices(now: datetime.datetime) -> QuerySet[Notice]:
    """Notices waiting for an attempt whose time has come, not held by a live run."""
    return Notice.objects.filter(delivered_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _due_ids(now: datetime.datetime, after: int) -> list[int]:
    """The next batch of due notices; on PostgreSQL rows another run holds are skipped, not waited for."""
    with transaction.atomic():
        rows = due_notices(now).filter(pk__gt=after).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        return list(rows.values_list("pk", flat=True)[:BATCH_SIZE])


def take(notice_id: int, now: datetime.datetime) -> bool:
    """Take one notice for an attempt; True for exactly one run, however many try at once.

    A conditional UPDATE: on PostgreSQL a second writer waits for the first's row lock and
    then finds the condition false; SQLite runs one writer at a time.
    """
    taken = due_notices(now).filter(pk=notice_id)
    return taken.update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1) == 1


def _record(notice_id: int, channel: str, answer: Answer, result: DeliveryResult) -> Notice:
    """Keep the attempt and its answer; deliver, schedule the next attempt, or give up with an alert."""
    at = timezone.now()
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("case", "agency").get(pk=notice_id)
        Delivery.objects.create(
            notice=notice,
            attempt=notice.attempts,
            at=at,
            channel=channel or Channel.HTTPS,
            ok=answer.ok,
            status_code=answer.status_code,
            error=answer.error[:300],
        )
        notice.claimed_until = None
        if answer.ok:
            notice.delivered_at = at
            result.delivered += 1
            record_change(
                actor=system_user(),
                action="notice.delivered",
                obj=notice,
                case=notice.case,
                old=None,
                new=snapshot(notice, ["agency", "attempts", "delivered_at"]),
            )
        elif notice.attempts >= MAX_ATTEMPTS:
            notice.failed_at = at
            result.failed += 1
            result.gave_up += 1
            record_change(
                actor=system_user(),
                action="notice.failed",
                obj=notice,
                case=notice.case,
                old=None,
                new=snapshot(notice, ["agency", "attempts", "failed_at"]),
            )
            logger.error(
                "Notice %s (case %s, %s to agency %s) given up after %s attempts: %s; the case's staff are alerted",
                notice.pk,
                notice.case.code,
                notice.kind,
                notice.agency_id,
                notice.attempts,
                answer.error,
            )
        else:
            notice.next_attempt_at = at + BACKOFF[notice.attempts - 1]
            result.failed += 1
            logger.warning(
                "Notice %s: attempt %s failed (%s); next at %s",
                notice.pk,
                notice.attempts,
                answer.error,
                notice.next_attempt_at.isoformat(),
            )
        notice.save(update_fields=["claimed_until", "delivered_at", "failed_at", "next_attempt_at"])
    return notice


def deliver_due(*, now: datetime.datetime | None = None) -> DeliveryResult:
    """Make one attempt at every due notice; safe to run twice or at once (each notice is taken by one run)."""
    now = now or timezone.now()
    result = DeliveryResult()
    last = 0
    while True:
        ids = _due_ids(now, last)
        if not ids:
            return result
        last = ids[-1]
        for notice_id in ids:
            if not take(notice_id, now):
                continue
            result.taken += 1
            notice = Notice.objects.select_related("case", "agency").get(pk=notice_id)
            channel, answer = send(notice, timezone.now())
            _record(notice_id, channel, answer, result)


# ---------------------------------------------------------------------------------------
# Acknowledgement


@transaction.atomic
def acknowledge(*, notice_id: int, agency: Agency, at: datetime.datetime) -> Notice:
    """Record that the recipient agency acknowledged the notice (journaled); a repeat changes nothing.

    Only the agency the notice was written for can acknowledge it; for any other, and for
    a number that names no notice, the answer is the same ``Notice.DoesNotExist``, so the
    answer tells no one which numbers exist.
    """
    notice = Notice.objects.select_for_update().select_related("case").filter(pk=notice_id).first()
    if notice is None or notice.agency_id != agency.pk:
        raise Notice.DoesNotExist("No such notice for this agency.")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("The acknowledgement cannot lie in the future.")})
    if at < notice.created_at:
        raise ValidationError({"at": _("The acknowledgement cannot come before the notice was written.")})
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at = at
    notice.save(update_fields=["acknowledged_at"])
    record_change(
        actor=system_user(),
        action="notice.acknowledge",
        obj=notice,
        case=notice.case,
        old={"acknowledged_at": None},
        new=snapshot(notice, ["agency", "acknowledged_at"]),
    )
    return notice
