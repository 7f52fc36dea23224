"""What the person has achieved: certificates and documented skills from prison work and school.

Seed 002, §5.14 (KompAS, Åna prison 2007-2009): work in the prison is documented as formal
qualifications (competence certificates, practice certificates) that the person can use after
the sentence. So an achievement is kept when the person moves prison, is released or comes
back on a new sentence. It belongs to the person, with the least machinery that makes that true:

- ``person`` is the owner. The person reads every achievement of theirs from any of their
  cases, old or new, open or closed (``access.achievements.achievement_filter``), and prints
  them; nothing is copied.
- ``case`` is the case it was recorded under. A move to another prison and a release keep
  the case (``handover.services.transition_complete`` changes its prison or its stage), so
  the staff who run the case then see and correct it as before. A new sentence is a new
  case: its staff see only what is recorded under it. The earlier prison's records do not
  travel to a new prison on their own (issue 16, hole 1: a prison must not pull in a
  person's history through the identity number); the person holds them and prints them.

A correction changes the row (with a version, for concurrent edits); a withdrawal marks it
withdrawn and hides it from every page and paper. Both stay in the journal with the old values.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person

MAX_TITLE = 200
MAX_DESCRIPTION = 1000
#: More hours than this is no course or certificate: a typing error.
MAX_HOURS = 10000


class AchievementKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    COURSE = "course", _("Course")
    WORK_SKILL = "work_skill", _("Skill from work, with a certificate")
    SCHOOL_SUBJECT = "school_subject", _("School subject")


class Achievement(models.Model):
    """One certificate, course, documented skill or school subject the person has achieved."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("person"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("recorded in the case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    issuer = models.CharField(_("issued by"), max_length=MAX_TITLE)
    achieved_on = models.DateField(_("achieved on"))
    hours = models.PositiveIntegerField(
        _("hours"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURS)]
    )
    level = models.CharField(_("level or grade"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=MAX_DESCRIPTION)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-achieved_on", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")

    def __str__(self) -> str:
        return self.title
