"""The integration API's machine clients and the events they have sent (issue 23, point 3).

A client is a system of one agency (the prison system of a prison, NAV's case system) that
signs in with a bearer token from the configured issuer (Maskinporten, Entra ID). Its
scopes here cap what any token may let it do. Each event it sends carries an idempotency
key; the first result is kept under that key, so the same event sent twice changes nothing.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    EVENTS_WRITE = "overgang:events.write", _("Send events from the prison system")
    CASES_READ = "overgang:cases.read", _("Read cases for a member of the group")
    NOTICES_ACKNOWLEDGE = "overgang:notices.acknowledge", _("Acknowledge the release notices sent to the agency")


class ApiClient(models.Model):
    """One machine client: the token's ``client_id``, its agency, the scopes it may use, and whether it may at all."""

    client_id = models.CharField(_("client id"), max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("agency")
    )
    #: The organisation number the token's ``consumer.ID`` must carry (Maskinporten); empty: not checked.
    consumer_id = models.CharField(_("organisation number"), max_length=50, blank=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class EventKind(models.TextChoices):
    INTAKE = "intake", _("Intake registered")
    EXPECTED_RELEASE = "expected_release", _("Expected release date changed")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred")
    NOTICE_ACKNOWLEDGED = "notice_ack", _("Release notice acknowledged")


class ReceivedEvent(models.Model):
    """An event a client sent under an idempotency key, with the hash of its body and its first result."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="events", verbose_name=_("client"))
    key = models.CharField(_("idempotency key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    payload_hash = models.CharField(_("hash of the body"), max_length=64)
    result = models.JSONField(_("result"), default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("received event")
        verbose_name_plural = _("received events")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_event_key_once")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key} ({self.kind})"
