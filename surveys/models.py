"""Satisfaction surveys (issue 22, point 5): who was asked, and the answers, kept apart.

An answer is never tied to the one who gave it. ``Participation`` (a case at a moment) and
``StaffParticipation`` (a user in a quarter) record only *that* someone answered, so that no
one is asked twice; ``Response`` holds the answers with the scopes they count in (copied
from the case when the person answered, or given by the staff who typed in a paper answer),
a random id, and the day: no case, no user, no time of day, no order of arrival. So no page,
export or join can put one answer next to one person, and the figures stay the same when a
case is anonymised (there is nothing of the case in an answer to remove).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from surveys.questions import Answer, Kind, Moment


class Channel(models.TextChoices):
    PHONE = "phone", _("On a screen")
    PAPER = "paper", _("On paper")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Said no thanks")


class Participation(models.Model):
    """That the person answered (or said no thanks) at one moment of one case: never what they answered."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("survey participation")
        constraints = [models.UniqueConstraint(fields=["case", "moment"], name="survey_once_per_case_and_moment")]

    def __str__(self) -> str:
        return f"{self.moment} ({self.outcome})"


class StaffParticipation(models.Model):
    """That a member of staff answered in a quarter: never what they answered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quarter = models.DateField(_("quarter"))  # its first day
    on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("staff survey participation")
        constraints = [models.UniqueConstraint(fields=["user", "quarter"], name="survey_once_per_user_and_quarter")]

    def __str__(self) -> str:
        return f"{self.quarter:%Y-%m}"


class Response(models.Model):
    """One set of answers, with nothing that names who gave it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("survey"), max_length=10, choices=Kind.choices)
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    answered_on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("survey response")
        indexes = [models.Index(fields=["kind", "answered_on"], name="survey_response_kind_day")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="person") & ~models.Q(moment="")) | models.Q(kind="staff", moment=""),
                name="survey_person_response_has_moment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.moment}".strip()


class ResponseScope(models.Model):
    """A scope (``insight.scopes.Scope``) a response counts in, as "kind" and "key"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="scopes")
    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["kind", "key"], name="survey_scope_kind_key")]
        constraints = [models.UniqueConstraint(fields=["response", "kind", "key"], name="survey_scope_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class ResponseAnswer(models.Model):
    """The answer to one question of a response."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]

    def __str__(self) -> str:
        return self.question
