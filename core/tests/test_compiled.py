"""A query compiled once gives what its queryset gives, for every value, in one query."""

import datetime

import pytest
from django.utils import timezone

from access.policy import MEMBER_ACCESS, PERSON_CASE, _member_access, _person_case
from core.audience import Audience
from core.compiled import CompiledQuery


def test_member_access_equals_its_queryset_for_every_user_case_and_day(db, django_assert_num_queries):
    from accounts.models import User
    from cases.models import Case

    today = timezone.localdate()
    days = [today, today + datetime.timedelta(days=1), today - datetime.timedelta(days=400)]
    found = 0
    for user in User.objects.all():
        for code in Case.objects.values_list("code", flat=True):
            for day in days:
                expected = list(_member_access(user.pk, code, day))
                with django_assert_num_queries(1):
                    got = MEMBER_ACCESS.all(user_id=user.pk, code=code, today=day)
                    # select_related objects came with the row: no further query.
                    shown = [(m.case.person.first_name, m.case.institution.name) for m in got]
                assert [m.pk for m in got] == [m.pk for m in expected]
                assert shown == [(m.case.person.first_name, m.case.institution.name) for m in expected]
                assert [(m.is_lead, m.consent_active, m.covered) for m in got] == [
                    (m.is_lead, m.consent_active, m.covered) for m in expected
                ]
                found += len(got)
    assert found > 20  # the demo world has memberships to find, not only empty answers


def test_person_case_equals_its_queryset(personas, case, other_case):
    for user in (personas.person, personas.contact_officer):
        for code in (case.code, other_case.code, "no-such-code"):
            expected = list(_person_case(user.pk, code))
            got = PERSON_CASE.all(user_id=user.pk, code=code)
            assert [(c.pk, c.consent_active, c.person.pk) for c in got] == [
                (c.pk, c.consent_active, c.person.pk) for c in expected
            ]
    assert PERSON_CASE.first(user_id=personas.person.pk, code=case.code) == case
    assert PERSON_CASE.first(user_id=personas.person.pk, code=other_case.code) is None


def test_a_value_the_lookup_transforms_is_refused(db):
    from cases.models import Case

    query = CompiledQuery(lambda code: Case.objects.filter(code__icontains=code), code=str)
    with pytest.raises(ValueError, match="transformed"):
        query.all(code="abc")


def test_a_number_the_build_computes_from_a_value_is_refused(db):
    from cases.models import Case

    query = CompiledQuery(lambda user_id: Case.objects.filter(pk__gt=user_id + 1), user_id=int)
    with pytest.raises(ValueError, match="transformed"):
        query.all(user_id=1)


def test_a_value_the_query_does_not_use_changes_nothing(db):
    from cases.models import Case

    query = CompiledQuery(lambda code, user_id: Case.objects.filter(code=code), code=str, user_id=int)
    case = Case.objects.first()
    assert query.all(code=case.code, user_id=1) == query.all(code=case.code, user_id=2) == [case]


def test_the_values_must_be_the_parameters(db):
    with pytest.raises(TypeError, match="Expected the values"):
        PERSON_CASE.all(user_id=1)


def test_a_day_read_inside_the_build_is_refused(db):
    """Compiled once, a day that is not a parameter would stay the same day forever."""
    from django.utils import timezone

    from cases.models import Membership, membership_is_current

    query = CompiledQuery(
        lambda user_id: Membership.objects.filter(membership_is_current(), user_id=user_id), user_id=int
    )
    with pytest.raises(ValueError, match="not a parameter"):
        query.all(user_id=1)
    today = CompiledQuery(
        lambda user_id, today: Membership.objects.filter(membership_is_current(today), user_id=user_id),
        user_id=int,
        today=datetime.date,
    )
    expected = list(Membership.objects.filter(membership_is_current(), user_id=1))
    assert today.all(user_id=1, today=timezone.localdate()) == expected


