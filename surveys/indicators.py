"""Satisfaction indicators (issue 22, points 1 and 5; DOMAIN.md §10): the share who answered yes.

Seed 001 §6 expects "increased satisfaction with the reentry work" for inmates and for staff;
these count it from the short surveys. Each counts the responses answered within the period
(the day answered) in the scope: the person's by the scopes of their case when they answered
(or the prison a paper form was typed in for), staff by their agency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from insight.batch import shared
from insight.registry import Answers, Cell, Count, Grouped, Indicator, Part, Period, register
from insight.scopes import Scope
from surveys.models import Response, ResponseAnswer, ResponseScope
from surveys.questions import Answer, Kind
from surveys.selectors import answer_counts

SOURCE = _(
    "Stimulab: «En trygg og forutsigbar overgang fra fengsel til et selvstendig liv i frihet» (2024), "
    "section 6: more satisfaction with the reentry work among inmates and staff"
)


def yes_share(kind: str, question: str) -> Callable[[Scope, Period], Count]:
    def compute(scope: Scope, period: Period) -> Count:
        counts = answer_counts(scope, kind, period)[question]
        return Count(numerator=counts[Answer.YES], denominator=sum(counts.values()))

    return compute


def _answers_by_cell(kind: str, period: Period) -> dict[str, dict[Cell, Part]]:
    """For each question of the survey, the answers of the period by cell (two queries for all questions).

    A response counts in the cells of each country and each prison it names (in practice one of
    each; one with no prison counts in its country only). The parts keep the responses' ids, so a
    scope that takes two cells of one response counts it once, as ``responses_in`` does.
    """
    ids = Response.objects.filter(kind=kind, answered_on__gte=period.start, answered_on__lte=period.end).values("pk")
    countries: dict[UUID, set[str | None]] = defaultdict(set)
    prisons: dict[UUID, set[int | None]] = defaultdict(set)
    for response_id, scope_kind, key in (
        ResponseScope.objects.filter(response__in=ids, kind__in=["country", "prison"])
        .values_list("response_id", "kind", "key")
        .order_by()
    ):
        if scope_kind == "country":
            countries[response_id].add(key)
        elif key.isdigit() and str(int(key)) == key:  # as ``responses_in`` matches the prison's key
            prisons[response_id].add(int(key))
    yes: dict[str, dict[Cell, set[UUID]]] = defaultdict(lambda: defaultdict(set))
    answered: dict[str, dict[Cell, set[UUID]]] = defaultdict(lambda: defaultdict(set))
    for response_id, question, answer in (
        ResponseAnswer.objects.filter(response__in=ids, answer__in=Answer.values)
        .values_list("response_id", "question", "answer")
        .order_by()
    ):
        for country in countries.get(response_id) or {None}:
            for prison in prisons.get(response_id) or {None}:
                answered[question][(country, prison)].add(response_id)
                if answer == Answer.YES:
                    yes[question][(country, prison)].add(response_id)
    return {
        question: {cell: Answers(frozenset(yes[question][cell]), frozenset(ids)) for cell, ids in cells.items()}
        for question, cells in answered.items()
    }


def yes_share_by_cell(kind: str, question: str) -> Grouped:
    """``yes_share`` for every response of the period at once, by cell (the questions of a survey share the reads)."""

    def grouped(period: Period) -> dict[Cell, Part]:
        return shared(("surveys", kind, period), lambda: _answers_by_cell(kind, period)).get(question, {})

    return grouped


PERSON_SATISFIED = register(
    Indicator(
        key="survey_person_satisfied",
        name=_("Persons satisfied with the help"),
        definition=_(
            "Of the persons who answered «All in all, are you happy with the help you get?» "
            "after the plan, at release or at closing, the share who answered yes."
        ),
        numerator=_("answered yes"),
        denominator=_("persons who answered the question"),
        better="higher",
        source=SOURCE,
        group="satisfaction",
        compute=yes_share(Kind.PERSON, "satisfied"),
        grouped=yes_share_by_cell(Kind.PERSON, "satisfied"),
    )
)
PERSON_KNOWS_NEXT = register(
    Indicator(
        key="survey_person_knows_next",
        name=_("Persons who know what happens next"),
        definition=_(
            "Of the persons who answered «Do you know what happens next for you?», the share who answered yes."
        ),
        numerator=_("answered yes"),
        denominator=_("persons who answered the question"),
        better="higher",
        source=SOURCE,
        group="satisfaction",
        compute=yes_share(Kind.PERSON, "knows_next"),
        grouped=yes_share_by_cell(Kind.PERSON, "knows_next"),
    )
)
PERSON_HEARD = register(
    Indicator(
        key="survey_person_heard",
        name=_("Persons who feel listened to"),
        definition=_(
            "Of the persons who answered «Do the people who help you listen to you?», the share who answered yes."
        ),
        numerator=_("answered yes"),
        denominator=_("persons who answered the question"),
        better="higher",
        source=SOURCE,
        group="satisfaction",
        compute=yes_share(Kind.PERSON, "heard"),
        grouped=yes_share_by_cell(Kind.PERSON, "heard"),
    )
)
STAFF_SATISFIED = register(
    Indicator(
        key="survey_staff_satisfied",
        name=_("Staff satisfied with the reentry work"),
        definition=_(
            "Of the staff who answered the quarter's «All in all, are you satisfied with how we work together "
            "on reentry?», the share who answered yes."
        ),
        numerator=_("answered yes"),
        denominator=_("staff who answered the question"),
        better="higher",
        source=SOURCE,
        group="satisfaction",
        compute=yes_share(Kind.STAFF, "satisfied"),
        grouped=yes_share_by_cell(Kind.STAFF, "satisfied"),
    )
)
STAFF_COOPERATION = register(
    Indicator(
        key="survey_staff_cooperation",
        name=_("Staff who find the cooperation works"),
        definition=_(
            "Of the staff who answered «Does the work with the other agencies go well?», the share who answered yes."
        ),
        numerator=_("answered yes"),
        denominator=_("staff who answered the question"),
        better="higher",
        source=SOURCE,
        group="satisfaction",
        compute=yes_share(Kind.STAFF, "cooperation"),
        grouped=yes_share_by_cell(Kind.STAFF, "cooperation"),
    )
)
