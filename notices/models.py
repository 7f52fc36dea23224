"""Release notices that arrive (issue 23, point 4): subscriptions, an outbox, deliveries.

NAV learns of a release on the day or after it, and the municipality is not told (seed
000). When a release date is set or changes, or a release happens, one ``Notice`` per
recipient agency is written in the same transaction as the change (the outbox);
``manage.py deliver_notices`` later delivers it to the agency's ``Subscription``
(an HTTPS endpoint with an HMAC signature, or an e-mail address), records every attempt
and its answer as a ``Delivery``, retries with a growing pause, and after the last
attempt raises an alert the case's staff see. A notice carries the case code, the kind
and the dates, never words about the person.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Agency
from cases.models import Case

#: Hosts a plain-HTTP endpoint may have: this machine only (development and the tests).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The shortest signing secret accepted: 32 characters.
MIN_SECRET_LENGTH = 32


class Channel(models.TextChoices):
    HTTPS = "https", _("HTTPS endpoint")
    EMAIL = "email", _("E-mail")


class Subscription(models.Model):
    """Where an agency (a NAV office, a municipality, any group member's agency) gets its notices."""

    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, related_name="notice_subscription", verbose_name=_("agency")
    )
    channel = models.CharField(_("delivered by"), max_length=10, choices=Channel.choices, default=Channel.HTTPS)
    url = models.URLField(_("endpoint address"), max_length=500, blank=True)
    signing_secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("Shared with the agency; signs each notice (HMAC-SHA256). At least 32 characters."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice subscription")
        verbose_name_plural = _("notice subscriptions")
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.channel == Channel.HTTPS:
            parts = urlsplit(self.url)
            if not self.url:
                errors["url"] = _("Give the endpoint's address.")
            elif parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
                errors["url"] = _("The address must start with https://.")
            if len(self.signing_secret) < MIN_SECRET_LENGTH:
                errors["signing_secret"] = _("The signing secret must have at least 32 characters.")
        elif self.channel == Channel.EMAIL and not self.email:
            errors["email"] = _("Give the e-mail address.")
        if errors:
            raise ValidationError(errors)


class NoticeKind(models.TextChoices):
    DATE_SET = "date_set", _("Release date set")
    DATE_CHANGED = "date_changed", _("Release date changed")
    RELEASED = "released", _("Released")


class NoticeState(models.TextChoices):
    """Where a notice is on its way; ``Notice.state`` derives it from the columns."""

    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Could not be delivered")


class Notice(models.Model):
    """One notice to one agency about one case's release date; the outbox row.

    Written in the transaction that changed the date. Taken for delivery by one run only:
    ``claimed_until`` is set by a conditional UPDATE and lapses if that run dies, so a
    notice may reach an endpoint twice after a crash, never zero times; the receiver
    tells the repeats by the ``Idempotency-Key`` header (the notice's number).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices", verbose_name=_("case"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="notices", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    release_date = models.DateField(_("release date told"), null=True, blank=True)
    previous_date = models.DateField(_("release date told before"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_until = models.DateTimeField(_("being delivered until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notice_due",
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
            ),
            models.Index(fields=["case", "agency"], name="notice_case_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(failed_at__isnull=True), name="notice_delivered_or_failed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.release_date} -> {self.agency_id}"

    @property
    def state(self) -> str:
        if self.delivered_at is not None:
            return NoticeState.DELIVERED
        if self.failed_at is not None:
            return NoticeState.FAILED
        return NoticeState.PENDING

    def get_state_display(self) -> str:
        return str(NoticeState(self.state).label)


class Delivery(models.Model):
    """One attempt to deliver a notice, and the answer: the status code or a short error."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("notice"))
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("delivered by"), max_length=10, choices=Channel.choices)
    ok = models.BooleanField(_("arrived"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["notice", "attempt"]
        constraints = [models.UniqueConstraint(fields=["notice", "attempt"], name="delivery_once_per_attempt")]

    def __str__(self) -> str:
        return f"{self.notice_id} #{self.attempt}: {self.status_code or self.error}"
