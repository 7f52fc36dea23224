"""Rule-set choices, moving deadlines and the coordinator's counts."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Agency, AgencyKind, Role, SecurityLevel, User
from cases.models import Case
from journal.models import JournalEntry
from timetable import engine
from timetable.models import RuleSet
from timetable.selectors import RuleBook, facts_for_cases
from timetable.services import deadlines_refresh, rule_set_choose_for_case, rule_set_choose_for_institution

pytestmark = pytest.mark.django_db


def deadline(case: Case, code: str) -> engine.DeadlineResult:
    case.refresh_from_db()
    book = RuleBook(case_ids=[case.pk])
    results = engine.evaluate(book.rules_for(case), facts_for_cases([case])[case.pk], datetime.date(2026, 1, 1))
    return next(r for r in results if r.rule.code == code)


def test_a_deadline_moves_when_the_release_date_moves(case):
    before = deadline(case, "incoming-actors-join").due
    Case.objects.filter(pk=case.pk).update(expected_release=case.expected_release + datetime.timedelta(days=21))
    assert deadline(case, "incoming-actors-join").due == before + datetime.timedelta(days=21)


def test_without_a_recorded_release_the_road_estimate_is_used(case):
    Case.objects.filter(pk=case.pk).update(expected_release=None)
    facts = facts_for_cases([Case.objects.get(pk=case.pk)])[case.pk]
    road = engine.road(facts)
    assert deadline(case, "nav-told").due == road.release_estimate - datetime.timedelta(weeks=8)


def test_an_institution_follows_the_rule_set_an_admin_chooses_and_it_is_journaled(personas):
    danish_prison = Agency.objects.create(
        name="Vestre Fængsel", kind=AgencyKind.PRISON, country="DK", security_level=SecurityLevel.HIGH
    )
    danish = RuleSet.objects.get(country="DK")
    norwegian = RuleSet.objects.get(country="NO")
    with pytest.raises(ValidationError):
        rule_set_choose_for_institution(actor=personas.contact_officer, institution=danish_prison, rule_set=danish)
    with pytest.raises(ValidationError):
        rule_set_choose_for_institution(actor=personas.admin, institution=danish_prison, rule_set=norwegian)
    choice = rule_set_choose_for_institution(actor=personas.admin, institution=danish_prison, rule_set=danish)
    assert JournalEntry.objects.filter(action="timetable.institution_rule_set_chosen", object_id=str(choice.pk))


def test_a_case_override_wins_over_the_institution_and_the_country_default(personas, case):
    trial = RuleSet.objects.create(
        code="no-pop", version=2, name="Trial", country="NO", source="Test", valid_from="2026-06-01"
    )
    assert RuleBook(case_ids=[case.pk]).rule_set_for(case).version == 1
    rule_set_choose_for_institution(actor=personas.admin, institution=case.institution, rule_set=trial)
    assert RuleBook(case_ids=[case.pk]).rule_set_for(case) == trial
    first = RuleSet.objects.get(code="no-pop", version=1)
    rule_set_choose_for_case(actor=personas.contact_officer, case=case, rule_set=first, reason="Keep version 1")
    assert RuleBook(case_ids=[case.pk]).rule_set_for(case) == first
    with pytest.raises(ValidationError):
        rule_set_choose_for_case(
            actor=personas.contact_officer, case=case, rule_set=RuleSet.objects.get(country="SE"), reason="No"
        )


def test_a_coordinator_sees_counts_per_stage_for_the_unit(client_for, personas):
    coordinator = User.objects.create(
        username="koordinator", role=Role.REENTRY_COORDINATOR, agency=personas.contact_officer.agency
    )
    deadlines_refresh()
    body = client_for(coordinator).get(reverse("timetable:due")).content.decode()
    assert 'id="unit-heading"' in body
    bergen_cases = Case.objects.filter(institution=coordinator.agency).exclude(stage="closed").count()
    counts = [int(cell) for cell in re.findall(r"<tr><td>[^<]+</td><td>(\d+)</td>", body)]
    assert sum(counts) == bergen_cases
    main = body[body.index("<main") :]
    for case in Case.objects.select_related("person"):
        assert case.person.full_name not in main  # counts only, no case of the unit by name
