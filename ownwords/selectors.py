"""Reads of the person's own words, limited to what the viewer reads (``access.own_words``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.http import Http404

from access.own_words import open_request_condition, requests_for_lead
from access.policy import CaseAccess
from accounts.models import User
from ownwords.models import OwnWords, WordsKind


class OpenFlag(TypedDict):
    is_open: bool


if TYPE_CHECKING:  # django-stubs' annotated model type takes the TypedDict only in annotations
    from django_stubs_ext import WithAnnotations

    #: The person's words as read for a viewer, each marked ``is_open`` (``words_for_case``).
    Words = WithAnnotations[OwnWords, OpenFlag]


def words_for_case(access: CaseAccess) -> QuerySet[Words]:
    """The case's own words of the person that this viewer reads, oldest first, each marked ``is_open``.

    ``is_open``: a meeting request not answered and with no meeting booked since (false for other kinds).
    """
    return (
        OwnWords.objects.filter(case_id=access.case.pk)
        .filter(access.own_words_filter)
        .annotate(is_open=ExpressionWrapper(open_request_condition(), output_field=BooleanField()))
        .order_by("written_at", "pk")
    )


@dataclass
class CaseWords:
    """The person's words on a case as one viewer reads them, by what they are about (one query)."""

    by_need: dict[int, list[Words]] = field(default_factory=dict)
    by_measure: dict[int, list[Words]] = field(default_factory=dict)
    wishes: list[Words] = field(default_factory=list)
    requests: list[Words] = field(default_factory=list)

    @property
    def open_requests(self) -> list[Words]:
        return [words for words in self.requests if words.is_open]


def case_words(access: CaseAccess) -> CaseWords:
    """Every word of the person this viewer reads on the case, sorted by what it is about, in one query."""
    found = CaseWords()
    for words in words_for_case(access):
        if words.kind == WordsKind.NEED and words.need_id is not None:
            found.by_need.setdefault(words.need_id, []).append(words)
        elif words.kind == WordsKind.PROPOSAL and words.measure_id is not None:
            found.by_measure.setdefault(words.measure_id, []).append(words)
        elif words.kind == WordsKind.WISH:
            found.wishes.append(words)
        elif words.kind == WordsKind.MEETING:
            found.requests.append(words)
    return found


def words_on_need(access: CaseAccess, need_id: int) -> list[Words]:
    return list(words_for_case(access).filter(kind=WordsKind.NEED, need_id=need_id))


def words_on_measure(access: CaseAccess, measure_id: int) -> list[Words]:
    return list(words_for_case(access).filter(kind=WordsKind.PROPOSAL, measure_id=measure_id))


def wishes(access: CaseAccess) -> list[Words]:
    return list(words_for_case(access).filter(kind=WordsKind.WISH))


def meeting_requests(access: CaseAccess) -> list[Words]:
    return list(words_for_case(access).filter(kind=WordsKind.MEETING))


def meeting_request_for_case(access: CaseAccess, words_id: int) -> Words:
    """One meeting request of the viewer's case; another case's, another kind, or a missing one: the same 404."""
    words = words_for_case(access).filter(kind=WordsKind.MEETING, pk=words_id).first()
    if words is None:
        raise Http404
    return words


def open_requests_for_lead(user: User) -> QuerySet[OwnWords]:
    """The open meeting requests on the cases the user leads, for their "what is due" (paged there)."""
    return requests_for_lead(user)
