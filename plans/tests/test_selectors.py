"""The plan reads, called directly: the conversation's day and the proposals deadline; the measures each
viewer may see, in due order, with only the needs they see; one measure or a 404; the plan by need; who may
be responsible; a measure's history; the plan's versions and their comparison limited to the viewer.

Uses the fixtures of plans/tests/conftest.py (``today``, ``housing``, ``private_need``, ``proposal``).
"""

import datetime
from typing import Any

import pytest
from django.http import Http404

from cases.models import Case, Membership
from cases.services import membership_end
from consent.services import consent_withdraw
from core.tests.granted import granted_access as access
from journal.models import JournalEntry
from needs.models import Need
from needs.selectors import needs_for_case
from needs.services import conversation_record
from plans.models import PLAN_STATUSES, Measure, PlanVersion
from plans.selectors import (
    compare_versions,
    measure_for_case,
    measure_history,
    measure_list,
    measures_for_case,
    needs_conversation_date,
    plan_by_need,
    plan_versions,
    proposals_deadline,
    responsible_candidates,
    visible_measures,
)
from plans.services import delivery_note_add, measure_move, measure_propose, measure_update
from timetable.engine import proposals_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(case, personas, private_need, today) -> Measure:
    """A measure for Jonas's private need: only he and his contact officer see it."""
    return measure_propose(
        actor=personas.contact_officer,
        case=case,
        title="Samtaler med psykolog",
        needs=[private_need],
        responsible_user=personas.contact_officer,
        start_date=today,
        due_date=today + datetime.timedelta(days=10),
        requires_of_person="x",
    )


def notes_of(measure: Any) -> int:
    """The count of delivery notes ``measures_for_case`` annotates each measure with."""
    return int(measure.note_count)


def ids(measures) -> list[int]:
    return [measure.pk for measure in measures]


# --- the needs conversation and the proposals deadline -----------------------------------------


def test_the_conversation_date_is_the_earliest_completed_part_one(case, other_case, personas, today):
    held = case.intake_date + datetime.timedelta(days=6)  # the demo completed part 1 on its second session
    assert needs_conversation_date(case) == held
    conversation_record(actor=personas.contact_officer, case=case, held_on=today, part=2, completed=True)
    conversation_record(actor=personas.contact_officer, case=case, held_on=case.intake_date, completed=False)
    assert needs_conversation_date(case) == held  # neither a later part nor an unfinished session counts
    conversation_record(actor=personas.contact_officer, case=case, held_on=case.intake_date, completed=True)
    assert needs_conversation_date(case) == case.intake_date
    assert needs_conversation_date(other_case) is None


def test_the_proposals_deadline_follows_the_conversation_by_the_cases_country(case, other_case):
    held = needs_conversation_date(case)
    assert held is not None
    deadline = proposals_deadline(case)
    assert deadline is not None and deadline == proposals_due(held, case.country) and deadline > held
    assert proposals_deadline(other_case) is None  # no conversation yet


# --- the measures a viewer sees ----------------------------------------------------------------


def test_each_viewer_sees_the_measures_they_may_and_no_other_cases(case, personas, secret):
    everything = set(Measure.objects.filter(case=case).values_list("pk", flat=True))
    assert set(ids(visible_measures(access(personas.person, case)))) == everything
    assert set(ids(visible_measures(access(personas.contact_officer, case)))) == everything
    for persona in ("social_worker", "nav_with_consent"):  # not the measure for the private need
        assert set(ids(visible_measures(access(getattr(personas, persona), case)))) == everything - {secret.pk}
    assert not visible_measures(access(personas.municipal_without_consent, case)).exists()
    other = Case.objects.get(person__first_name="Thomas")
    assert not visible_measures(access(personas.social_worker, case)).filter(case=other).exists()


def test_a_member_without_consent_sees_the_measures_they_are_responsible_for(case, personas, housing, today):
    mona = personas.municipal_without_consent
    hers = measure_propose(
        actor=personas.contact_officer,
        case=case,
        title="Bolig",
        needs=[housing],
        responsible_user=mona,
        start_date=today,
        due_date=today,
        requires_of_person="x",
    )
    assert ids(visible_measures(access(mona, case))) == [hers.pk]


def test_a_withdrawn_consent_leaves_the_covered_member_only_their_own_tasks(case, personas):
    nils = personas.nav_with_consent
    consent_withdraw(actor=personas.person, case=case)
    assert set(ids(visible_measures(access(nils, case)))) == set(
        Measure.objects.filter(case=case, responsible_user=nils).values_list("pk", flat=True)
    )


def test_measures_come_in_due_order_with_their_visible_needs_and_note_counts(case, personas, proposal, secret):
    started = Measure.objects.get(case=case, status="started")
    delivery_note_add(actor=personas.nav_with_consent, measure=started, text="Ny lapp.")
    viewer = access(personas.contact_officer, case)
    measures = list(measures_for_case(viewer))
    assert [(m.due_date, m.pk) for m in measures] == sorted((m.due_date, m.pk) for m in measures)
    by_id = {m.pk: m for m in measures}
    assert notes_of(by_id[started.pk]) == started.notes.count() >= 2
    assert notes_of(by_id[proposal.pk]) == 0
    assert [n.pk for n in by_id[secret.pk].visible_needs] == [secret.needs.get().pk]


