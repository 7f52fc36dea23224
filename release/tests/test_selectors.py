"""The release readiness reads, called directly: the latest release's checklist, all of it or the viewer's
own items, in the checklist's order; what counts as missing (the "told" item is done once both were told);
one item or none; the urgent items a user holds; and the caseload's flag after a release at short notice.

Uses ``remand_case`` and ``users`` from release/tests/conftest.py: Kari leads; Sara, Nils (NAV), Mona
(municipality) and Petra (probation) are members; there is no consent, so the external members see only
the items they own.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Membership
from cases.services import membership_end
from core.tests.granted import granted_access as access
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import case_close, transition_cancel, transition_plan
from release.models import KEY_ORDER, ReadinessItem, ReadinessKey, ReadinessState
from release.selectors import (
    effective_state,
    held_by_q,
    is_current_member,
    item_for,
    missing_q,
    readiness_for,
    readiness_summary,
    release_transitions,
    sudden_release_flag,
    told_q,
    urgent_for,
)
from release.services import readiness_mark_urgent
from timetable.models import NoticeRecipient
from timetable.services import release_notice_record

pytestmark = pytest.mark.django_db


def plan(case: Case, actor: User, days: int = 30, kind: str = TransitionKind.RELEASE) -> Transition:
    return transition_plan(
        actor=actor, case=case, kind=kind, planned_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def keys(items) -> list[str]:
    return [item.key for item in items]


def set_state(transition: Transition, key: str, state: str) -> None:
    done_on = timezone.localdate() if state == ReadinessState.DONE else None
    ReadinessItem.objects.filter(transition=transition, key=key).update(state=state, done_on=done_on)


# --- the releases of a case --------------------------------------------------------------------


def test_release_transitions_are_the_cases_releases_not_cancelled_latest_first(remand_case, users):
    kari = users["kari.kontakt"]
    first = plan(remand_case, kari)
    transition_cancel(actor=kari, transition=first, reason="Utsatt.", version=first.version)
    second = plan(remand_case, kari, days=60)
    assert list(release_transitions(remand_case.pk)) == [second]
    assert not release_transitions(Case.objects.get(person__first_name="Lars").pk).exists()


# --- the checklist -----------------------------------------------------------------------------


def test_without_a_release_the_checklist_is_empty(remand_case, users):
    kari = access(users["kari.kontakt"], remand_case)
    readiness = readiness_for(kari)
    assert (readiness.transition, readiness.items, readiness.full) == (None, [], True)
    assert readiness_summary(kari) is None


def test_the_lead_reads_every_item_in_the_checklists_order(remand_case, users):
    transition = plan(remand_case, users["kari.kontakt"])
    readiness = readiness_for(access(users["kari.kontakt"], remand_case))
    assert readiness.full and readiness.transition == transition
    assert keys(readiness.items) == sorted(ReadinessKey.values, key=KEY_ORDER.__getitem__)
    assert (readiness.done, readiness.total, len(readiness.missing)) == (0, 10, 10)
    summary = readiness_summary(access(users["kari.kontakt"], remand_case))
    assert summary is not None and keys(summary.items) == keys(readiness.items) and summary.notices == []


def test_a_member_without_consent_reads_only_the_items_they_own(remand_case, users):
    plan(remand_case, users["kari.kontakt"])
    mona = access(users["mona.kommune"], remand_case)
    readiness = readiness_for(mona)
    assert not readiness.full
    assert keys(readiness.items) == [ReadinessKey.HOUSING, ReadinessKey.MUNICIPAL_CONTACT]
    assert readiness_summary(mona) is None  # the overview's checklist is for those who see all of it
    sara = access(users["sara.sosial"], remand_case)  # prison staff of the case: everything
    assert len(readiness_for(sara).items) == 10


def test_the_latest_release_is_read_and_a_cancelled_one_is_not(remand_case, users):
    kari = users["kari.kontakt"]
    first = plan(remand_case, kari)
    transition_cancel(actor=kari, transition=first, reason="Utsatt.", version=first.version)
    assert readiness_for(access(kari, remand_case)).transition is None
    second = plan(remand_case, kari, days=50)
    readiness = readiness_for(access(kari, remand_case))
    assert readiness.transition == second and {item.transition_id for item in readiness.items} == {second.pk}


def test_not_needed_items_do_not_count_and_done_ones_count_as_done(remand_case, users):
    transition = plan(remand_case, users["kari.kontakt"])
    set_state(transition, ReadinessKey.HEALTH, ReadinessState.NOT_NEEDED)
    set_state(transition, ReadinessKey.BANK, ReadinessState.DONE)
    readiness = readiness_for(access(users["kari.kontakt"], remand_case))
    assert (readiness.done, readiness.total) == (1, 9)
    assert ReadinessKey.HEALTH not in keys(readiness.counted)
    assert set(keys(readiness.missing)) == set(ReadinessKey.values) - {ReadinessKey.HEALTH, ReadinessKey.BANK}


def test_the_told_item_is_done_once_both_nav_and_the_municipality_were_told(remand_case, users):
    kari = users["kari.kontakt"]
    transition = plan(remand_case, kari)
    told = ReadinessItem.objects.filter(transition=transition, key=ReadinessKey.TOLD)
    today = timezone.localdate()

    def tell(recipient: str, release_date: datetime.date, told_on: datetime.date) -> None:
        release_notice_record(
            actor=kari, case=remand_case, recipient=recipient, release_date=release_date, told_on=told_on
        )

    tell(NoticeRecipient.NAV, transition.planned_date, today - datetime.timedelta(days=2))
    tell(NoticeRecipient.MUNICIPALITY, transition.planned_date + datetime.timedelta(days=1), today)  # another date
    assert told.filter(missing_q()).exists() and not told.filter(told_q()).exists()
    assert ReadinessKey.TOLD in keys(readiness_for(access(kari, remand_case)).missing)
    tell(NoticeRecipient.MUNICIPALITY, transition.planned_date, today - datetime.timedelta(days=1))
    assert told.filter(told_q()).exists() and not told.filter(missing_q()).exists()
    readiness = readiness_for(access(kari, remand_case))
    item = next(item for item in readiness.items if item.key == ReadinessKey.TOLD)
    assert item.state == ReadinessState.MISSING and effective_state(item) == ReadinessState.DONE
    assert ReadinessKey.TOLD not in keys(readiness.missing)
    assert readiness.told_dates == {
        NoticeRecipient.NAV: today - datetime.timedelta(days=2),
        NoticeRecipient.MUNICIPALITY: today - datetime.timedelta(days=1),
    }
    assert readiness_for(access(kari, remand_case), with_notices=False).notices == []


# --- one item ----------------------------------------------------------------------------------


def test_one_item_for_a_viewer_who_may_see_it_or_none(remand_case, users, case, personas):
    transition = plan(remand_case, users["kari.kontakt"])
    housing = ReadinessItem.objects.get(transition=transition, key=ReadinessKey.HOUSING)
    income = ReadinessItem.objects.get(transition=transition, key=ReadinessKey.INCOME)
    kari, mona = access(users["kari.kontakt"], remand_case), access(users["mona.kommune"], remand_case)
    assert item_for(kari, income.pk) == income
    assert item_for(mona, housing.pk) == housing
    assert item_for(mona, income.pk) is None  # Nils's, not hers
    assert item_for(access(personas.contact_officer, case), housing.pk) is None  # another case's item
    assert item_for(kari, 2**31 - 1) is None


# --- membership on a loaded row ----------------------------------------------------------------


def test_a_member_is_current_from_acceptance_and_start_until_the_end(remand_case, users):
    today = timezone.localdate()
    nils = Membership.objects.get(case=remand_case, user=users["nils.nav"])
    assert is_current_member(nils) and not is_current_member(None)
    assert not is_current_member(nils, nils.start_date - datetime.timedelta(days=1))
    membership_end(actor=users["kari.kontakt"], membership=nils, end_date=today + datetime.timedelta(days=5))
    nils.refresh_from_db()
    assert is_current_member(nils, today + datetime.timedelta(days=5))
    assert not is_current_member(nils, today + datetime.timedelta(days=6))


# --- urgent items and whose they are ------------------------------------------------------------


def test_urgent_items_are_the_owners_and_the_leads_for_those_nobody_holds(remand_case, users):
    kari, nils, mona = users["kari.kontakt"], users["nils.nav"], users["mona.kommune"]
    transition = plan(remand_case, kari)
    assert urgent_for(nils) == []
    set_state(transition, ReadinessKey.BANK, ReadinessState.DONE)
    readiness_mark_urgent(actor=kari, transition=transition, case=remand_case)
    assert keys(urgent_for(nils)) == [ReadinessKey.INCOME]  # bank was done: never urgent
    assert keys(urgent_for(mona)) == [ReadinessKey.HOUSING, ReadinessKey.MUNICIPAL_CONTACT]
    karis = set(keys(urgent_for(kari)))
    assert ReadinessKey.HEALTH in karis  # nobody owns it: the lead's
    assert ReadinessKey.INCOME not in karis
    urgent = urgent_for(kari)
    assert [(i.urgent_since, i.pk) for i in urgent] == sorted((i.urgent_since, i.pk) for i in urgent)
    assert urgent_for(users["sara.sosial"]) == []  # staff, but neither owner nor lead
    today = timezone.localdate()
    held = ReadinessItem.objects.filter(held_by_q(nils, today), transition=transition)
    assert set(keys(held)) == {ReadinessKey.INCOME, ReadinessKey.BANK}


def test_a_members_urgent_items_pass_to_the_lead_when_they_leave_and_a_closed_case_has_none(remand_case, users):
    kari, nils = users["kari.kontakt"], users["nils.nav"]
    transition = plan(remand_case, kari)
    readiness_mark_urgent(actor=kari, transition=transition, case=remand_case)
    membership_end(actor=kari, membership=Membership.objects.get(case=remand_case, user=nils))
    assert urgent_for(nils) == []
    assert {ReadinessKey.INCOME, ReadinessKey.BANK} <= set(keys(urgent_for(kari)))
    remand_case.refresh_from_db()
    case_close(actor=kari, case=remand_case, reason="Ferdig.", version=remand_case.version)
    assert urgent_for(kari) == []


# --- the caseload's flag ------------------------------------------------------------------------


def test_the_flag_marks_a_recent_sudden_release_with_items_missing(remand_case, users):
    transition = plan(remand_case, users["kari.kontakt"])

    def flagged() -> bool:
        return Case.objects.annotate(flag=sudden_release_flag()).get(pk=remand_case.pk).flag

    today = timezone.localdate()
    assert not flagged()  # planned, not released
    Transition.objects.filter(pk=transition.pk).update(state=TransitionState.COMPLETED, completed_on=today)
    assert not flagged()  # released as planned, not at short notice
    Transition.objects.filter(pk=transition.pk).update(sudden=True)
    assert flagged()
    Transition.objects.filter(pk=transition.pk).update(completed_on=today - datetime.timedelta(days=31))
    assert not flagged()  # more than 30 days ago
    Transition.objects.filter(pk=transition.pk).update(completed_on=today - datetime.timedelta(days=30))
    assert flagged()
    ReadinessItem.objects.filter(transition=transition).update(state=ReadinessState.NOT_NEEDED)
    assert not flagged()  # nothing missing
