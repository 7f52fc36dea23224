"""Failures between the steps of the multi-step services leave nothing half-written (ASSURANCE #20).

Each service below writes in several steps (a row, its journal entry, the next row ...), all in
one transaction. For every step, a test lets the service run up to and including that step and
then makes its next write fail, and checks that every table the service writes, the journal
among them, holds exactly the rows it held before (row counts and checksums of the rows).

The fault is injected at the database's door, with Django's public ``connection.execute_wrapper``:
the real database runs every statement up to the failing one, which is refused before it is sent
(as a lost connection or a full disk would refuse it). Which writes make up each service is
listed below by reading the service (``STEPS``); a test per service checks that list against
what the service really writes, so a service that grows a step grows a test with it.

Anonymisation (issue 24, point 1) is among them: a case's texts, the person, the journal's values
and the deletion ledger are changed together or not at all.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import system_user
from cases.models import CarryOver, Case, LegalStatus, Stage
from cases.services import IntakeData, carry_over_ask, carry_over_holder_answer, carry_over_person_answer, case_open
from core.drill import table_sums
from handover.models import Transition
from handover.services import membership_accept, release_sudden, transition_complete, transition_plan
from needs.services import need_create
from reference.models import LifeArea
from retention.services import anonymise_case

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class InjectedFailure(Exception):
    pass


class Writes:
    """Django's execute wrapper: records every write as "VERB table"; refuses write number ``fail_at``."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.done: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            write = f"{match[1].split()[0].upper()} {match[2]}"
            if self.fail_at is not None and len(self.done) + 1 == self.fail_at:
                raise InjectedFailure(f"write {self.fail_at} ({write}) refused")
            self.done.append(write)
        return execute(sql, params, many, context)


def _people() -> dict[str, User]:
    return {user.username: user for user in User.objects.select_related("agency")}


def _remand_case(officer: User, **facts) -> Case:
    data = {
        "first_name": "Eva",
        "last_name": "Steg",
        "birth_date": datetime.date(1995, 1, 1),
        "home_municipality": "Bergen",
        "legal_status": LegalStatus.REMAND,
        "intake_date": timezone.localdate() - datetime.timedelta(days=10),
        **facts,
    }
    return case_open(actor=officer, data=IntakeData(**data))


def _with_member(case: Case, officer: User, member: User) -> Case:
    from cases.services import membership_add

    membership = membership_add(actor=officer, case=case, user=member)
    if membership.accepted_at is None:
        membership_accept(actor=member, membership=membership)
    return Case.objects.get(pk=case.pk)


def intake(people: dict[str, User]) -> Callable[[], object]:
    """cases.services.case_open: a new person, their case, the lead's membership, the case's lead."""
    kari = people["kari.kontakt"]
    return lambda: _remand_case(kari)


def release_at_short_notice(people: dict[str, User]) -> Callable[[], object]:
    """handover.services.release_sudden on a remand case with no release planned: it plans one, makes
    the readiness checklist, completes the release, records it as sudden and marks the missing items urgent."""
    kari = people["kari.kontakt"]
    case = _with_member(_remand_case(kari), kari, people["sara.sosial"])
    return lambda: release_sudden(actor=kari, case=case, on=timezone.localdate(), reason="Løslatt fra varetekt")


def transition_completion(people: dict[str, User]) -> Callable[[], object]:
    """handover.services.transition_complete of a planned release, earlier than planned."""
    kari = people["kari.kontakt"]
    case = _with_member(_remand_case(kari), kari, people["sara.sosial"])
    planned = transition_plan(
        actor=kari, case=case, kind="release", planned_date=timezone.localdate() + datetime.timedelta(days=20)
    )
    transition = Transition.objects.get(pk=planned.pk)
    return lambda: transition_complete(
        actor=kari, transition=transition, on=timezone.localdate(), early_reason="Tidlig beslutning"
    )


NUMBER = "05059010052"  # checksum-valid, born 1990-05-05


def take_over(people: dict[str, User]) -> Callable[[], object]:
    """cases.services.carry_over_person_answer, the last yes: the earlier case's group is invited again
    and its shared open needs are copied into the new case (the take-over of needs), then it is marked done."""
    kari, olav = people["kari.kontakt"], people["olav.oslo"]
    sigrid = User.objects.create_user(username="sigrid.steg", first_name="Sigrid", last_name="Steg", role=Role.PERSON)
    earlier = case_open(
        actor=kari,
        person_user=sigrid,
        data=IntakeData(
            first_name="Sigrid",
            last_name="Steg",
            birth_date=datetime.date(1990, 5, 5),
            national_id=NUMBER,
            home_municipality="Bergen",
            legal_status=LegalStatus.REMAND,
            intake_date=timezone.localdate() - datetime.timedelta(days=30),
        ),
    )
    earlier = _with_member(earlier, kari, people["sara.sosial"])
    for slug in ("debt", "housing"):
        need_create(actor=kari, case=earlier, life_area=LifeArea.objects.get(slug=slug), own_words=f"Hjelp med {slug}")
    new = case_open(
        actor=olav,
        data=IntakeData(
            first_name="Sigrid",
            last_name="Steg",
            birth_date=datetime.date(1990, 5, 5),
            national_id=NUMBER,
            home_municipality="Oslo",
            legal_status=LegalStatus.REMAND,
            intake_date=timezone.localdate(),
        ),
    )
    asked = carry_over_ask(actor=olav, case=new, needs_and_plan=True, group=True)
    carry_over_holder_answer(actor=kari, carry_over=asked, agree=True)
    asked = CarryOver.objects.get(pk=asked.pk)
    return lambda: carry_over_person_answer(actor=sigrid, carry_over=asked, agree=True)


