"""The case's stage, from what has happened (DOMAIN.md §3; seed 001 section 4, the revised POP process).

The stage is stored on the case (``Case.stage``), so that every page shows it without a
query and the unit overview counts by it in SQL. The services that change what it
depends on call :func:`case_stage_refresh` in their own transaction, which journals
the move. The rule itself is :func:`stage_for`, a pure function:

- **Closed** once the case is closed; **after release** once the person is released.
- **Hand over responsibility** (step 7) while a transition is planned: a transfer to another
  prison or unit, to probation, or a release (seed 001: "uavhengig av om det er snakk om
  overføring til ... et annet fengsel, en annen avdeling, ... eller løslatelse").
- **Carry out the plan** (step 6) once part 1 of the needs conversation is held and the
  plan holds a measure (chosen, started or done: step 5 chose it with the person).
- **Make a plan** (steps 4-5) once part 1 of the needs conversation is held.
- **Preparation** (steps 0.1-0.2) while the intake date lies ahead; **understand needs**
  (steps 1-3) from the intake. A measure for an acute need may start before the needs
  conversation (step 2: "ingen tiltak utover akutte behov"); it does not make a plan.

Only the intake day arriving moves the stage without a write; :meth:`Case.stage_on` and
:func:`stage_now` read that one rule on the stored value, so no nightly job is needed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from cases.models import CASE_FIELDS, Case, Stage
from handover.models import OPEN_STATES, Transition
from journal.services import record_change, snapshot
from needs.models import NeedsConversation
from plans.models import PLAN_STATUSES, Measure


@dataclass(frozen=True)
class StageFacts:
    """What the stage follows from, read by ``stage_facts`` (three small queries)."""

    intake_date: datetime.date
    closed: bool = False
    released: bool = False
    open_transition: bool = False
    needs_conversation_held: bool = False
    plan_has_measure: bool = False


def stage_for(facts: StageFacts, today: datetime.date) -> str:
    """Return the stage that follows from the facts on the day."""
    if facts.closed:
        return Stage.CLOSED
    if facts.released:
        return Stage.AFTER_RELEASE
    if facts.open_transition:
        return Stage.HANDOVER
    if facts.needs_conversation_held:
        return Stage.CARRY_OUT if facts.plan_has_measure else Stage.MAKE_PLAN
    if facts.intake_date > today:
        return Stage.PREPARATION
    return Stage.UNDERSTAND_NEEDS


def stage_facts(case) -> StageFacts:
    """Read the facts of one case (the row as loaded, plus three EXISTS queries)."""
    return StageFacts(
        intake_date=case.intake_date,
        closed=case.closed_on is not None,
        released=case.released_on is not None,
        open_transition=Transition.objects.filter(case_id=case.pk, state__in=OPEN_STATES).exists(),
        needs_conversation_held=NeedsConversation.objects.filter(case_id=case.pk, part=1, completed=True).exists(),
        plan_has_measure=Measure.objects.filter(case_id=case.pk, status__in=PLAN_STATUSES).exists(),
    )


def case_stage_refresh(*, actor: User, case: Case) -> Case:
    """Set the stage that follows from what has happened (``stage_for``); journal a move.

    Call inside the transaction that changed what the stage depends on, after the change:
    the case row is read again under a lock, so the move and its journal entry commit
    together with the change, or not at all. It lives beside its rule, under the services
    of needs, plans and transitions that call it (``cases.services`` builds on those).
    """
    current = Case.objects.select_for_update().get(pk=case.pk)
    stage = stage_for(stage_facts(current), timezone.localdate())
    if stage != current.stage:
        old = snapshot(current, CASE_FIELDS)
        current.stage = stage
        current.save(update_fields=["stage"])
        record_change(
            actor=actor, action="case.stage", obj=current, case=current, old=old, new=snapshot(current, CASE_FIELDS)
        )
    case.stage = current.stage
    return current
