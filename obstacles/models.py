"""Obstacles (DOMAIN.md §8) and the reentry map's catalogue of coded challenges (seed 001 §5).

An obstacle is one failure on one case, logged by a person of the case or found by the
system's own rules (``obstacles.detection``); a coordinator places it on the map by a
challenge code. The catalogue is reference data: seeded from ``obstacles.catalogue``,
edited in the admin, every change of text or placing kept as a ``ChallengeVersion``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import AgencyKind
from cases.models import Case
from reference.models import Knot, Tangle


class Phase(models.TextChoices):
    """Where the map places a challenge: one of POP's four phases, or across them (seed 001 §5)."""

    UNDERSTAND_NEEDS = "understand_needs", _("Understand needs")
    MAKE_PLAN = "make_plan", _("Make a plan")
    CARRY_OUT = "carry_out", _("Carry out the plan")
    HAND_OVER = "hand_over", _("Hand over responsibility")
    OVERARCHING = "overarching", _("Across the phases")


class Challenge(models.Model):
    """One coded challenge (a box) on the reentry map."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    seed_code = models.CharField(_("code as printed in the source"), max_length=12, blank=True)
    tangle = models.ForeignKey(
        Tangle, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tangle")
    )
    knot = models.ForeignKey(
        Knot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("knot")
    )
    phases = models.JSONField(_("phases"), default=list)
    text_nb = models.TextField(_("text (Norwegian bokmål)"))
    text_da = models.TextField(_("text (Danish)"))
    text_en = models.TextField(_("text (English)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("challenge on the reentry map")
        verbose_name_plural = _("challenges on the reentry map")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        language = (get_language() or "nb")[:2]
        return {"nb": self.text_nb, "da": self.text_da}.get(language) or self.text_en

    @property
    def is_system_level(self) -> bool:
        return "." not in self.code


class ChallengeVersion(models.Model):
    """A challenge as it read before a change: the catalogue keeps its history."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    phases = models.JSONField(default=list)
    tangle_id_then = models.IntegerField(null=True, blank=True)
    text_nb = models.TextField()
    text_da = models.TextField()
    text_en = models.TextField()
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["challenge", "version"]
        constraints = [models.UniqueConstraint(fields=["challenge", "version"], name="challenge_version_once")]

    def __str__(self) -> str:
        return f"{self.challenge_id} v{self.version}"


class ObstacleStage(models.TextChoices):
    """EX/IN's failure zones by stage (seed 000, «Sviktsoner»)."""

    DURING_SENTENCE = "during_sentence", _("During the sentence")
    PREPARING_RELEASE = "preparing_release", _("Preparing the release")
    RELEASE = "release", _("The release itself")
    EXPECTATIONS = "expectations", _("Expectations")


class Source(models.TextChoices):
    PERSON = "person", _("The person")
    GROUP = "group", _("A member of the group")
    SYSTEM = "system", _("Found by the system")


class Obstacle(models.Model):
    """One obstacle on one case: what failed, where, between which agencies, and its place on the map."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="obstacles", verbose_name=_("case"))
    source = models.CharField(_("logged by"), max_length=10, choices=Source.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), db_index=True)
    what_happened = models.TextField(_("what happened"))
    happened_on = models.DateField(_("when it happened"))
    stage = models.CharField(_("stage"), max_length=20, choices=ObstacleStage.choices)
    failed_agency = models.CharField(_("the agency that failed"), max_length=20, choices=AgencyKind.choices, blank=True)
    bore_agency = models.CharField(_("the agency that bore it"), max_length=20, choices=AgencyKind.choices, blank=True)
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obstacles",
        verbose_name=_("code on the reentry map"),
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    coded_at = models.DateTimeField(null=True, blank=True)
    what_was_done = models.TextField(_("what was done about it"), blank=True)
    #: For an obstacle the system found: the rule that found it, in words, and its once-only key.
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    explanation = models.TextField(_("why the system logged it"), blank=True)
    detection_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        indexes = [
            models.Index(fields=["case", "logged_at"], name="obstacle_case_logged"),
            # The reentry map counts a scope's obstacles by code since a day (obstacles.selectors.map_figures)
            # from this index alone: a prison's cases probe it, a country's cases merge with it.
            models.Index(fields=["case", "happened_on"], include=["challenge"], name="obstacle_case_happened"),
        ]

    def __str__(self) -> str:
        return self.what_happened[:60]


class Threshold(models.Model):
    """A number a detection rule uses, with the source that gives it (issue 19: thresholds are data)."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    value = models.IntegerField(_("value"))
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("detection threshold")
        verbose_name_plural = _("detection thresholds")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
