"""Reads of the surveys: the moment due for a case, and the answers of a scope, counted only.

No function here returns a response or an answer: only counts over a scope and a period, and
the page shows those through the privacy rules (``obstacles.aggregates``): every count from
1 to 4 as "fewer than 5", and a share only over 10 answers or more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from access.surveys import answers_staff_survey
from accounts.models import User
from cases.models import Case, FollowUpPhase, Stage
from insight.registry import Period
from insight.scopes import Scope, cases_in
from obstacles.aggregates import SMALLEST_SHOWN, Shown, suppress
from plans.models import PlanVersion
from surveys import moments
from surveys.models import Participation, Response, ResponseAnswer, StaffParticipation
from surveys.questions import Answer, Question, questions_for

#: A share is shown only over this many answers (issue 22, point 7).
SMALLEST_SHARE = 10


def case_facts(case: Case) -> moments.Facts:
    first = PlanVersion.objects.filter(case_id=case.pk).order_by("created_at").values_list("created_at", flat=True)
    made = first.first()
    return moments.Facts(
        plan_made_on=timezone.localdate(made) if made is not None else None,
        expected_release=case.expected_release,
        released_on=case.released_on,
        closing=case.stage == Stage.CLOSED or case.follow_up_phase == FollowUpPhase.CLOSING,
    )


def due_moment(case: Case, today: datetime.date | None = None) -> str | None:
    """The moment the person of this case is asked now, if any (``surveys.moments.due``)."""
    done = set(Participation.objects.filter(case_id=case.pk).values_list("moment", flat=True))
    return moments.due(case_facts(case), done, today or timezone.localdate())


def staff_survey_due(user: User) -> bool:
    """Whether the quarter's questions wait for this member of staff (``access.surveys``: who is asked)."""
    if not answers_staff_survey(user):
        return False
    today = timezone.localdate()
    quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return not StaffParticipation.objects.filter(user_id=user.pk, quarter=quarter).exists()


def scopes_of_case(case: Case) -> list[tuple[str, str]]:
    """The scopes a case counts in now, as ``insight.scopes.cases_in`` reads them (region: through its prison)."""
    scopes = [("country", case.country), ("prison", str(case.institution_id))]
    if case.unit:
        scopes.append(("unit", f"{case.institution_id}:{case.unit}"))
    slugs = case.enrolments.values_list("programme__slug", flat=True).distinct()
    scopes += [("programme", slug) for slug in slugs]
    agencies = case.memberships.values_list("agency_id", flat=True).distinct()
    scopes += [("agency", str(agency)) for agency in agencies if agency is not None]
    return sorted(set(scopes))


def units_of(prison_id: int) -> list[str]:
    """The units of a prison, as its cases name them."""
    units = Case.objects.filter(institution_id=prison_id).exclude(unit="").values_list("unit", flat=True)
    return sorted(set(units))


def responses_in(scope: Scope, kind: str, period: Period) -> QuerySet[Response]:
    """The responses of a survey counted in a scope and a period (the day answered within it)."""
    responses = Response.objects.filter(kind=kind, answered_on__gte=period.start, answered_on__lte=period.end)
    if scope.kind == "region":
        # A region counts its prisons' answers, paper ones too: the prisons come from the scope's cases.
        prisons = {str(pk) for pk in cases_in(scope).values_list("institution_id", flat=True).distinct()}
        return responses.filter(scopes__kind="prison", scopes__key__in=sorted(prisons)).distinct()
    return responses.filter(scopes__kind=scope.kind, scopes__key=scope.key)


def answer_counts(scope: Scope, kind: str, period: Period) -> dict[str, dict[str, int]]:
    """For each question of the survey, how many answered yes, partly and no (zeros included)."""
    counts = {question.key: {answer: 0 for answer in Answer.values} for question in questions_for(kind)}
    rows = (
        ResponseAnswer.objects.filter(response__in=responses_in(scope, kind, period).values("pk"))
        .values("question", "answer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["question"] in counts and row["answer"] in counts[row["question"]]:
            counts[row["question"]][row["answer"]] = row["n"]
    return counts


# ---------------------------------------------------------------------------------------
# The figures page: one fixed window, every count through the privacy rules


def last_four_quarters(today: datetime.date) -> Period:
    """The four quarters ended before today's: a window that moves four times a year, not daily.

    A window that grew each day would show, by the change from yesterday, what today's answer
    was; a whole quarter at a time it cannot.
    """
    this_quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    start_month = this_quarter.month - 12
    start = datetime.date(this_quarter.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
    return Period(start, this_quarter - datetime.timedelta(days=1))


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    cells: dict[str, Shown]  # yes, partly, no
    total: Shown
    #: The share who said yes, in per cent; None when fewer than ``SMALLEST_SHARE`` answered or hidden.
    yes_share: float | None


@dataclass(frozen=True)
class SurveyFigures:
    kind: str
    #: How many answered, by moment for the person's survey (one row for staff), and in all.
    by_moment: dict[str, Shown]
    responses: Shown
    #: Empty while fewer than 5 answered: then nothing more is shown.
    rows: list[QuestionRow]

    @property
    def too_few(self) -> bool:
        return self.responses.value is None or self.responses.value < SMALLEST_SHOWN


def survey_figures(scope: Scope, kind: str, period: Period) -> SurveyFigures:
    """The figures of one survey for a scope and period, as they may be shown.

    Fewer than 5 answers in all: only that ("fewer than 5"), nothing by moment or question.
    """
    responses = responses_in(scope, kind, period)
    per_moment = {row["moment"]: row["n"] for row in responses.values("moment").annotate(n=Count("pk")).order_by()}
    by_moment, total = suppress(per_moment)
    if sum(per_moment.values()) < SMALLEST_SHOWN:
        return SurveyFigures(kind, {}, total, [])
    rows = []
    all_counts = answer_counts(scope, kind, period)
    for question in questions_for(kind):
        counts = all_counts[question.key]
        cells, row_total = suppress(counts)
        answered = sum(counts.values())
        # A share over a hidden "yes" would give the count away: then no share either.
        shown = answered >= SMALLEST_SHARE and cells[Answer.YES].value is not None and row_total.value is not None
        share = round(100 * counts[Answer.YES] / answered) if shown else None
        rows.append(QuestionRow(question, cells, row_total, share))
    return SurveyFigures(kind, by_moment if kind == "person" else {}, total, rows)
