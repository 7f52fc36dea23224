"""Transitions between actors (POP step 7): transfer, probation, release.

A transition is a row with a state; the members who come in are invited to the group
for it (``incoming``). Seed 002 ch. 4 (God Løsladelse): no authority lets go of the
person before another has taken hold; the rules that enforce this are in
``handover.rules``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case, Membership


class TransitionKind(models.TextChoices):
    TRANSFER_PRISON = "transfer_prison", _("Transfer to another prison")
    TRANSFER_UNIT = "transfer_unit", _("Transfer to another unit")
    HOME_DETENTION = "home_detention", _("Sentence at home with electronic control")
    PAROLE = "parole", _("Parole with reporting duty")
    RELEASE = "release", _("Release to the home municipality")

    @classmethod
    def releases(cls) -> frozenset[str]:
        """The kinds after which the person lives outside prison."""
        return frozenset({cls.HOME_DETENTION, cls.PAROLE, cls.RELEASE})


class TransitionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OVERLAP = "overlap", _("In overlap")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (TransitionState.PLANNED, TransitionState.OVERLAP)


class Transition(models.Model):
    """One planned move of the person and of the responsibility for them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=TransitionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=TransitionState.choices, default=TransitionState.PLANNED
    )
    planned_date = models.DateField(_("planned date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to")
    )
    to_unit = models.CharField(_("to unit"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    sudden = models.BooleanField(_("at short notice"), default=False)
    # Why it happened before the planned date (required then, unless at short notice).
    early_reason = models.TextField(_("why it happened before the planned date"), blank=True)
    # A release recorded before any incoming actor had taken hold: allowed, since it happens, but a gap.
    handover_gap = models.BooleanField(_("no one had taken hold"), default=False)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    incoming = models.ManyToManyField(Membership, blank=True, related_name="incoming_for", verbose_name=_("incoming"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["planned_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="completed", completed_on__isnull=False) | (~Q(state="completed")),
                name="transition_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""), name="transition_cancelled_has_reason"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state__in=["planned", "overlap"]), name="transition_one_open_per_case"
            ),
        ]
        indexes = [models.Index(fields=["case", "state"], name="transition_case_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_date}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_release(self) -> bool:
        return self.kind in TransitionKind.releases()
