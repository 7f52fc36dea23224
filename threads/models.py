"""The responsibility group's direct channel (POP step 0.2): one message thread per case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.audience import Audience


class Message(models.Model):
    """One message in a case's group thread; messages are never edited or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages", verbose_name=_("case"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    # Who reads it besides its author (access.policy decides): fixed when it is sent.
    audience = models.CharField(_("who reads it"), max_length=10, choices=Audience.choices, default=Audience.COVERED)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.body[:60]