def test_a_measure_list_from_needs_already_read_equals_the_prefetched_read(case, personas, proposal, secret):
    for persona in ("person", "contact_officer", "social_worker", "nav_with_consent", "municipal_without_consent"):
        viewer = access(getattr(personas, persona), case)
        needs = list(needs_for_case(viewer))
        expected = [(m.pk, notes_of(m), [n.pk for n in m.visible_needs]) for m in measures_for_case(viewer)]
        got = [(m.pk, notes_of(m), [n.pk for n in m.visible_needs]) for m in measure_list(viewer, needs)]
        assert got == expected, persona


def test_one_measure_or_a_404_for_a_hidden_one_or_another_cases(case, personas, secret):
    kari, sara = access(personas.contact_officer, case), access(personas.social_worker, case)
    assert measure_for_case(kari, secret.pk) == secret
    elsewhere = Measure.objects.exclude(case=case).first()
    assert elsewhere is not None
    for viewer, measure_id in ((sara, secret.pk), (kari, elsewhere.pk), (kari, 2**31 - 1)):
        with pytest.raises(Http404):
            measure_for_case(viewer, measure_id)


# --- the plan by need --------------------------------------------------------------------------


def test_the_plan_by_need_lists_every_visible_need_with_its_chosen_measures(case, personas, proposal, housing):
    viewer = access(personas.social_worker, case)
    plan = plan_by_need(viewer, measure_list(viewer, list(needs_for_case(viewer))))
    assert list(plan) == list(needs_for_case(viewer))  # every need the viewer sees, in order, none hidden
    assert plan[housing] == []  # a proposal is not yet in the plan
    assert all(m.status in PLAN_STATUSES for ms in plan.values() for m in ms)
    income = Need.objects.get(case=case, life_area__slug="income")
    assert [m.status for m in plan[income]] == ["started"]
    chosen = measure_move(actor=personas.person, measure=proposal, status="chosen", with_person=True)
    again = plan_by_need(viewer, list(measures_for_case(viewer)))
    assert ids(again[housing]) == [chosen.pk]


# --- who may be responsible --------------------------------------------------------------------


def test_responsible_candidates_are_the_current_members_by_agency_and_name(case, personas):
    candidates = list(responsible_candidates(case))
    current = Membership.objects.filter(case=case, accepted_at__isnull=False, ended_at__isnull=True)
    assert {m.pk for m in candidates} == set(current.values_list("pk", flat=True))
    key = [(m.agency.name, m.user.last_name, m.user.first_name) for m in candidates]
    assert key == sorted(key)
    usernames = {m.user.username for m in candidates}
    assert "helge.helse" not in usernames and "petra.friomsorg" not in usernames
    membership_end(actor=personas.contact_officer, membership=current.get(user=personas.municipal_without_consent))
    assert personas.municipal_without_consent not in [m.user for m in responsible_candidates(case)]


# --- history and versions ----------------------------------------------------------------------


def test_a_measures_history_is_its_own_journal_newest_first(case, personas, proposal):
    updated = measure_update(actor=personas.nav_with_consent, measure=proposal, version=proposal.version, title="Ny")
    measure_move(actor=personas.contact_officer, measure=updated, status="chosen")
    history = list(measure_history(access(personas.contact_officer, case), proposal))
    assert [entry.action for entry in history][:3] == ["measure.chosen", "measure.update", "measure.propose"]
    assert [(e.at, e.pk) for e in history] == sorted(((e.at, e.pk) for e in history), reverse=True)
    assert all(e.object_type == "plans.measure" and e.object_id == str(proposal.pk) for e in history)
    assert len(history) == JournalEntry.objects.filter(object_type="plans.measure", object_id=str(proposal.pk)).count()


def test_plan_versions_are_the_cases_own_newest_first(case, personas, proposal):
    before = list(plan_versions(access(personas.contact_officer, case)))
    measure_move(actor=personas.contact_officer, measure=proposal, status="chosen")
    versions = list(plan_versions(access(personas.contact_officer, case)))
    assert len(versions) == len(before) + 1 and versions[0].number == before[0].number + 1
    assert [v.number for v in versions] == sorted((v.number for v in versions), reverse=True)
    assert all(v.case_id == case.pk for v in versions)
    assert set(PlanVersion.objects.filter(case=case).values_list("pk", flat=True)) == {v.pk for v in versions}


def test_comparing_versions_pairs_the_measures_and_names_what_changed_for_the_viewer_only(
    case, personas, proposal, secret
):
    first = PlanVersion.objects.filter(case=case).latest("number")
    measure_move(actor=personas.contact_officer, measure=proposal, status="chosen")
    measure_move(actor=personas.contact_officer, measure=secret, status="chosen")
    last = PlanVersion.objects.filter(case=case).latest("number")
    kari = {row["id"]: row for row in compare_versions(access(personas.contact_officer, case), first, last)}
    assert kari[proposal.pk]["left"] is None and kari[proposal.pk]["right"]["status"] == "chosen"
    assert kari[secret.pk]["left"] is None  # new in the later version
    started = Measure.objects.get(case=case, status="started")
    assert kari[started.pk]["changed"] == []
    assert kari[started.pk]["left"]["need_labels"] == kari[started.pk]["right"]["need_labels"] != []
    sara = {row["id"] for row in compare_versions(access(personas.social_worker, case), first, last)}
    assert secret.pk not in sara and proposal.pk in sara
    mona = compare_versions(access(personas.municipal_without_consent, case), first, last)
    assert mona == []
    # The versions' own rows stay as stored: the labels are on copies.
    assert all("need_labels" not in row and "status_label" not in row for row in (*first.measures, *last.measures))
