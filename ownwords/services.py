"""Write the person's own words; each journaled in the same transaction (issue 18, point 3).

The words are never changed once written: there is no service that edits them. The case's
staff may only mark a meeting request answered (``meeting_request_answer``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.validation import refuse_if_closed
from journal.services import record_change, snapshot
from needs.models import Need
from ownwords.models import MAX_SUITS, MAX_TEXT, OwnWords, WordsKind
from plans.models import Measure, MeasureStatus

FIELDS = ["kind", "need", "measure", "text", "suits"]
ANSWER_FIELDS = ["answered_at", "answered_by"]


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something first. Nothing was saved.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("You wrote too much. Use at most %(max)d characters. Nothing was saved.") % {"max": MAX_TEXT}}
        )
    return text


def _write(
    *,
    actor: User,
    case: Case,
    kind: str,
    text: str,
    need: Need | None = None,
    measure: Measure | None = None,
    suits: str = "",
) -> OwnWords:
    refuse_if_closed(case)
    text = _clean_text(text)
    suits = suits.strip()
    if len(suits) > MAX_SUITS:
        raise ValidationError({"suits": _("Use at most %(max)d characters. Nothing was saved.") % {"max": MAX_SUITS}})
    with transaction.atomic():
        words = OwnWords(case=case, kind=kind, need=need, measure=measure, text=text, suits=suits, written_by=actor)
        words.full_clean()
        words.save()
        record_change(actor=actor, action=f"words.{kind}", obj=words, case=case, old=None, new=snapshot(words, FIELDS))
    return words


def need_words_write(*, actor: User, need: Need, text: str) -> OwnWords:
    """The person adds their own words to one of their needs."""
    return _write(actor=actor, case=need.case, kind=WordsKind.NEED, text=text, need=need)


def wish_write(*, actor: User, case: Case, text: str) -> OwnWords:
    """The person writes what they wish for their life after prison."""
    return _write(actor=actor, case=case, kind=WordsKind.WISH, text=text)


def proposal_words_write(*, actor: User, measure: Measure, text: str) -> OwnWords:
    """The person says what they think of a proposal, before they choose (POP step 5)."""
    if measure.status != MeasureStatus.PROPOSED:
        raise ValidationError(_("You have already chosen about this idea. Write to your group instead."))
    return _write(actor=actor, case=measure.case, kind=WordsKind.PROPOSAL, text=text, measure=measure)


def meeting_request(*, actor: User, case: Case, text: str, suits: str = "") -> OwnWords:
    """The person asks for a meeting: what about, and when suits them (may be left empty)."""
    return _write(actor=actor, case=case, kind=WordsKind.MEETING, text=text, suits=suits)


def meeting_request_answer(*, actor: User, words: OwnWords) -> OwnWords:
    """Mark a meeting request answered without a meeting booked; once only."""
    if words.kind != WordsKind.MEETING:
        raise ValidationError(_("Only a request for a meeting can be answered."))
    with transaction.atomic():
        current = OwnWords.objects.select_for_update().select_related("case").get(pk=words.pk)
        refuse_if_closed(current.case)
        if current.answered_at is not None:
            raise ValidationError(_("The request is already marked as answered."))
        old = snapshot(current, ANSWER_FIELDS)
        current.answered_at = timezone.now()
        current.answered_by = actor
        current.save(update_fields=ANSWER_FIELDS)
        record_change(
            actor=actor,
            action="words.answered",
            obj=current,
            case=current.case,
            old=old,
            new=snapshot(current, ANSWER_FIELDS),
        )
    return current