def test_the_compiled_group_and_consent_equal_their_querysets_for_every_case(db, django_assert_num_queries):
    from cases import selectors
    from cases.models import Case
    from consent.models import Consent

    with_consent = 0
    for case in Case.objects.all():
        expected = list(selectors.current_members(case))
        got = selectors.current_member_list(case)
        assert [(m.pk, m.is_lead, m.is_incoming, m.user.username, m.agency.name) for m in got] == [
            (m.pk, m.is_lead, m.is_incoming, m.user.username, m.agency.name) for m in expected
        ]
        expected_consent = Consent.objects.filter(case=case, withdrawn_at__isnull=True).first()
        with django_assert_num_queries(2 if expected_consent else 1):  # the consent, then whom it covers
            consent = selectors.active_consent(case)
            covered = [(m.pk, m.user.username, m.agency.name) for m in consent.covered] if consent else []
        assert consent == expected_consent
        if consent:
            with_consent += 1
            assert covered == [(m.pk, m.user.username, m.agency.name) for m in expected_consent.scope.order_by("pk")]
            assert consent.explained_by == expected_consent.explained_by
    assert with_consent >= 1


def test_a_number_no_column_holds_finds_nothing_as_the_queryset_does(client_for, personas, case):
    from meetings.selectors import MEETING

    assert MEETING.all(case_id=case.pk, meeting_id=2**63) == []
    assert MEETING.all(case_id=-(2**63) - 1, meeting_id=1) == []
    # From an address: the same 404 as for any meeting that does not exist.
    response = client_for(personas.contact_officer).get(f"/cases/{case.code}/meetings/{2**70}/")
    assert response.status_code == 404


def test_the_compiled_meeting_statements_equal_their_querysets_for_every_meeting(personas):
    from cases.models import Meeting
    from meetings import selectors
    from meetings.services import attendance_record

    meetings = list(Meeting.objects.all())
    for meeting in meetings:
        for membership in selectors.members_on(meeting)[:2]:
            attendance_record(actor=personas.contact_officer, meeting=meeting, membership=membership, present=True)
    assert len(meetings) >= 2
    attended = 0
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at).date()
        assert [(m.pk, m.is_lead, m.user.username) for m in selectors.members_on(meeting)] == [
            (m.pk, m.is_lead, m.user.username) for m in selectors._members_on(meeting.case_id, day, meeting.starts_at)
        ]
        got = selectors.attendance_for(meeting)
        assert [(a.pk, a.membership.user.username) for a in got] == [
            (a.pk, a.membership.user.username) for a in selectors._attendance(meeting.pk)
        ]
        attended += len(got)
        earlier = selectors._previous(meeting.case_id, meeting.kind, meeting.starts_at, meeting.pk).first()
        assert selectors.previous_meeting(meeting) == earlier
    assert attended >= 1


def test_the_compiled_caseload_equals_its_queryset_for_every_user(db):
    from accounts.models import User
    from cases.selectors import _caseload, caseload_for
    from release.selectors import sudden_flag_since

    today, now = timezone.localdate(), timezone.now()
    listed = 0
    for user in User.objects.all():
        got = caseload_for(user)
        expected = list(_caseload(user.role, user.pk, today, now, sudden_flag_since(today)))
        fields = ("pk", "lead_name", "my_role", "consent_active", "next_meeting", "sudden_release")
        assert [[getattr(c, f) for f in fields] + [c.person.first_name] for c in got] == [
            [getattr(c, f) for f in fields] + [c.person.first_name] for c in expected
        ], user.username
        listed += len(got)
        if user.username in {"admin", "anna.analyse"}:
            assert got == []  # they see no case (access.policy.case_visibility)
    assert listed > 10


