"""The append-only journal: every change (JournalEntry) and every read (AccessEvent).

The database itself rejects UPDATE and DELETE on both tables (see migration 0002), so
the application's own connection cannot rewrite history; journal entries are also
hash-chained (journal.chain), so a rewrite that got past the database is found by
``manage.py verify_journal``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.actions import action_label


class JournalEntry(models.Model):
    """One change: who did what to which object, with the old and the new values."""

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    actor_role = models.CharField(_("role"), max_length=30)
    actor_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("agency")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, related_name="journal", verbose_name=_("case")
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    old = models.JSONField(_("old values"), null=True)
    new = models.JSONField(_("new values"), null=True)
    #: The hash chain (journal.chain): the previous entry's hash, and this entry's over it and its content.
    prev_hash = models.CharField(_("previous hash"), max_length=64, default="", editable=False)
    hash = models.CharField(_("hash"), max_length=64, default="", editable=False)
    #: What the hash covers in place of old and new (journal.chain.values_digest), and its salt.
    #: Anonymisation (retention) erases old, new and the salt, and sets erased_at; nothing else.
    #: With a default in the database too: the code before migration 0008, still serving while it
    #: runs, writes entries without them, in the first form of the hash (journal.chain.canonical).
    values_digest = models.CharField(
        _("digest of the values"), max_length=64, default="", db_default="", editable=False
    )
    salt = models.CharField(_("salt"), max_length=32, default="", db_default="", editable=False)
    erased_at = models.DateTimeField(_("values erased"), null=True, editable=False)
    # Set by journal.display for the reader: the entry said in a sentence, its changed fields in words.
    sentence: str
    display: list[tuple[str, str | None, str]]

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["case", "-at"], name="journal_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """Return (field, old, new) for every field whose value changed."""
        old = self.old or {}
        new = self.new or {}
        keys = sorted(set(old) | set(new))
        return [(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)]


class AccessPurpose(models.TextChoices):
    CASE_WORK = "case_work", _("Work on the case as a group member")
    OWN_CASE = "own_case", _("The person reads their own case")
    CASELOAD = "caseload", _("Caseload list")
    CARRY_OVER = "carry_over", _("Carry over from an earlier case, asked for the person")
    UNIT_OVERVIEW = "unit_overview", _("The prison's list of cases, for its reentry coordinator")
    UNIT_REASON = "unit_reason", _("A coordinator of the prison looked, with a reason")
    EMERGENCY = "emergency", _("Emergency access, with a reason")
    PROGRAMME = "programme", _("A programme the person applied to or takes part in")


class AccessEvent(models.Model):
    """One read of one case's data by one user in one request."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("agency")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="access_events", verbose_name=_("case")
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=AccessPurpose.choices)
    view = models.CharField(_("page"), max_length=80)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [models.Index(fields=["case", "-at"], name="access_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} read case {self.case_id}"
