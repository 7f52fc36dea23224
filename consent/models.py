"""The one comprehensive consent (POP step 3) and its history (DOMAIN.md §5).

Consent lifts the duty of confidentiality between the named group members; it is not
the legal basis of the processing. A withdrawn consent stays in the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Membership


class Consent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField(_("given on"))
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("explained by")
    )
    scope = models.ManyToManyField(Membership, related_name="consents", verbose_name=_("members covered"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(withdrawn_at__isnull=True), name="consent_one_active_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.given_on}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