def test_the_rule_book_and_the_open_cases_equal_their_querysets(db):
    from accounts.models import User
    from timetable.models import InstitutionRuleSet, RuleSet
    from timetable.selectors import OPEN_CASES, RuleBook, _open_cases

    book = RuleBook(case_ids=[])
    expected = {rs.pk: [rule.pk for rule in rs.rules.all()] for rs in RuleSet.objects.prefetch_related("rules")}
    assert {pk: [rule.id for rule in rules] for pk, rules in book.rules.items()} == expected
    assert set(book.rule_sets) == set(expected)
    assert sum(len(rules) for rules in book.rules.values()) > 5
    assert book.by_institution == dict(InstitutionRuleSet.objects.values_list("institution_id", "rule_set_id"))
    today = timezone.localdate()
    seen = 0
    for user in User.objects.all():
        got = OPEN_CASES[user.role].all(user_id=user.pk, today=today)
        wanted = list(_open_cases(user.role, user.pk, today))
        assert [(c.pk, c.override_rule_set, c.person.pk) for c in got] == [
            (c.pk, c.override_rule_set, c.person.pk) for c in wanted
        ]
        seen += len(got)
    assert seen > 10


def test_a_list_of_ids_widens_to_its_length_and_an_empty_one_asks_the_queryset(db, django_assert_num_queries):
    from cases.models import Case
    from timetable.selectors import FACT_MEMBERS

    today = timezone.localdate()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 3
    for chosen in (ids[:1], ids[:3], ids):
        expected = [tuple(row) for row in FACT_MEMBERS.build(case_ids=chosen, today=today)]
        with django_assert_num_queries(1):
            assert FACT_MEMBERS.rows(case_ids=chosen, today=today) == expected
    # An id no column can hold matches nothing and is left out, not sent.
    assert FACT_MEMBERS.rows(case_ids=[ids[0], 2**63], today=today) == FACT_MEMBERS.rows(case_ids=[ids[0]], today=today)
    assert FACT_MEMBERS.rows(case_ids=ids[:3], today=today)  # members found, not only empty answers
    with django_assert_num_queries(0):  # IN () matches nothing: Django sends no query, nor do we
        assert FACT_MEMBERS.rows(case_ids=[], today=today) == []


def test_the_visible_needs_equal_needs_for_case_for_every_user_and_case(db):
    from access.policy import access_by_code
    from accounts.models import User
    from cases.models import Case
    from needs.selectors import needs_for_case, visible_needs

    kinds, shown = set(), 0
    for user in User.objects.all():
        for case in Case.objects.all():
            access = access_by_code(user, case.code)
            if access is None:
                continue
            got = visible_needs(access)
            assert [(n.pk, n.tangle.code, n.life_area.name) for n in got] == [
                (n.pk, n.tangle.code, n.life_area.name) for n in needs_for_case(access)
            ], (user.username, case.code)
            kinds.add(access.needs_limits)
            shown += len(got)
    assert len(kinds) >= 3 and shown > 10  # viewers who see none, all, all but the private ones


def test_the_compiled_overview_and_meeting_reads_equal_their_querysets(personas, case):
    from access.policy import access_by_code
    from accounts.models import User
    from cases import selectors as case_selectors
    from cases.models import Meeting
    from meetings import selectors
    from meetings.services import decision_record
    from needs import selectors as need_selectors
    from plans.models import Measure

    meeting = Meeting.objects.filter(case=case).first()
    for measure in Measure.objects.filter(case=case, due_date__isnull=False)[:3]:
        later = measure.due_date + datetime.timedelta(days=7)
        decision_record(
            actor=personas.contact_officer,
            meeting=meeting,
            text="Utsatt.",
            measure=measure,
            due_date=later,
            audience=Audience.GROUP,
        )
    kinds = set()
    for user in User.objects.all():
        access = access_by_code(user, case.code)
        if access is None:
            continue
        kind = access.measures_kind
        kinds.add(kind)
        got = selectors.decisions_for(access, meeting)
        audiences = tuple(sorted(access.readable_audiences))
        expected = list(selectors._decisions((kind, audiences), meeting.pk, case.pk, user.pk))
        assert [(d.pk, d.measure_visible) for d in got] == [(d.pk, d.measure_visible) for d in expected]
        assert len(got) >= 2 or access.volunteer_only
        titles = selectors.MEASURE_TITLES[kind].rows(case_id=case.pk, viewer_id=user.pk)
        visible = Measure.objects.filter(case=case).filter(access.measures_filter).distinct().values_list("pk", "title")
        assert sorted(titles) == sorted(visible)
        assert need_selectors.resource_list(access) == list(need_selectors.resources_for_case(access))
        assert need_selectors.conversation_list(access) == list(need_selectors.conversations_for_case(access))
        assert case_selectors.latest_changes(access) == list(
            case_selectors.journal_for_case(access).order_by("-at", "-id")[:10]
        ) or not access.can(case_selectors.Ability.VIEW_JOURNAL)
    assert len(kinds) >= 3


