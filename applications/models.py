"""Applications the person has made and the decisions on them (DOMAIN.md §6; issue 18, point 1).

Seed 001, 1.2.1: a refused application without a reason destroys motivation and trust, so a
refusal is never recorded without its reason (the form and the service both refuse it).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case


class ApplicationKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    DAY_RELEASE = "day_release", _("Day release for work or school")
    LOWER_SECURITY = "lower_security", _("Move to a place with lower security")
    OUTSIDE_PRISON = "outside_prison", _("Serve the sentence in a place outside the prison")
    ELECTRONIC_CONTROL = "electronic_control", _("Serve the sentence at home with an ankle tag")
    HOUSING = "housing", _("Housing")
    SOCIAL_ASSISTANCE = "social_assistance", _("Money to live on (social assistance)")
    SCHOOL_PLACE = "school_place", _("School place")
    PROGRAMME = "programme", _("Programme")


class Outcome(models.TextChoices):
    PENDING = "", _("Waiting for an answer")
    GRANTED = "granted", _("Yes")
    REFUSED = "refused", _("No")
    PARTLY = "partly", _("Partly yes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """One application and, once it comes, its decision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="applications", verbose_name=_("case"))
    kind = models.CharField(_("what is applied for"), max_length=30, choices=ApplicationKind.choices)
    #: True when the person applied themselves; False when staff applied on their behalf.
    by_person = models.BooleanField(_("the person applied themselves"), default=True)
    applied_on = models.DateField(_("applied on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decides = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("who decides")
    )
    expected_answer = models.DateField(_("answer expected by"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, blank=True, default="")
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    #: The day the decision reached the person: the appeal deadline runs from it (forvaltningsloven § 29).
    reached_on = models.DateField(_("the decision reached the person on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    next_step = models.TextField(_("what happens next"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.applied_on}"

    @property
    def pending(self) -> bool:
        return self.outcome == Outcome.PENDING
