"""The needs taxonomy (DOMAIN.md §4): tangles, their knots, and the life areas used in practice.

Reference data, seeded by a data migration and editable by an admin. Names are stored in
every UI language so that the taxonomy follows the user's language choice.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Named(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_nb = models.CharField(_("name (Norwegian bokmål)"), max_length=200)
    name_da = models.CharField(_("name (Danish)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "nb")[:2]
        return {"nb": self.name_nb, "da": self.name_da}.get(language) or self.name_en


class Tangle(Named):
    """One of the three tangles (floker): health, belonging, economy and housing."""

    code = models.CharField(_("code"), max_length=4, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tangle")
        verbose_name_plural = _("tangles")


class Knot(Named):
    """A core knot (kjerneknute) within a tangle."""

    tangle = models.ForeignKey(Tangle, on_delete=models.PROTECT, related_name="knots")
    code = models.CharField(_("code"), max_length=8, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("knot")
        verbose_name_plural = _("knots")


class LifeArea(Named):
    """A life area used in practice (housing, debt, ...), placed under one tangle."""

    tangle = models.ForeignKey(Tangle, on_delete=models.PROTECT, related_name="life_areas")
    slug = models.SlugField(_("key"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["tangle__code", "position"]
        verbose_name = _("life area")
        verbose_name_plural = _("life areas")