def test_the_needs_forms_offer_the_same_choices_as_their_querysets_would(db):
    from needs.forms import NeedForm, ResourceForm
    from reference.models import Knot, LifeArea

    first = Knot.objects.order_by("code").first()
    form = NeedForm(initial={"knot": first.pk})
    by_queryset = NeedForm(initial={"knot": first.pk})
    knot = by_queryset.fields["knot"]
    del knot._choices  # back to the queryset's own choices
    knot.queryset = Knot.objects.order_by("code")
    knot.label_from_instance = lambda each: f"{each.code} {each.name}"
    assert str(form["knot"]) == str(by_queryset["knot"]) and " selected>" in str(form["knot"])
    areas = [pk for _group, options in ResourceForm().fields["life_area"].choices[1:] for pk, _name in options]
    assert areas == list(
        LifeArea.objects.filter(active=True).order_by("tangle__code", "position").values_list("pk", flat=True)
    )


def test_the_compiled_insert_writes_what_bulk_create_writes(personas, case, other_case, django_assert_num_queries):
    from journal.models import AccessEvent, AccessPurpose
    from journal.services import record_access

    viewer = personas.contact_officer
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_assert_num_queries(1):  # three cases, one of them twice: one round trip
        record_access(
            viewer=viewer, case_ids=[case.pk, other_case.pk, case.pk], purpose=AccessPurpose.CASELOAD, view="x" * 90
        )
    written = list(AccessEvent.objects.filter(id__gt=before).order_by("id"))
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=viewer,
            role=viewer.role,
            agency_id=viewer.agency_id,
            case_id=case_id,
            purpose="caseload",
            view="x" * 80,
        )
        for case_id in (case.pk, other_case.pk)
    )
    expected = list(AccessEvent.objects.filter(id__gt=written[-1].pk).order_by("id"))
    fields = ["user_id", "role", "agency_id", "case_id", "purpose", "view"]
    assert [[getattr(event, name) for name in fields] for event in written] == [
        [getattr(event, name) for name in fields] for event in expected
    ]
    assert written[0].at == written[1].at
    assert abs(written[0].at - timezone.now()) < datetime.timedelta(minutes=1)


def test_the_compiled_insert_refuses_a_row_of_the_wrong_length(db):
    from core.compiled import CompiledInsert
    from journal.models import AccessEvent

    insert = CompiledInsert(AccessEvent, ("at", "role"))
    with pytest.raises(ValueError):
        insert.run([(timezone.now(), "x", "extra")])
    insert.run([])  # nothing to write, nothing sent


def test_the_needs_conversation_day_equals_its_queryset_for_every_case(db):
    from cases.models import Case
    from needs.models import NeedsConversation
    from plans.selectors import needs_conversation_date

    seen = set()
    for case in Case.objects.all():
        first = NeedsConversation.objects.filter(case=case, part=1, completed=True).order_by("held_on", "id").first()
        assert needs_conversation_date(case) == (first.held_on if first else None)
        seen.add(first is None)
    assert seen == {True, False}  # cases with and without a conversation held


