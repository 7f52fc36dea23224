"""Validation of a person's and a case's facts, shared by the intake form and the services."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from cases.models import Case, LegalStatus, Stage
from cases.sentence import Term

MINIMUM_AGE_YEARS = 15  # the age of criminal responsibility in Norway and Denmark
MAX_SENTENCE_YEARS = 30  # above any fixed term of the penal codes; this only stops nonsense


def national_id_errors(national_id: str, birth_date: datetime.date | None, country: str) -> list[str]:
    """Return messages for a national identity number that fails its checksum or birth date."""
    if not national_id:
        return []
    module = {"NO": fodselsnummer, "DK": cpr, "SE": personnummer}[country]
    try:
        compact = module.validate(national_id)
    except stdnum_errors.ValidationError:
        return [_("This is not a valid national identity number. Check the digits.")]
    if birth_date is not None:
        try:
            encoded = module.get_birth_date(compact)
        except stdnum_errors.ValidationError:
            encoded = None
        if encoded is not None and encoded != birth_date:
            return [_("The national identity number does not match the birth date.")]
    return []


def normalise_national_id(national_id: str, country: str) -> str:
    module = {"NO": fodselsnummer, "DK": cpr, "SE": personnummer}[country]
    return module.compact(national_id) if national_id else ""


def case_fact_errors(data: dict[str, Any], country: str) -> dict[str, list[str]]:
    """Return errors by field for impossible or inconsistent case facts."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    birth_date = data.get("birth_date")
    intake = data.get("intake_date")
    start = data.get("sentence_start")
    release = data.get("expected_release")
    status = data.get("legal_status")

    if birth_date:
        if birth_date > today:
            add("birth_date", _("The birth date cannot be in the future."))
        elif (today - birth_date).days < MINIMUM_AGE_YEARS * 365:
            add("birth_date", _("The person must be at least 15 years old."))
    for message in national_id_errors(data.get("national_id") or "", birth_date, country):
        add("national_id", message)
    if intake:
        if intake > today + datetime.timedelta(days=settings.INTAKE_MAX_DAYS_AHEAD):
            add(
                "intake_date",
                _("The intake date can be at most %(days)s days ahead.") % {"days": settings.INTAKE_MAX_DAYS_AHEAD},
            )
        if birth_date and intake < birth_date:
            add("intake_date", _("The intake date cannot be before the birth date."))
        if release and release < intake:
            add("expected_release", _("The release date cannot be before the intake date."))
    if start and release and release < start:
        add("expected_release", _("The release date cannot be before the sentence starts."))
    term = Term(data.get("sentence_years") or 0, data.get("sentence_months") or 0, data.get("sentence_days") or 0)
    if term.years > MAX_SENTENCE_YEARS or term.months > 12 * MAX_SENTENCE_YEARS or term.days > 366 * MAX_SENTENCE_YEARS:
        add("sentence_days", _("The sentence is longer than any judgment gives. Check the years, months and days."))
        term = Term()
    if status == LegalStatus.REMAND:
        if term.given:
            add("sentence_days", _("A remand case has no sentence length yet. Leave it empty."))
    elif status in {LegalStatus.SENTENCED, LegalStatus.COMMUNITY}:
        if not start:
            add("sentence_start", _("A sentenced case needs the date the sentence starts."))
        if not term.given:
            add(
                "sentence_days",
                _("A sentenced case needs the sentence length: years, months or days, as in the judgment."),
            )
    # The term in days, counted by the calendar from the start (cases.sentence).
    sentence_days = term.length_days(start) if start and term.given else term.days
    remand_days = data.get("remand_days")
    if sentence_days and remand_days is not None and remand_days > sentence_days:
        add("remand_days", _("The days on remand cannot exceed the sentence length."))
    if data.get("isolation_days") and remand_days is not None and data["isolation_days"] > remand_days:
        add("isolation_days", _("The days in isolation cannot exceed the days on remand."))
    return errors


def raise_if_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def refuse_if_closed(case: Case) -> None:
    """A closed case takes no new members, needs, measures or meetings."""
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed and can no longer be changed."))
