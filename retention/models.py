"""The deletion ledger: what each anonymisation removed (models, ids, field names; never content).

Append-only in the database itself, like the journal (migration 0002: triggers on SQLite and
PostgreSQL, SELECT and INSERT only for the app role), and hash-chained, so a row rewritten
past the database is found. After a restore, ``manage.py replay_deletions`` applies it again.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletionRecord(models.Model):
    """One case's anonymisation: which rows of which models lost which fields."""

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    # Plain numbers, not foreign keys: the ledger must outlive and be replayable onto any copy.
    case_id = models.PositiveBigIntegerField(_("case"))
    person_id = models.PositiveBigIntegerField(_("person anonymised too"), null=True)
    #: ``[{"model": label, "ids": [...], "fields": [...]}, ...]``; the journal's entries under "journal.journalentry".
    removed = models.JSONField(_("removed"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, default="", editable=False)
    hash = models.CharField(_("hash"), max_length=64, default="", editable=False)

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion ledger")
        constraints = [models.UniqueConstraint(fields=["case_id"], name="deletion_once_per_case")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} case {self.case_id}"
