"""Before the sentence starts (POP step 0; seed 001 step 0.1, 0.2 and 3.2.4): the summons and the group that exists.

A case before the sentence is an ordinary case whose intake date (the expected start) lies
ahead: its stage is *preparation* (``cases.stage``) and it moves into intake on the start
day by itself, keeping everything done before. What this app adds to it:

- ``Summons``: the letter (innkalling) that tells the person when and where to meet, what
  to bring, whom to ask, and what to prepare; when it was sent and how many days before
  the start (seed 001 step 0.1: "så tidlig som mulig").
- ``PreparationItem``: the preparation list fitted to the person, which the person ticks
  off on their own page.
- ``ExistingGroup``: a responsibility group or an individual-plan (IP) coordinator that the
  home municipality already has around the person (seed 001 step 0.2: that group is the
  starting point); ``GroupStart`` records that the case's group was started from it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Membership, Person


class Topic(models.TextChoices):
    """What the person may need to prepare before the sentence (seed 001 3.2.4, and issue 25)."""

    NAV = "nav", _("Tell NAV")
    HOME = "home", _("Your home")
    DEBT = "debt", _("Debts and payments")
    WORK = "work", _("Work or school")
    FAMILY = "family", _("Children and family")
    HEALTH = "health", _("Medicines and treatment")
    PAPERS = "papers", _("ID papers and bank")


class Language(models.TextChoices):
    NB = "nb", "Norsk bokmål"
    DA = "da", "Dansk"
    EN = "en", "English"


class Summons(models.Model):
    """The summons of one case before the sentence; one per case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="summons", verbose_name=_("case"))
    meet_at = models.DateTimeField(_("meet at"))
    place = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    bring = models.TextField(_("what to bring"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_hours = models.CharField(_("when to call"), max_length=100, blank=True)
    language = models.CharField(_("language of the letter"), max_length=2, choices=Language.choices)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Days between the day it was sent and the expected start: the indicator for insight.
    days_before_start = models.IntegerField(_("days before the start"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")

    def __str__(self) -> str:
        return f"summons {self.case_id}"


class PreparationItem(models.Model):
    """One topic of the summons's preparation list; the person ticks it off."""

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="items")
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["summons", "topic"], name="summons_item_one_per_topic")]

    def __str__(self) -> str:
        return f"{self.summons_id}:{self.topic}"


class ExistingKind(models.TextChoices):
    RESPONSIBILITY_GROUP = "responsibility_group", _("Responsibility group")
    INDIVIDUAL_PLAN = "individual_plan", _("Individual plan (IP)")


class ExistingGroup(models.Model):
    """A group the home municipality already has around the person, recorded by the municipality."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    municipality = models.CharField(_("municipality"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=ExistingKind.choices)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("IP coordinator"),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("members"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("existing group in the municipality")
        verbose_name_plural = _("existing groups in the municipality")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.municipality})"


class GroupStart(models.Model):
    """The case's group was started from an existing group: who was invited, who is the IP coordinator."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    existing = models.ForeignKey(ExistingGroup, on_delete=models.PROTECT, related_name="starts")
    invited = models.ManyToManyField(Membership, related_name="+")
    ip_coordinator = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "existing"], name="group_start_once")]

    def __str__(self) -> str:
        return f"{self.case_id} <- {self.existing_id}"
