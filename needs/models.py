"""Needs and resources recorded in the needs conversation (DOMAIN.md §4, POP steps 1-2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from reference.models import Knot, LifeArea, Tangle


class ConversationPart(models.IntegerChoices):
    PART_1 = 1, _("Needs conversation, part 1")
    PART_2 = 2, _("Needs conversation, part 2")


class NeedsConversation(models.Model):
    """One session of a needs conversation; part 1 may span several sessions."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conversations")
    part = models.PositiveSmallIntegerField(_("part"), choices=ConversationPart.choices, default=1)
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    completed = models.BooleanField(_("conversation completed"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("needs conversation session")
        verbose_name_plural = _("needs conversation sessions")

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.held_on}"


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADDRESSED = "addressed", _("Being addressed")
    MET = "met", _("Met")
    NOT_RELEVANT = "not_relevant", _("No longer relevant")


class Need(models.Model):
    """One need in a case, in the person's own words and the officer's summary."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="needs")
    tangle = models.ForeignKey(Tangle, on_delete=models.PROTECT, related_name="+", verbose_name=_("tangle"))
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("life area"))
    knot = models.ForeignKey(
        Knot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("knot")
    )
    own_words = models.TextField(_("in the person's own words"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    acute = models.BooleanField(_("acute"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    private = models.BooleanField(_("keep private from the group"), default=False)
    shared_with_volunteers = models.BooleanField(_("the person shares this with volunteers"), default=False)
    conversation = models.ForeignKey(
        NeedsConversation, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    # Set when the need was taken over from the person's earlier case (a new sentence);
    # the earlier need stays as it was.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("taken over from"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["tangle__code", "life_area__position", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=~models.Q(own_words="", summary=""), name="need_has_words_or_summary"),
            models.UniqueConstraint(fields=["case", "copied_from"], name="need_taken_over_once_per_case"),
        ]

    def __str__(self) -> str:
        return (self.summary or self.own_words)[:60]


class Resource(models.Model):
    """A strength the person brings (BRIK: needs and resources)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="resources")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("life area")
    )
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.description[:60]


class VolunteerSharing(models.Model):
    """What the person shares with the volunteers of their group, besides needs (seed 002, peer mentors).

    One row per case, written only by the person (``needs.services.volunteer_sharing_set``);
    no row means nothing is shared. The needs shared are marked on each need.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="volunteer_sharing")
    #: The ``core.audience.VolunteerItem`` values chosen.
    items = models.JSONField(_("shared with volunteers"), default=list, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sharing with volunteers")
        verbose_name_plural = _("sharing with volunteers")

    def __str__(self) -> str:
        return f"{self.case_id}: {', '.join(self.items)}"
