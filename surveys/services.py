"""Write the answers (issue 22, point 5): each journaled in the same transaction, never with its answers.

The journal records who took part and when (``Participation``, ``StaffParticipation``) or who
typed in a paper form, and never what was answered: the answers are for the figures alone.
The person's participation is journaled without the case, so the case's change log, which
its staff read, does not tell them when whose answer came in.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PRISON_STAFF_ROLES, User
from cases.models import Case
from journal.services import record_change
from surveys.models import (
    Channel,
    Outcome,
    Participation,
    Response,
    ResponseAnswer,
    ResponseScope,
    StaffParticipation,
)
from surveys.questions import Answer, Kind, Moment, questions_for
from surveys.selectors import due_moment, scopes_of_case, units_of


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the day's quarter."""
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def clean_answers(kind: str, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers given, by question; an unknown question or answer is refused, and so is none at all."""
    keys = {question.key for question in questions_for(kind)}
    given = {key: value for key, value in answers.items() if value}
    unknown = sorted(set(given) - keys)
    if unknown or any(value not in Answer.values for value in given.values()):
        raise ValidationError(_("Something in the answers is not one of the choices. Nothing was saved."))
    if not given:
        raise ValidationError(_("Answer at least one question, or say no thanks. Nothing was saved."))
    return given


def _store(kind: str, moment: str, channel: str, scopes: list[tuple[str, str]], answers: dict[str, str]) -> Response:
    response = Response(kind=kind, moment=moment, channel=channel, answered_on=timezone.localdate())
    response.full_clean()
    response.save(force_insert=True)
    ResponseScope.objects.bulk_create([ResponseScope(response=response, kind=k, key=key) for k, key in scopes])
    ResponseAnswer.objects.bulk_create(
        [ResponseAnswer(response=response, question=question, answer=answer) for question, answer in answers.items()]
    )
    return response


def _take_part(*, actor: User, case: Case, moment: str, outcome: str) -> Participation:
    """Lock the case, check the moment is due and not yet taken, and record that the person took part."""
    if case.person.user_id != actor.pk:
        raise ValidationError(_("Only you can answer your own questions. Nothing was saved."))
    Case.objects.select_for_update().filter(pk=case.pk).first()  # two tabs at once: one waits, then finds it done
    if moment not in Moment.values or due_moment(case) != moment:
        raise ValidationError(_("There are no questions for you just now. Nothing was saved."))
    participation = Participation(case=case, moment=moment, outcome=outcome, on=timezone.localdate())
    participation.full_clean()
    participation.save(force_insert=True)
    record_change(
        actor=actor,
        action=f"survey.{outcome}",
        obj=participation,
        case=None,
        old=None,
        new={"moment": moment},
    )
    return participation


def survey_answer(*, actor: User, case: Case, moment: str, answers: Mapping[str, str]) -> Participation:
    """The person answers the questions of the moment due, once; the answers are stored apart from them."""
    given = clean_answers(Kind.PERSON, answers)
    with transaction.atomic():
        participation = _take_part(actor=actor, case=case, moment=moment, outcome=Outcome.ANSWERED)
        _store(Kind.PERSON, moment, Channel.PHONE, scopes_of_case(case), given)
    return participation


def survey_decline(*, actor: User, case: Case, moment: str) -> Participation:
    """The person says no thanks to the moment's questions: they are not asked again for it."""
    with transaction.atomic():
        return _take_part(actor=actor, case=case, moment=moment, outcome=Outcome.DECLINED)


def staff_scopes(user: User) -> list[tuple[str, str]]:
    """The scopes a member of staff's answer counts in: their agency, as a prison if it is one, and its country."""
    agency = user.agency
    if agency is None:
        return []
    scopes = [("country", agency.country), ("agency", str(agency.pk))]
    if agency.is_prison:
        scopes.append(("prison", str(agency.pk)))
    return sorted(scopes)


def staff_survey_answer(*, actor: User, answers: Mapping[str, str]) -> StaffParticipation:
    """A member of staff answers the quarter's questions, once a quarter."""
    given = clean_answers(Kind.STAFF, answers)
    scopes = staff_scopes(actor)
    if not scopes:
        raise ValidationError(_("You belong to no agency, so your answers would count nowhere. Nothing was saved."))
    today = timezone.localdate()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if StaffParticipation.objects.filter(user_id=actor.pk, quarter=quarter_of(today)).exists():
            raise ValidationError(_("You have already answered this quarter. Thank you. Nothing more was saved."))
        participation = StaffParticipation(user=actor, quarter=quarter_of(today), on=today)
        participation.full_clean()
        participation.save(force_insert=True)
        record_change(
            actor=actor,
            action="survey.staff_answered",
            obj=participation,
            case=None,
            old=None,
            new={"quarter": participation.quarter.isoformat()},
        )
        _store(Kind.STAFF, "", Channel.PHONE, scopes, given)
    return participation


def paper_answer_enter(*, actor: User, moment: str, unit: str, answers: Mapping[str, str]) -> Response:
    """Prison staff type in a person's paper form: counted in their prison (and unit), tied to no one."""
    agency = actor.agency
    if actor.role not in PRISON_STAFF_ROLES or agency is None or not agency.is_prison:
        raise ValidationError(_("Only prison staff type in paper answers. Nothing was saved."))
    if moment not in Moment.values:
        raise ValidationError({"moment": _("Choose when the form was filled in. Nothing was saved.")})
    given = clean_answers(Kind.PERSON, answers)
    unit = unit.strip()
    if unit and unit not in units_of(agency.pk):
        raise ValidationError({"unit": _("Choose one of the prison's units. Nothing was saved.")})
    scopes = [("country", agency.country), ("prison", str(agency.pk)), ("agency", str(agency.pk))]
    if unit:
        scopes.append(("unit", f"{agency.pk}:{unit}"))
    with transaction.atomic():
        response = _store(Kind.PERSON, moment, Channel.PAPER, sorted(scopes), given)
        # Who typed in a form, and when: never its answers, and no case.
        record_change(
            actor=actor, action="survey.paper_entered", obj=response, case=None, old=None, new={"moment": moment}
        )
    return response
