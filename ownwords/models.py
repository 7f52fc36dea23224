"""The person's own words (issue 18, point 3; seed 001 1.2.x: young people are often not heard).

One small app, not a field on each thing the words are about: the person writes four kinds
of words (on a need, a wish for life after prison, a comment on a proposal, a request for a
meeting), and each is the same kind of record: who wrote it, when, what, and what it is
about. A row is written only by the person (``ownwords.services``) and never changed by
anyone: staff cannot edit it, so it stays the person's own. The one thing that changes is
that a case's staff may mark a meeting request as answered. Who reads a row follows who
reads the thing it is about (``access.own_words``).

``Need.own_words`` stays what it was: staff's record, from the conversation, of what the
person said; these are words the person wrote themselves.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from needs.models import Need
from plans.models import Measure

#: The longest text the person may write at once.
MAX_TEXT = 2000
#: The longest "when suits you" of a meeting request.
MAX_SUITS = 200


class WordsKind(models.TextChoices):
    NEED = "need", _("Words on a need")
    WISH = "wish", _("Wish for life after prison")
    PROPOSAL = "proposal", _("Words on a proposal")
    MEETING = "meeting", _("Request for a meeting")


class OwnWords(models.Model):
    """Words the person wrote themselves, about a need, a proposal, a wish or a meeting they ask for."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="own_words", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=10, choices=WordsKind.choices)
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, related_name="person_words", verbose_name=_("need")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="person_words", verbose_name=_("measure")
    )
    text = models.TextField(_("what you wrote"), max_length=MAX_TEXT)
    #: For a meeting request: when suits the person (free words: "Tuesday morning"), may be empty.
    suits = models.CharField(_("when suits you"), max_length=MAX_SUITS, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: A meeting request the case's staff marked as answered (without booking a meeting).
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name = _("the person's own words")
        verbose_name_plural = _("the person's own words")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in WordsKind]), name="own_words_kind_known"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="own_words_not_empty"),
            # A need for words on a need, a measure for words on a proposal, neither otherwise.
            models.CheckConstraint(
                condition=(Q(kind="need") & Q(need__isnull=False)) | (~Q(kind="need") & Q(need__isnull=True)),
                name="own_words_need_iff_kind_need",
            ),
            models.CheckConstraint(
                condition=(Q(kind="proposal") & Q(measure__isnull=False))
                | (~Q(kind="proposal") & Q(measure__isnull=True)),
                name="own_words_measure_iff_kind_proposal",
            ),
            models.CheckConstraint(
                condition=Q(kind="meeting") | (Q(suits="") & Q(answered_at__isnull=True)),
                name="own_words_only_a_meeting_request_is_answered",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind"], name="own_words_case_kind")]

    def __str__(self) -> str:
        return self.text[:60]
