"""The work of a meeting (POP steps 6.1-8): attendance per member, decisions and the handover review.

The meeting itself (time, place or video link, recurrence, minutes) is ``Meeting``; its
agenda is not stored but built from the journal (see ``meetings.selectors.agenda``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Membership
from core.audience import Audience


class MeetingKind(models.TextChoices):
    INTAKE = "intake", _("Intake meeting")
    NEEDS_CONVERSATION = "needs_conversation", _("Needs conversation")
    WITH_PERSON = "with_person", _("Meeting with the person")
    GROUP = "group", _("Group meeting")
    RELEASE = "release", _("Release meeting")
    HANDOVER_REVIEW = "handover_review", _("Handover review")
    FAREWELL = "farewell", _("Farewell conversation")


class Meeting(models.Model):
    """A booked meeting on a case; its attendance, decisions and handover review are below."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    # A recurring meeting is a series of rows, each its own meeting with its own minutes.
    series = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("first of the series")
    )
    repeat_every_days = models.PositiveSmallIntegerField(_("repeats every (days)"), null=True, blank=True)
    person_attends = models.BooleanField(_("the person attends"), default=False)
    minutes = models.TextField(_("minutes"), blank=True)
    # Who reads the minutes (core.audience.Audience; access.policy decides).
    minutes_audience = models.CharField(
        _("who reads the minutes"), max_length=10, choices=Audience.choices, default=Audience.COVERED
    )
    version = models.PositiveIntegerField(default=1)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had in the cases app (migrations meetings 0004, cases 0010).
        db_table = "cases_meeting"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


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
    audience = models.CharField(_("who reads it"), max_length=10, choices=Audience.choices, default=Audience.COVERED)
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set by meetings.selectors.decisions_for for the reader: the linked measure's title, if the reader sees it.
    measure_title: str | None

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class NeedReview(models.Model):
    """One need gone through at a handover review (POP step 7), with what was said about it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="need_reviews")
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="+", verbose_name=_("need"))
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("need review")
        verbose_name_plural = _("need reviews")
        constraints = [models.UniqueConstraint(fields=["meeting", "need"], name="need_reviewed_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: need {self.need_id}"


class MeasureHandoverAction(models.TextChoices):
    REASSIGNED = "reassigned", _("Re-assigned")
    CLOSED = "closed", _("Closed")


class MeasureHandover(models.Model):
    """A measure re-assigned or closed at a handover review because its responsible member leaves."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="measure_handovers")
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, related_name="handovers", verbose_name=_("measure")
    )
    action = models.CharField(_("what was done"), max_length=20, choices=MeasureHandoverAction.choices)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible before")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible after"),
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("measure handed over")
        verbose_name_plural = _("measures handed over")
        constraints = [
            models.CheckConstraint(
                condition=Q(action="reassigned", to_user__isnull=False) | Q(action="closed", to_user__isnull=True),
                name="measure_handover_names_the_new_responsible",
            ),
            models.CheckConstraint(
                condition=~Q(action="closed") | ~Q(reason=""), name="measure_handover_close_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.action}"
