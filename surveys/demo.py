"""The demo world's survey answers (issue 22, point 5): a year of paper forms and staff answers in
Bergen, so that the analyst's figures show something real in ``make run``.

History is written as rows with their days (a paper form typed in on the day it names); the
services stamp today, so they cannot write a past. The pattern is fixed, not random: the demo
is the same on every run.
"""

from __future__ import annotations

import datetime

from accounts.models import Agency
from surveys.models import Channel, Response, ResponseAnswer, ResponseScope
from surveys.questions import Kind, Moment, questions_for

#: The person's answers in turn: mostly yes, some partly, a few no.
PERSON_PATTERN = ("yes", "yes", "partly", "yes", "no", "yes", "partly", "yes")
STAFF_PATTERN = ("yes", "partly", "partly", "yes", "no", "yes")
MOMENTS = (Moment.PLAN, Moment.PLAN, Moment.RELEASE, Moment.PLAN, Moment.CLOSING, Moment.RELEASE)


def build_surveys_demo(prison: Agency, today: datetime.date) -> None:
    """About 40 person forms and 14 staff answers over the year before today, counted in the prison."""
    scopes = [("country", prison.country), ("prison", str(prison.pk)), ("agency", str(prison.pk))]
    answers: list[ResponseAnswer] = []
    rows: list[ResponseScope] = []
    for n in range(40):
        response = Response.objects.create(
            kind=Kind.PERSON,
            moment=MOMENTS[n % len(MOMENTS)],
            channel=Channel.PAPER,
            answered_on=today - datetime.timedelta(days=9 * n + 3),
        )
        rows += [ResponseScope(response=response, kind=kind, key=key) for kind, key in scopes]
        for i, question in enumerate(questions_for(Kind.PERSON)):
            answers.append(ResponseAnswer(response=response, question=question.key, answer=PERSON_PATTERN[(n + i) % 8]))
    for n in range(14):
        response = Response.objects.create(
            kind=Kind.STAFF, channel=Channel.PHONE, answered_on=today - datetime.timedelta(days=26 * n + 5)
        )
        rows += [ResponseScope(response=response, kind=kind, key=key) for kind, key in scopes]
        for i, question in enumerate(questions_for(Kind.STAFF)):
            answers.append(ResponseAnswer(response=response, question=question.key, answer=STAFF_PATTERN[(n + i) % 6]))
    ResponseScope.objects.bulk_create(rows)
    ResponseAnswer.objects.bulk_create(answers)
