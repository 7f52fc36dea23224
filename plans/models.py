"""Measures (tiltak), the person's choice, delivery notes and plan versions (DOMAIN.md §6, POP steps 4-6.3)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Agency
from cases.models import Case
from needs.models import Need


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CHOSEN = "chosen", _("Chosen")
    REJECTED = "rejected", _("Rejected")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: The statuses a measure may move to from each status; everything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    MeasureStatus.PROPOSED: frozenset({MeasureStatus.CHOSEN, MeasureStatus.REJECTED}),
    MeasureStatus.CHOSEN: frozenset({MeasureStatus.STARTED, MeasureStatus.CANCELLED}),
    MeasureStatus.STARTED: frozenset({MeasureStatus.DONE, MeasureStatus.CANCELLED}),
    MeasureStatus.REJECTED: frozenset(),
    MeasureStatus.DONE: frozenset(),
    MeasureStatus.CANCELLED: frozenset(),
}
#: A move to these statuses needs a reason, so a refusal is never silent.
NEEDS_REASON = frozenset({MeasureStatus.REJECTED, MeasureStatus.CANCELLED})
#: The chosen measures that form the plan.
PLAN_STATUSES = frozenset({MeasureStatus.CHOSEN, MeasureStatus.STARTED, MeasureStatus.DONE})
#: Measures whose details can still change.
OPEN_STATUSES = frozenset({MeasureStatus.PROPOSED, MeasureStatus.CHOSEN, MeasureStatus.STARTED})


class Measure(models.Model):
    """A concrete measure proposed for the person's needs, chosen or not by the person."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures", verbose_name=_("case"))
    title = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    needs = models.ManyToManyField(Need, related_name="measures", verbose_name=_("needs it answers"))
    responsible_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible agency")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible person")
    )
    start_date = models.DateField(_("start"))
    due_date = models.DateField(_("due"))
    requires_of_person = models.TextField(_("what it requires of the person"))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default="proposed")
    status_reason = models.TextField(_("reason"), blank=True)
    decided_with_person = models.BooleanField(_("decided together with the person"), default=False)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Set when the measure was taken over from the person's earlier case as a proposal.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("taken over from"),
    )
    # The service in the resource directory that delivers the measure, if one does (issue 21, point 3).
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("service"),
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # The needs this viewer sees among those the measure answers, set by plans.selectors: not a column.
    visible_needs: list[Need]
    # What this viewer may do with the measure, set by plans.views for the plan page: not columns.
    allowed_moves: list[tuple[str, StrOrPromise]]
    can_note: bool
    can_edit: bool

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=F("start_date")), name="measure_due_after_start"),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in MeasureStatus]), name="measure_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "cancelled"]) | ~Q(status_reason=""),
                name="measure_refusal_has_reason",
            ),
            models.UniqueConstraint(fields=["case", "copied_from"], name="measure_taken_over_once_per_case"),
        ]
        indexes = [models.Index(fields=["case", "status"], name="measure_case_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def in_plan(self) -> bool:
        return self.status in PLAN_STATUSES

    @property
    def next_statuses(self) -> list[str]:
        order = [choice.value for choice in MeasureStatus]
        return sorted(TRANSITIONS[self.status], key=order.index)


class DeliveryNote(models.Model):
    """What the delivering actor has done for a measure (POP step 6)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="notes", verbose_name=_("measure"))
    text = models.TextField(_("what was done"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")

    def __str__(self) -> str:
        return self.text[:60]


class PlanVersion(models.Model):
    """The plan (the chosen measures) as it stood after one change; numbered per case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_versions", verbose_name=_("case"))
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(_("cause"), max_length=60)
    # [{"id", "title", "needs": [ids], "responsible_agency", "responsible_user", "start_date",
    #   "due_date", "requires_of_person", "status"}], ordered by id.
    measures = models.JSONField(_("measures"), default=list)

    # How many of its measures this viewer sees, set by plans.views: not a column.
    visible_count: int

    class Meta:
        ordering = ["case", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"
