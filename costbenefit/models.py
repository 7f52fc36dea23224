"""The cost-benefit's assumptions (issue 22, point 4; DOMAIN.md §10), every version kept.

A line of assumptions belongs to a country, or to one programme in it. Its values change only by
a new version (``costbenefit.services.assumptions_edit``): a version is never changed or deleted,
so every gain can name the version it was worked out with, and the old ones stay readable.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, User
from programmes.models import Programme

#: The largest amount an assumption takes (14 digits: well above NOK 32 million per success).
MAX_AMOUNT = Decimal("99999999999999")


class Currency(models.TextChoices):
    NOK = "NOK", _("Norwegian kroner")
    DKK = "DKK", _("Danish kroner")
    SEK = "SEK", _("Swedish kronor")
    EUR = "EUR", _("Euro")


class Assumptions(models.Model):
    """The line of assumptions of a country, or of one programme in it, that its versions belong to."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    #: None: the country's own line, used for every scope in it without a line of its own.
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    #: The number of the current version; an edit names the one it began from, and a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("cost-benefit assumptions")
        verbose_name_plural = _("cost-benefit assumptions")
        constraints = [
            models.UniqueConstraint(
                fields=["country"], condition=Q(programme__isnull=True), name="costbenefit_one_line_per_country"
            ),
            models.UniqueConstraint(fields=["programme"], name="costbenefit_one_line_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.country}:{self.programme_id or '-'}"


class AssumptionVersion(models.Model):
    """One version of a line's assumptions, each value with its source: written once, never changed."""

    line = models.ForeignKey(
        Assumptions, on_delete=models.PROTECT, related_name="versions", verbose_name=_("assumptions")
    )
    number = models.PositiveIntegerField(_("version"))
    #: What society gains when one participant succeeds (the success measure: in work or education).
    value_per_success = models.DecimalField(
        _("value per success"),
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_AMOUNT)],
    )
    value_source = models.CharField(_("source of the value per success"), max_length=500)
    cost_per_participant = models.DecimalField(
        _("cost per participant"),
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_AMOUNT)],
    )
    cost_source = models.CharField(_("source of the cost per participant"), max_length=500)
    #: The share of those who would have succeeded without the work (the comparison), in per cent.
    comparison_percent = models.DecimalField(
        _("success rate of the comparison (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    comparison_source = models.CharField(_("source of the comparison's success rate"), max_length=500)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    #: Why the analyst changed the assumptions (empty for the seeded first version's reasons: see the sources).
    note = models.CharField(_("why it was changed"), max_length=500, blank=True)
    #: None for the first version, seeded from the sources by the data migration.
    made_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("made by")
    )
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        verbose_name = _("version of the cost-benefit assumptions")
        verbose_name_plural = _("versions of the cost-benefit assumptions")
        ordering = ["line", "number"]
        constraints = [
            models.UniqueConstraint(fields=["line", "number"], name="costbenefit_one_version_number_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.line} v{self.number}"

    @property
    def comparison_share(self) -> Decimal:
        """The comparison's success rate as a share from 0 to 1."""
        return self.comparison_percent / 100
