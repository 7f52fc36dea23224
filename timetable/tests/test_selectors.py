"""The timetable reads, called directly: the rule book and the case facts in bulk; a case's timetable as the
viewer may see it; what is due for a user and the lists beside it (handover gaps, reminder alerts, the unit's
counts and overview); the inbox; the calendar feed and its events; and where each deadline is done.

Each read that names cases is an access event: the tests count them. No date is fixed to the calendar: every
day is the project clock's today plus or minus days.
"""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from access.policy import cases_visible_to
from accounts.models import User
from cases.models import Case, Membership, Stage
from cases.services import membership_end
from core.tests.granted import granted_access as access
from handover.models import Transition, TransitionKind, TransitionState
from handover.services import case_close, transition_plan
from journal.models import AccessEvent, AccessPurpose
from meetings.models import Meeting
from timetable.models import (
    Deadline,
    DeadlineKind,
    DeadlineState,
    Reminder,
    ReminderAlert,
    ReminderPhase,
    Rule,
    RuleSet,
)
from timetable.selectors import (
    KEPT_RULE_SETS,
    RuleBook,
    active_feed,
    calendar_events,
    due_for,
    facts_for_cases,
    feed_for_token,
    inbox_for,
    link_for,
    open_handover_gap,
    reminder_alerts_for,
    timetable_for_case,
    token_hash,
    unit_overview_for,
    unit_stage_counts,
    unread_count,
)
from timetable.services import calendar_feed_create, calendar_feed_revoke, reminders_mark_read

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def events_since(mark: int, viewer: User) -> list[tuple[int, str, str]]:
    return sorted(AccessEvent.objects.filter(id__gt=mark, user=viewer).values_list("case_id", "view", "purpose"))


def last_event() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def a_deadline(case: Case, state: str = DeadlineState.OVERDUE, due: int = -3) -> Deadline:
    rule = Rule.objects.filter(rule_set__country=case.country).order_by("pk").first()
    assert rule is not None
    deadline, _created = Deadline.objects.update_or_create(
        case=case,
        code=rule.code,
        defaults={
            "rule": rule,
            "kind": rule.kind,
            "owner_role": rule.owner_role,
            "due_date": days(due),
            "state": state,
            "computed_at": timezone.now(),
        },
    )
    return deadline


def remind(recipient: User, deadline: Deadline, **extra) -> Reminder:
    due = deadline.due_date
    assert due is not None
    return Reminder.objects.create(
        recipient=recipient, deadline=deadline, due_date=due, phase=ReminderPhase.DUE, **extra
    )


# --- the rule book and the facts ---------------------------------------------------------------


def test_the_rule_book_gives_each_case_its_sets_rules_in_order_and_an_override_first(case, denmark):
    book = RuleBook(case_ids=[case.pk])
    norway = book.rule_set_for(case)
    assert norway is not None and norway.country == "NO"
    rule_codes = [rule.code for rule in book.rules_for(case)]
    assert rule_codes == list(
        Rule.objects.filter(rule_set=norway).order_by("position", "id").values_list("code", flat=True)
    )
    danish = book.rule_set_for(denmark.case)
    assert danish is not None and danish.country == "DK"
    other = RuleSet.objects.filter(country="NO").exclude(pk=norway.pk).first() or RuleSet.objects.create(
        code="no-test", version=9, name="Test", country="NO", source="Test", valid_from=days(-1)
    )
    overridden = RuleBook(overrides={case.pk: other.pk})
    assert overridden.rule_set_for(case) == other
    assert overridden.rule_set_for(denmark.case) == danish  # the override is the one case's only


def test_the_rule_sets_are_kept_per_worker_and_a_saved_rule_is_seen_at_once(
    case, monkeypatch, django_assert_num_queries
):
    """Read once, then no query for them; a rule saved (as in the admin) is in the next book."""
    RuleBook(overrides={}, institutions={})
    with django_assert_num_queries(0):  # who follows which is given: nothing else to read
        book = RuleBook(overrides={}, institutions={})
    first = book.rules_for(case)[0]
    rule = Rule.objects.get(pk=first.id)
    rule.offset += 1
    rule.save()
    assert RuleBook(overrides={}, institutions={}).rules_for(case)[0].offset == first.offset + 1
    Rule.objects.filter(pk=rule.pk).update(offset=first.offset)  # as another worker: no signal here
    monkeypatch.setattr(KEPT_RULE_SETS, "seconds", -1.0)  # the minute has passed
    assert RuleBook(overrides={}, institutions={}).rules_for(case)[0].offset == first.offset