def anonymisation(people: dict[str, User]) -> Callable[[], object]:
    """retention.services.anonymise_case of a closed case whose day has come: its texts and the person's
    identity scrubbed, the journal's values erased, the deletion ledger appended, the case marked, journaled."""
    kari = people["kari.kontakt"]
    case = _remand_case(kari)
    need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug="debt"), own_words="Gjeld til inkasso")
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=today - datetime.timedelta(days=731), closing_reason="Flyttet", anonymise_on=today
    )
    actor = system_user()
    return lambda: anonymise_case(actor, case.pk, today)


@dataclass(frozen=True)
class Service:
    prepare: Callable[[dict[str, User]], Callable[[], object]]
    steps: tuple[str, ...]


SERVICES: dict[str, Service] = {
    "intake": Service(
        intake,
        (
            "INSERT cases_person",
            "INSERT journal_journalentry",
            "INSERT cases_case",
            "INSERT journal_journalentry",
            "INSERT cases_membership",
            "INSERT journal_journalentry",
            "UPDATE cases_case",
            "INSERT journal_journalentry",
        ),
    ),
    "release at short notice": Service(
        release_at_short_notice,
        (
            # transition_plan
            "INSERT handover_transition",
            "INSERT journal_journalentry",
            "UPDATE cases_case",
            "INSERT journal_journalentry",
            # readiness_create: the ten items in one INSERT, then an entry for each
            "INSERT release_readinessitem",
            *("INSERT journal_journalentry",) * 10,
            # transition_complete
            "UPDATE handover_transition",
            "INSERT journal_journalentry",
            "UPDATE cases_case",
            "INSERT journal_journalentry",
            # release.sudden
            "INSERT journal_journalentry",
            # readiness_mark_urgent: every missing item in one UPDATE, then an entry for each
            "UPDATE release_readinessitem",
            *("INSERT journal_journalentry",) * 10,
        ),
    ),
    "transition completion": Service(
        transition_completion,
        (
            "UPDATE handover_transition",
            "INSERT journal_journalentry",
            "UPDATE cases_case",
            "INSERT journal_journalentry",
        ),
    ),
    "take-over": Service(
        take_over,
        (
            # the person's answer
            "UPDATE cases_carryover",
            "INSERT journal_journalentry",
            # _carry_over_run: the earlier case is read (an access event), its group invited again ...
            "INSERT journal_accessevent",
            *("INSERT cases_membership", "INSERT journal_journalentry") * 2,
            # ... its shared open needs taken over (need_take_over)
            *("INSERT needs_need", "INSERT journal_journalentry") * 2,
            # ... and the carry-over marked done
            "UPDATE cases_carryover",
            "INSERT journal_journalentry",
        ),
    ),
    "anonymisation": Service(
        anonymisation,
        (
            # the registry's rules: the case's own texts, the group's purposes, the needs' words
            "UPDATE cases_case",
            "UPDATE cases_membership",
            "UPDATE needs_need",
            # the person (no other case kept), the journal's values erased
            "UPDATE cases_person",
            "UPDATE journal_journalentry",
            # the case marked, the ledger appended, the anonymisation journaled
            "UPDATE cases_case",
            "INSERT retention_deletionrecord",
            "INSERT journal_journalentry",
        ),
    ),
}


def _record(name: str) -> list[str]:
    run = SERVICES[name].prepare(_people())
    writes = Writes()
    with connection.execute_wrapper(writes):
        run()
    return writes.done


@pytest.mark.parametrize("name", SERVICES)
def test_the_listed_steps_are_what_the_service_writes(name):
    assert _record(name) == list(SERVICES[name].steps)


def boundaries(steps: tuple[str, ...]) -> list[int]:
    """After which writes to fail the next: every kind of step once, a repeated one after its first and last time."""
    pairs = [(steps[k - 1], steps[k]) for k in range(1, len(steps))]
    return [k for k in range(1, len(steps)) if pairs.index(pairs[k - 1]) == k - 1 or pairs[k:].count(pairs[k - 1]) == 0]


@pytest.mark.parametrize(
    ("name", "after"),
    [
        pytest.param(name, after, id=f"{name}: after {after} {service.steps[after - 1]}")
        for name, service in SERVICES.items()
        for after in boundaries(service.steps)
    ],
)
def test_a_failure_after_the_step_leaves_nothing_half_written(name, after):
    service = SERVICES[name]
    run = service.prepare(_people())
    touched = frozenset(step.split()[1] for step in service.steps) | {"journal_journalentry", "journal_accessevent"}
    before = table_sums(touched)
    writes = Writes(fail_at=after + 1)

    with connection.execute_wrapper(writes), pytest.raises(InjectedFailure):
        run()

    assert writes.done == list(service.steps[:after])  # it did fail right after that step
    assert table_sums(touched) == before
