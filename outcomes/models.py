"""Outcomes after release (issue 22, point 3; DOMAIN.md §10; the Exit programme's measures, Copenhagen 2015).

Three outcomes, each the least the system needs to count them:

- ``FollowUp``: the person's situation three months after release (in work, in education,
  neither, or not known), recorded once by the case's lead and corrected with a version. It is a
  deadline on the timetable (``timetable.engine``, kind ``outcome_follow_up``).
- ``NewCharge``: a new charge within a year after release: its date only. No words about the
  offence are kept: the figure needs the date, and nobody reading the case needs more.
- A new sentence within two years is not recorded here: it is seen from the person's next
  case (``Case.previous_case``), opened by the prison that receives them (``outcomes.cohorts``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class Situation(models.TextChoices):
    WORK = "work", _("In work")
    EDUCATION = "education", _("In education")
    NEITHER = "neither", _("Neither in work nor in education")
    UNKNOWN = "unknown", _("Not known")


#: The situations the Exit programme counts as a success three months after (Copenhagen, 2015):
#: "tilknyttet uddannelses- eller beskæftigelsesfremmende aktiviteter".
SUCCESS = frozenset({Situation.WORK, Situation.EDUCATION})


class FollowUp(models.Model):
    """The person's situation three months after release, as the case's lead found it."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="outcome_follow_up", verbose_name=_("case")
    )
    situation = models.CharField(_("situation three months after release"), max_length=20, choices=Situation.choices)
    assessed_on = models.DateField(_("found out on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("follow-up three months after release")
        verbose_name_plural = _("follow-ups three months after release")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.situation}"


class NewCharge(models.Model):
    """A new charge within a year after release: the day only, never what it is about."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="new_charges", verbose_name=_("case"))
    charged_on = models.DateField(_("charged on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Recorded by mistake: it counts no more; the journal keeps it.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("new charge after release")
        verbose_name_plural = _("new charges after release")
        ordering = ["charged_on", "id"]
        indexes = [models.Index(fields=["case", "charged_on"], name="newcharge_case_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False), name="newcharge_removed_by_someone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.charged_on}"
