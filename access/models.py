"""Access outside a standing membership, with a reason chosen from a list (DOMAIN.md §5).

A reentry coordinator looks at a case of their own prison, or prison staff break the
glass in an emergency. Each look is a ``ReasonedAccess``: who, in which role and agency,
which case, which reason from the list, from when and until when. The rows are never
changed or deleted (the journal also holds each one); the person reads them in their
access log, and an emergency is flagged to the case's lead. ``access.policy`` decides
who may open one and what it lets them see.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReasonKind(models.TextChoices):
    UNIT = "unit", _("A coordinator of the prison looked at the case")
    EMERGENCY = "emergency", _("Emergency access")


class Reason(models.TextChoices):
    """The list a reason is chosen from; no free text, so nothing written here can leak to the log's readers."""

    # A coordinator's work across the unit (seed 004, glossary: the coordinator co-ordinates
    # the measures of the prison service and the other agencies).
    COORDINATE_MEASURES = "coordinate_measures", _("To co-ordinate measures with other services")
    OVERDUE_DEADLINE = "overdue_deadline", _("To follow up a deadline that has passed")
    RELEASE_OR_TRANSFER = "release_or_transfer", _("To prepare a release or a transfer")
    STAND_IN = "stand_in", _("To stand in while the contact officer is away")
    # Emergencies (break-glass).
    HEALTH_OR_LIFE = "health_or_life", _("Emergency: danger to life or health")
    RELEASE_AT_SHORT_NOTICE = "release_at_short_notice", _("Emergency: release or transfer at short notice")
    STAFF_UNREACHABLE = "staff_unreachable", _("Emergency: the case's staff cannot be reached and it cannot wait")


#: Which reasons belong to which kind of access.
REASONS_BY_KIND = {
    ReasonKind.UNIT: (
        Reason.COORDINATE_MEASURES,
        Reason.OVERDUE_DEADLINE,
        Reason.RELEASE_OR_TRANSFER,
        Reason.STAND_IN,
    ),
    ReasonKind.EMERGENCY: (Reason.HEALTH_OR_LIFE, Reason.RELEASE_AT_SHORT_NOTICE, Reason.STAFF_UNREACHABLE),
}

#: How long an emergency access lasts: long enough for the emergency, short enough not to
#: become a standing membership; past it the person joins the group the usual way.
EMERGENCY_LASTS = datetime.timedelta(hours=2)


class ReasonedAccess(models.Model):
    """One look at a case outside a standing membership, with its reason and its end."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reasoned_accesses", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReasonKind.choices)
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices)
    opened_at = models.DateTimeField(_("opened"))
    expires_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("access with a reason")
        verbose_name_plural = _("accesses with a reason")
        indexes = [models.Index(fields=["user", "case", "-expires_at"], name="reasoned_user_case")]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("opened_at")), name="reasoned_ends")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> case {self.case_id} ({self.reason})"
