"""The questions, in plain words (issue 22, point 5; seed 001 §6: more satisfied inmates and staff).

Four short questions for the person at three moments of the case, four for staff each quarter.
Every question has the same three answers; a question may be left without an answer. The keys
are stable: answers and measurements keep them for years.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Moment(models.TextChoices):
    """When the person is asked: after the plan is made, at release, at closing."""

    PLAN = "plan", _("After the plan is made")
    RELEASE = "release", _("At release")
    CLOSING = "closing", _("At closing")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Kind(models.TextChoices):
    PERSON = "person", _("The person")
    STAFF = "staff", _("Staff")


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise


PERSON_QUESTIONS = (
    Question("knows_next", _("Do you know what happens next for you?")),
    Question("heard", _("Do the people who help you listen to you?")),
    Question("help", _("Do you get help with what matters most to you?")),
    Question("satisfied", _("All in all, are you happy with the help you get?")),
)

STAFF_QUESTIONS = (
    Question("informed", _("Do you have the information you need about the people you work with?")),
    Question("cooperation", _("Does the work with the other agencies go well?")),
    Question("handover", _("When a person moves on, does the next one take over in time?")),
    Question("satisfied", _("All in all, are you satisfied with how we work together on reentry?")),
)

QUESTIONS = {Kind.PERSON: PERSON_QUESTIONS, Kind.STAFF: STAFF_QUESTIONS}


def questions_for(kind: str) -> tuple[Question, ...]:
    return QUESTIONS[Kind(kind)]
