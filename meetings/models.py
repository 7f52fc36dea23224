"""The work of a meeting (POP steps 6.1-6.3): attendance per member and decisions.

The meeting itself (time, place or video link, recurrence, minutes) is ``cases.Meeting``;
its agenda is not stored but built from the journal (see ``meetings.selectors.agenda``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Meeting, Membership


class Attendance(models.Model):
    """Whether one group member attended one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once_per_member")]

    def __str__(self) -> str:
        return f"{self.membership_id} {'present' if self.present else 'absent'}"


class Decision(models.Model):
    """A decision made in a meeting; it may have created or changed a measure."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"))
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]
