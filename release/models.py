"""Release readiness (POP step 7, seed 002 ch. 4): a checklist per release, and alerts.

Each release-kind transition gets one item per key when it is planned, each with an
owner in the group and a state. A release at short notice turns every missing item
into an urgent task for its owner and alerts every member once (``ReleaseAlert``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cases.models import Membership
from handover.models import Transition


class ReadinessKey(models.TextChoices):
    HOUSING = "housing", _("Place to live")
    INCOME = "income", _("Income from the day of release (NAV decision)")
    BANK = "bank", _("Bank account and BankID")
    ID_PAPERS = "id_papers", _("ID papers")
    TAX_CARD = "tax_card", _("Tax card")
    HEALTH = "health", _("Health follow-up or treatment booked")
    MUNICIPAL_CONTACT = "municipal_contact", _("Named contact in the municipality")
    PROBATION_PLAN = "probation_plan", _("Probation plan")
    FIRST_MEETING = "first_meeting", _("First meeting after release booked")
    TOLD = "told", _("NAV and the municipality told of the date")


#: The checklist's order on every page.
KEY_ORDER = {key: position for position, key in enumerate(ReadinessKey.values)}

#: What each item means, said to the person: short, kind, no agency words.
FOR_PERSON: dict[str, StrOrPromise] = {
    ReadinessKey.HOUSING: _("A place to live"),
    ReadinessKey.INCOME: _("Money to live on from the first day"),
    ReadinessKey.BANK: _("A bank account and BankID"),
    ReadinessKey.ID_PAPERS: _("ID papers"),
    ReadinessKey.TAX_CARD: _("A tax card"),
    ReadinessKey.HEALTH: _("Health care after you get out"),
    ReadinessKey.MUNICIPAL_CONTACT: _("A contact person in your municipality"),
    ReadinessKey.PROBATION_PLAN: _("A plan with probation"),
    ReadinessKey.FIRST_MEETING: _("Your first meeting after you get out"),
    ReadinessKey.TOLD: _("NAV and your municipality know the date"),
}


class ReadinessState(models.TextChoices):
    MISSING = "missing", _("Missing")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class ReadinessItem(models.Model):
    """One thing that must be in place on the day of release, with the member who sees to it."""

    transition = models.ForeignKey(
        Transition, on_delete=models.PROTECT, related_name="readiness_items", verbose_name=_("release")
    )
    key = models.CharField(_("what"), max_length=30, choices=ReadinessKey.choices)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readiness_items",
        verbose_name=_("owner"),
    )
    state = models.CharField(_("state"), max_length=20, choices=ReadinessState.choices, default=ReadinessState.MISSING)
    note = models.TextField(_("note"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    urgent_since = models.DateTimeField(_("urgent since"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # Set on the rows of a checklist as a viewer sees it (release.selectors): not columns.
    shown_state: str
    owner_current: bool
    is_missing: bool

    class Meta:
        verbose_name = _("readiness item")
        verbose_name_plural = _("readiness items")
        ordering = ["transition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["transition", "key"], name="readiness_one_item_per_key"),
            models.CheckConstraint(
                condition=models.Q(state="done", done_on__isnull=False) | ~models.Q(state="done"),
                name="readiness_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state"], name="readiness_owner_state"),
            # "What is due" asks on every staff user's start page whether any item is urgent (nearly
            # never): a small index of only those, where a scan read every item (6.6 ms at 50,000 cases).
            models.Index(
                fields=["urgent_since"],
                name="readiness_urgent_missing",
                condition=models.Q(urgent_since__isnull=False, state="missing"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transition_id}:{self.key} {self.state}"

    @property
    def position(self) -> int:
        return KEY_ORDER.get(self.key, len(KEY_ORDER))

    @property
    def for_person(self) -> StrOrPromise:
        """The item in plain words, as the person reads it."""
        return FOR_PERSON.get(self.key, "")


class ReleaseAlert(models.Model):
    """One member alerted of a release at short notice; the row is claimed before the e-mail is sent.

    The unique constraint decides: a double submit or a rerun finds the row and sends nothing.
    """

    transition = models.ForeignKey(Transition, on_delete=models.PROTECT, related_name="+", verbose_name=_("release"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("release alert")
        verbose_name_plural = _("release alerts")
        constraints = [
            models.UniqueConstraint(fields=["transition", "membership"], name="release_alert_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.transition_id}:{self.membership_id}"
