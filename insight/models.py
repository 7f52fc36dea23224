"""Measurements and the baseline (issue 22, point 2; seed 001 §6: the nullpunktsmåling).

A ``Measurement`` is a dated snapshot of every registered indicator for one scope and one
period, taken nightly (``manage.py measure``) or by the analyst on demand. While it runs it
fills one ``MeasuredValue`` per indicator; once done nothing of it changes: the models refuse
a second save of a done measurement and of any value, and refuse deletion (the services never
try). One measurement per scope is its ``Baseline``; marking another is a journaled change.

The values are counts over cases, never a case: no row names a person or a case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from insight.scopes import Scope


class Immutable(Exception):
    """A done measurement or a measured value was asked to change."""


class WrittenOnce(models.Model):
    """A row of a measurement: written once, never changed or deleted (``MeasuredValue``, ``MeasuredTable``)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise Immutable(f"{type(self).__name__} {self.pk} does not change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable(f"{type(self).__name__} {self.pk} is never deleted.")


class ScopeKind(models.TextChoices):
    UNIT = "unit", _("unit")
    PRISON = "prison", _("prison")
    REGION = "region", _("region")
    COUNTRY = "country", _("country")
    PROGRAMME = "programme", _("programme")
    AGENCY = "agency", _("agency")


class MeasurementState(models.TextChoices):
    RUNNING = "running", _("Being taken")
    DONE = "done", _("Done")


class Measurement(models.Model):
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    scope_key = models.CharField(_("scope key"), max_length=120)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    state = models.CharField(
        _("state"), max_length=10, choices=MeasurementState.choices, default=MeasurementState.RUNNING
    )
    nightly = models.BooleanField(_("taken by the nightly run"), default=False)
    #: How many indicators it measures (those registered when it started).
    expected = models.PositiveSmallIntegerField(_("indicators to measure"), default=0)
    started_at = models.DateTimeField(_("started"))
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["-period_end", "-started_at", "-id"]
        indexes = [models.Index(fields=["scope_kind", "scope_key", "state"], name="measurement_scope_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="measurement_period"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(taken_at__isnull=False), name="measurement_done_has_time"
            ),
        ]

    def __str__(self) -> str:
        """The scope and the period in words (the journal names a measurement so)."""
        from insight.scope_names import label

        start, end = (date_format(day, "DATE_FORMAT") for day in (self.period_start, self.period_end))
        return f"{label(self.scope)}, {start} – {end}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Measurement.objects.filter(pk=self.pk, state=MeasurementState.DONE).exists():
            raise Immutable("A measurement that is done does not change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Immutable("A measurement is never deleted.")

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_key)  # type: ignore[arg-type]

    @property
    def done(self) -> bool:
        return self.state == MeasurementState.DONE


class MeasuredValue(WrittenOnce):
    """One indicator's value in one measurement: its counts, the value and, for a share, its interval."""

    measurement = models.ForeignKey(Measurement, on_delete=models.PROTECT, related_name="values")
    key = models.CharField(_("indicator"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    #: The share, rate or median; None when there is nothing to divide or take the median of.
    value = models.FloatField(null=True, blank=True)
    #: The 95 % Wilson interval of a share.
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    #: How many cases (or values) it is taken over.
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")
        ordering = ["measurement", "id"]
        constraints = [models.UniqueConstraint(fields=["measurement", "key"], name="measured_value_once_per_indicator")]

    def __str__(self) -> str:
        return f"{self.measurement_id}:{self.key} {self.value}"


class MeasuredTable(WrittenOnce):
    """One table's raw counts in one measurement (``insight.registry.Table``): the outcome cohorts, the
    map's obstacles by code. Counts over cases as they stood on ``counted_on``; suppressed only when shown.

    ``counts`` is a list of ``[row, column, n]`` (JSON keeps no tuple keys).
    """

    measurement = models.ForeignKey(Measurement, on_delete=models.PROTECT, related_name="tables")
    key = models.CharField(_("table"), max_length=60)
    counted_on = models.DateField(_("counted on"))
    counts = models.JSONField(_("counts"), default=list)

    class Meta:
        verbose_name = _("measured table")
        verbose_name_plural = _("measured tables")
        ordering = ["measurement", "id"]
        constraints = [models.UniqueConstraint(fields=["measurement", "key"], name="measured_table_once_per_table")]

    def __str__(self) -> str:
        return f"{self.measurement_id}:{self.key} ({len(self.counts)} counts)"

    def as_counts(self) -> dict[tuple[str, str], int]:
        return {(str(row), str(column)): int(n) for row, column, n in self.counts}


class Baseline(models.Model):
    """The measurement every later one of the scope is compared with (one per scope)."""

    scope_kind = models.CharField(_("scope"), max_length=20)
    scope_key = models.CharField(_("scope key"), max_length=120)
    measurement = models.ForeignKey(
        Measurement, on_delete=models.PROTECT, related_name="+", verbose_name=_("measurement")
    )
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [models.UniqueConstraint(fields=["scope_kind", "scope_key"], name="baseline_one_per_scope")]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_key} -> {self.measurement_id}"