def test_the_release_questions_equal_their_querysets_for_every_case_and_user(db):
    from accounts.models import User
    from cases.models import Case
    from release.models import ReadinessItem, ReadinessState
    from release.selectors import LATEST_RELEASE, URGENT_CANDIDATE, release_transitions

    releases = set()
    for case in Case.objects.all():
        latest = release_transitions(case.pk).values_list("pk", flat=True).first()
        assert LATEST_RELEASE.rows(case_id=case.pk) == ([(latest,)] if latest else [])
        releases.add(latest is None)
    assert releases == {True, False}
    for user in User.objects.all():
        expected = ReadinessItem.objects.filter(
            state=ReadinessState.MISSING, urgent_since__isnull=False, owner__user_id=user.pk
        ).exists()
        assert bool(URGENT_CANDIDATE.rows(user_id=user.pk)) == expected


def test_the_consent_history_equals_its_queryset_for_every_case(personas, case, django_assert_num_queries):
    from django.db.models import Prefetch
    from django.utils import timezone

    from cases import selectors
    from cases.models import Case, Membership
    from consent.models import Consent
    from consent.services import consent_give

    # A second consent replaces the first: a history of two, some members covered by both.
    members = list(selectors.current_members(case).exclude(pk=case.lead_id))
    consent_give(
        actor=personas.contact_officer,
        case=case,
        given_on=timezone.localdate(),
        explained_by=personas.contact_officer,
        scope=members,
    )
    most = 0
    for case in Case.objects.all():
        expected = list(
            Consent.objects.filter(case=case)
            .select_related("explained_by", "withdrawn_by", "recorded_by")
            .prefetch_related(
                Prefetch("scope", queryset=Membership.objects.select_related("user", "agency").order_by("pk"))
            )
            .order_by("-recorded_at", "-id")
        )
        with django_assert_num_queries(2 if expected else 1):
            history = selectors.consent_history(case)
            got = [
                (c.pk, c.explained_by, c.withdrawn_by, [(m.pk, m.user.username, m.agency.name) for m in c.covered])
                for c in history
            ]
        assert got == [
            (c.pk, c.explained_by, c.withdrawn_by, [(m.pk, m.user.username, m.agency.name) for m in c.scope.all()])
            for c in expected
        ]
        most = max(most, len(history))
    assert most >= 2  # a case whose history has more than one consent


def test_the_agenda_equals_the_journal_filtered_in_sql_for_every_meeting_and_viewer(db):
    from django.db.models import Q

    from access.policy import access_for, cases_visible_to
    from accounts.models import User
    from cases.models import Meeting
    from journal.models import JournalEntry
    from meetings.selectors import agenda, previous_meeting
    from needs.selectors import visible_needs
    from plans.selectors import measure_list

    def expected_agenda(access, meeting, previous):
        need_ids = [str(need.pk) for need in visible_needs(access)]
        measure_ids = [str(measure.pk) for measure in measure_list(access, visible_needs(access))]
        entries = JournalEntry.objects.filter(case=access.case, at__lte=meeting.starts_at).filter(
            Q(object_type="needs.need", object_id__in=need_ids)
            | Q(object_type="plans.measure", object_id__in=measure_ids)
        )
        if previous is not None:
            entries = entries.filter(at__gt=previous.starts_at)
        return [entry.pk for entry in entries.order_by("at", "id")]

    shown = 0
    for user in User.objects.all():
        visible = set(cases_visible_to(user).values_list("pk", flat=True))
        for meeting in Meeting.objects.filter(case_id__in=visible).select_related("case__person"):
            access = access_for(user, meeting.case)
            previous = previous_meeting(meeting)
            got = [item.entry.pk for item in agenda(access, meeting, previous)]
            assert got == expected_agenda(access, meeting, previous), (user.username, meeting.pk)
            shown += len(got)
    assert shown > 0