def test_facts_for_cases_read_each_cases_own_facts(case, other_case, personas):
    assert facts_for_cases([]) == {}
    facts = facts_for_cases([case, other_case])
    assert set(facts) == {case.pk, other_case.pk}
    jonas, lars = facts[case.pk], facts[other_case.pk]
    assert (jonas.case_id, jonas.country, jonas.intake_date) == (case.pk, case.country, case.intake_date)
    assert jonas.conversation_done == case.intake_date + datetime.timedelta(days=6)  # part 1 completed then
    assert lars.conversation_done is None and lars.members[0].user_id == personas.outsider.pk
    lead = jonas.members[0]
    assert lead.is_lead and lead.user_id == personas.contact_officer.pk
    current = set(
        Membership.objects.filter(case=case, accepted_at__isnull=False, ended_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    assert {member.user_id for member in jonas.members} == current  # not the one who left, not the one invited
    assert jonas.housing_open and jonas.income_settled_on is None
    assert jonas.first_proposal is not None and jonas.first_proposal >= jonas.conversation_done
    assert jonas.proposals_tracked


# --- one case's timetable ----------------------------------------------------------------------


def test_prison_staff_see_the_whole_timetable_with_notices_and_the_countrys_rule_sets(case, personas):
    table = timetable_for_case(access(personas.contact_officer, case))
    assert table.road is not None and table.deadlines and table.today == timezone.localdate()
    assert table.rule_set is not None and table.rule_set in table.rule_sets
    assert {rule_set.country for rule_set in table.rule_sets} == {case.country}
    assert (table.country, table.release) == (case.country, case.expected_release)


def test_a_covered_member_sees_the_road_but_not_the_notices_or_rule_sets(case, personas):
    table = timetable_for_case(access(personas.nav_with_consent, case))
    assert table.road is not None
    assert (table.notices, table.rule_sets) == ([], [])
    staff = timetable_for_case(access(personas.contact_officer, case))
    assert [d.rule.code for d in table.deadlines] == [d.rule.code for d in staff.deadlines]


def test_a_member_without_consent_sees_only_their_own_open_deadlines_and_no_facts(case, personas):
    mona = personas.municipal_without_consent
    table = timetable_for_case(access(mona, case))
    assert (table.road, table.risks, table.notices, table.rule_sets) == (None, [], [], [])
    assert all(mona.pk in d.owners and d.state != DeadlineState.NOT_APPLICABLE for d in table.deadlines)
    staff = timetable_for_case(access(personas.contact_officer, case))
    hers = [d.rule.code for d in staff.deadlines if mona.pk in d.owners and d.state != DeadlineState.NOT_APPLICABLE]
    assert [d.rule.code for d in table.deadlines] == hers


def test_the_road_places_each_day_between_intake_and_full_time(case, personas):
    table = timetable_for_case(access(personas.contact_officer, case))
    assert table.road is not None and table.road_span is not None
    first, last = table.road_span
    assert (table.position(first), table.position(last)) == (0.0, 100.0)
    assert table.position(first - datetime.timedelta(days=30)) == 0.0  # clamped
    assert 0 < (table.today_x or 0) < 100
    steps = [m.date for m in table.road_steps if m.date]
    assert steps == sorted(steps)


# --- what is due -------------------------------------------------------------------------------


def test_what_is_due_is_the_users_open_deadlines_on_their_open_cases_and_each_case_shown_is_logged(personas):
    kari = personas.contact_officer
    mark = last_event()
    due = due_for(kari)
    items = [*due.overdue, *due.this_week, *due.later]
    assert items
    visible = set(cases_visible_to(kari).exclude(stage=Stage.CLOSED).values_list("pk", flat=True))
    assert all(item.deadline.is_open and kari.pk in item.deadline.owners for item in items)
    assert {item.case.pk for item in items} <= visible
    assert all(item.deadline.due is not None and item.deadline.due < due.today for item in due.overdue)
    assert due.logged_case_ids >= {item.case.pk for item in items}
    logged = events_since(mark, kari)
    assert logged == sorted((pk, "timetable:due", AccessPurpose.CASELOAD) for pk in due.logged_case_ids)


def test_what_is_due_is_empty_for_the_person_and_another_prisons_officer_sees_none_of_ours(personas, case):
    assert due_for(personas.person).empty
    olav = due_for(personas.outsider)
    assert case.pk not in shown(olav) and case.pk not in olav.logged_case_ids


def shown(due) -> set[int]:
    return {item.case.pk for item in [*due.overdue, *due.this_week, *due.later]}


def test_a_closed_case_leaves_what_is_due(case, personas):
    kari = personas.contact_officer
    assert case.pk in shown(due_for(kari))
    case_close(actor=kari, case=case, reason="Ferdig.", version=case.version)
    after = due_for(kari)
    assert case.pk not in shown(after) and case.pk not in after.logged_case_ids


def test_what_is_due_pages_the_deadlines_and_logs_only_the_page(personas):
    kari = personas.contact_officer
    whole = due_for(kari)
    listed = [*whole.overdue, *whole.this_week, *whole.later]
    assert len(listed) >= 2
    mark = last_event()
    first = due_for(kari, per_page=1, page_number=1)
    assert first.page is not None and first.page.paginator.count == len(listed)
    assert [item.deadline.rule.code for item in [*first.overdue, *first.this_week, *first.later]] == [
        listed[0].deadline.rule.code
    ]
    assert {case_id for case_id, _view, _purpose in events_since(mark, kari)} == set(first.logged_case_ids)


def test_a_release_before_anyone_took_hold_is_a_gap_for_the_lead_only(case, personas):
    kari = personas.contact_officer
    transition = transition_plan(actor=kari, case=case, kind=TransitionKind.RELEASE, planned_date=days(10))
    gap = Case.objects.annotate(gap=open_handover_gap(kari)).get(pk=case.pk)
    assert gap.gap is None  # planned, not released
    Transition.objects.filter(pk=transition.pk).update(
        state=TransitionState.COMPLETED, completed_on=days(-1), handover_gap=True
    )
    assert Case.objects.annotate(gap=open_handover_gap(kari)).get(pk=case.pk).gap == days(-1)
    assert Case.objects.annotate(gap=open_handover_gap(personas.social_worker)).get(pk=case.pk).gap is None
    assert case.pk in {c.pk for c in due_for(kari).handover_gaps}


def test_reminder_alerts_are_the_leads_on_open_deadlines_of_the_cases_given(case, other_case, personas):
    kari, sara = personas.contact_officer, personas.social_worker
    deadline = a_deadline(case)
    failed = remind(sara, deadline, alert=ReminderAlert.FAILED)
    remind(kari, deadline)  # sent: no alert
    assert reminder_alerts_for(kari, [case]) == [failed]
    assert reminder_alerts_for(sara, [case]) == []  # the lead is told, not the recipient
    assert reminder_alerts_for(kari, [other_case]) == []  # only the cases given
    Deadline.objects.filter(pk=deadline.pk).update(state=DeadlineState.MET)
    assert reminder_alerts_for(kari, [case]) == []  # met: nothing left to tell


# --- the unit ----------------------------------------------------------------------------------


def test_the_unit_counts_are_a_coordinators_own_prison_and_nobody_elses(personas, case):
    tove = user("tove.koordinator")
    counts = unit_stage_counts(tove)
    assert counts is not None
    open_cases = Case.objects.filter(institution_id=tove.agency_id).exclude(stage=Stage.CLOSED).count()
    assert sum(row["cases"] for row in counts) == open_cases
    order = list(Stage.values)
    assert [order.index(row["stage"]) for row in counts] == sorted(order.index(row["stage"]) for row in counts)
    assert unit_stage_counts(personas.contact_officer) is None and unit_stage_counts(personas.analyst) is None
    mark = last_event()
    unit_stage_counts(tove)
    assert events_since(mark, tove) == []  # counts only: no case read


def test_the_unit_overview_lists_the_prisons_open_cases_by_name_and_logs_the_page(personas, case, other_case):
    tove, otto = user("tove.koordinator"), user("otto.koordinator")
    mark = last_event()
    overview = unit_overview_for(tove)
    assert overview is not None and overview.page is not None
    listed = [row.case for row in overview.rows]
    assert case in listed and other_case not in listed
    names = [(c.person.last_name, c.person.first_name, c.intake_date, c.pk) for c in listed]
    assert names == sorted(names)
    assert events_since(mark, tove) == sorted((c.pk, "cases:unit", AccessPurpose.UNIT_OVERVIEW) for c in listed)
    assert other_case in [row.case for row in (unit_overview_for(otto) or overview).rows]
    assert unit_overview_for(personas.contact_officer) is None


def test_the_unit_overview_filters_by_name_stage_and_overdue(case):
    tove = user("tove.koordinator")
    found = unit_overview_for(tove, search=case.person.last_name)
    assert found is not None and case in [row.case for row in found.rows]
    nora = Case.objects.get(person__first_name="Nora")  # Berge, in the same prison
    assert nora in [row.case for row in (unit_overview_for(tove) or found).rows]
    assert nora not in [row.case for row in found.rows]
    stage = case.stage_on(timezone.localdate())
    by_stage = unit_overview_for(tove, stage=stage)
    assert (
        by_stage is not None
        and by_stage.rows
        and all(r.case.stage_on(timezone.localdate()) == stage for r in by_stage.rows)
    )
    unknown = unit_overview_for(tove, stage="on-the-moon")
    assert (
        unknown is not None
        and unknown.stage == ""
        and len(unknown.rows) == len((unit_overview_for(tove) or unknown).rows)
    )
    overdue = unit_overview_for(tove, only_overdue=True)
    assert overdue is not None and all(row.overdue > 0 for row in overdue.rows)
    counts_only = unit_overview_for(tove, log=False)
    assert counts_only is not None and (counts_only.page, counts_only.rows) == (None, [])


# --- the inbox ---------------------------------------------------------------------------------


def test_the_inbox_is_newest_first_leaves_out_cases_no_longer_seen_and_logs_them(case, personas):
    nils = personas.nav_with_consent
    deadline = a_deadline(case)
    older = remind(nils, deadline)
    newer = Reminder.objects.create(recipient=nils, deadline=deadline, due_date=days(1), phase=ReminderPhase.BEFORE)
    Reminder.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    mark = last_event()
    assert list(inbox_for(nils).object_list) == [newer, older]
    assert events_since(mark, nils) == [(case.pk, "timetable:inbox", AccessPurpose.CASELOAD)]
    membership_end(actor=personas.contact_officer, membership=Membership.objects.get(case=case, user=nils))
    assert list(inbox_for(nils).object_list) == []


def test_unread_counts_the_users_unread_reminders_only(case, personas):
    nils, mona = personas.nav_with_consent, personas.municipal_without_consent
    deadline = a_deadline(case)
    before = unread_count(nils)
    remind(nils, deadline)
    remind(mona, deadline)
    Reminder.objects.create(
        recipient=nils, deadline=deadline, due_date=days(2), phase=ReminderPhase.BEFORE, read_at=timezone.now()
    )
    assert unread_count(nils) == before + 1
    reminders_mark_read(actor=nils)
    assert unread_count(nils) == 0 and unread_count(mona) >= 1


# --- the calendar feed -------------------------------------------------------------------------


def test_the_token_is_kept_as_its_sha256_only():
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert token_hash("abc") != token_hash("abd")


def test_a_feed_is_found_by_its_secret_while_active_and_its_user_is_active(personas):
    kari = personas.contact_officer
    assert active_feed(kari) is None
    token = calendar_feed_create(actor=kari)
    feed = feed_for_token(token)
    assert feed is not None and feed.user == kari and active_feed(kari) == feed
    assert feed_for_token(token + "x") is None
    replaced = calendar_feed_create(actor=kari)
    assert feed_for_token(token) is None and feed_for_token(replaced) is not None
    User.objects.filter(pk=kari.pk).update(is_active=False)
    assert feed_for_token(replaced) is None
    User.objects.filter(pk=kari.pk).update(is_active=True)
    calendar_feed_revoke(actor=kari)
    assert feed_for_token(replaced) is None and active_feed(kari) is None


def test_calendar_events_name_case_codes_only_and_log_the_meetings_cases(case, personas, other_case):
    kari = personas.contact_officer
    mark = last_event()
    events = calendar_events(kari)
    visible_codes = set(cases_visible_to(kari).values_list("code", flat=True))
    assert events and all(event.summary.endswith(")") for event in events)
    assert {event.summary.rsplit("(", 1)[1][:-1] for event in events} <= visible_codes
    names = [c.person.full_name for c in Case.objects.select_related("person")]
    assert not any(name in event.summary for event in events for name in names)
    meeting = Meeting.objects.filter(case=case).first()
    assert meeting is not None and f"meeting-{meeting.pk}@overgang" in {event.uid for event in events}
    logged = {case_id for case_id, _view, _purpose in events_since(mark, kari)}
    assert case.pk in logged and other_case.pk not in logged
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(days=31))
    assert f"meeting-{meeting.pk}@overgang" not in {event.uid for event in calendar_events(kari)}


# --- where a deadline is done ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        (DeadlineKind.NEEDS_CONVERSATION, "needs:map"),
        (DeadlineKind.EXECUTION_PLAN, "needs:map"),
        (DeadlineKind.PROPOSALS, "plans:plan"),
        (DeadlineKind.PLAN_REVISION, "plans:plan"),
        (DeadlineKind.INCOMING_ACTORS_JOIN, "cases:group"),
        (DeadlineKind.MUNICIPALITY_CONTACTED, "cases:group"),
        (DeadlineKind.NAV_TOLD_OF_RELEASE, "timetable:case"),
        (DeadlineKind.BENEFITS_READY, "timetable:case"),
    ],
)
def test_each_deadline_links_to_the_page_where_it_is_done(case, kind, page):
    assert link_for(kind, case) == reverse(page, kwargs={"code": case.code})
