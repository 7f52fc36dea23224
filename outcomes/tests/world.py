"""A small world built by hand for the outcome figures: every release, follow-up, charge and next case
placed so that each figure's value is known (outcomes/tests/test_cohorts.py says which)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country, SecurityLevel, User
from cases.models import Case, LegalStatus, Membership, Person, Stage
from insight.scopes import Scope
from outcomes.models import FollowUp, NewCharge, Situation

_numbers = itertools.count(1)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class World:
    def __init__(self, name: str = "Testfengsel for utfall") -> None:
        self.prison = Agency.objects.create(
            name=name, kind=AgencyKind.PRISON, country=Country.NORWAY, security_level=SecurityLevel.LOW
        )
        self.scope = Scope("prison", str(self.prison.pk))
        self.user = User.objects.get(username="kari.kontakt")

    def case(
        self,
        released_on: str | None,
        *,
        person: Person | None = None,
        previous: Case | None = None,
        intake: str = "2020-01-01",
        sentence_start: str | None = None,
        legal_status: str = LegalStatus.SENTENCED,
        prison: Agency | None = None,
    ) -> Case:
        number = next(_numbers)
        person = person or Person.objects.create(
            first_name=f"Utfall{number}", last_name="Test", birth_date=day("1990-01-01")
        )
        case = Case.objects.create(
            person=person,
            institution=prison or self.prison,
            security_level=SecurityLevel.LOW,
            country=Country.NORWAY,
            legal_status=legal_status,
            intake_date=day(intake),
            sentence_start=day(sentence_start) if sentence_start else None,
            home_municipality="Bergen",
            stage=Stage.AFTER_RELEASE if released_on else Stage.CARRY_OUT,
            released_on=day(released_on) if released_on else None,
            previous_case=previous,
            created_by=self.user,
        )
        # Every case has a lead (PostgreSQL checks it when a test's transaction ends).
        lead = Membership.objects.create(
            case=case,
            user=self.user,
            role=self.user.role,
            agency=case.institution,
            start_date=case.intake_date,
            accepted_at=timezone.now(),
            added_by=self.user,
        )
        Case.objects.filter(pk=case.pk).update(lead=lead)
        case.lead = lead
        return case

    def follow_up(self, case: Case, situation: str) -> FollowUp:
        assert case.released_on is not None
        return FollowUp.objects.create(
            case=case,
            situation=situation,
            assessed_on=case.released_on + datetime.timedelta(days=92),
            recorded_by=self.user,
        )

    def charge(self, case: Case, on: str, removed: bool = False) -> NewCharge:
        return NewCharge.objects.create(
            case=case,
            charged_on=day(on),
            recorded_by=self.user,
            removed_at=timezone.now() if removed else None,
            removed_by=self.user if removed else None,
        )

    def next_case(self, earlier: Case, start: str, legal_status: str = LegalStatus.SENTENCED) -> Case:
        return self.case(
            None,
            person=earlier.person,
            previous=earlier,
            intake=start,
            sentence_start=start if legal_status != LegalStatus.REMAND else None,
            legal_status=legal_status,
        )


SITUATIONS = [Situation.WORK] * 5 + [Situation.EDUCATION] + [Situation.NEITHER] * 3 + [Situation.UNKNOWN] + [None, None]
