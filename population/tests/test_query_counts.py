"""Query counts of every daily page, pinned at two data sizes (issue 6).

A page's number of queries must not grow with the data: a case with 5 needs and one with
50 (and many more meetings, members, journal rows and reads), a user with 3 cases and one
with 40. The counts include the session and user queries of the request; they are pinned
exactly, so an N+1 regression or a new query fails here and is a decision, not an accident.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country, Role, User
from bench.pages import DAILY_PAGES
from cases.models import Case, Membership
from journal.models import AccessEvent, AccessPurpose, JournalEntry
from meetings.models import Meeting, MeetingKind
from needs.models import Need, Resource
from population.generator import Generator, build
from reference.models import LifeArea

pytestmark = pytest.mark.django_db

#: (page, persona) -> queries per request, the same at both sizes. Since the CPU pass of issue 6
#: the session is not saved on every request (one UPDATE fewer) and the user's agency comes
#: with the user (one query fewer for staff; the person has no agency). Since the second pass
#: the case, the viewer's membership and the consent cover are read in one query (three fewer on
#: every case page), a consent's covered members come with their users and agencies, the consent
#: page finds the active consent in its history, and a viewer who sees every need does not ask
#: which needs are hidden. The meeting page builds its forms with choices only when asked for, and
#: so do the plan page (its proposal form), the group page (its add form) and the consent page
#: (the form for a new consent while one is active).
PINNED = {
    # sees every need: no query for the hidden ones' changes; one for carry-overs this case is asked for (issue 16);
    # one for emergency accesses by people outside the group, shown to the staff who run the case (issue 17, point 10)
    # +1: the applications whose answer is late (issue 18); +1 the newest achievements (issue 18, point 4);
    # +1 the person's own words this viewer reads (issue 18, point 3), whatever their number
    ("case_overview", "contact_officer"): 18,  # -1: no resources, which the staff's overview does not show
    # +1: the person's own words on the needs shown (issue 18, point 3); -1: the life areas read once for both forms
    ("needs_map", "contact_officer"): 10,  # -1: the words are read only if the person wrote on a need shown
    ("group", "contact_officer"): 7,  # the add form only when asked for
    ("consent", "contact_officer"): 6,  # the form for a new consent only when asked for
    ("case_overview", "nav_with_consent"): 11,  # +1 achievements, +1 own words; -1 resources, not shown to staff
    ("needs_map", "nav_with_consent"): 7,  # the words only if the person wrote on a need shown
    ("group", "nav_with_consent"): 5,
    # +1 the person's own words (achievements are on their own page); +2 whether a few questions wait
    # for the person (issue 22: surveys.selectors.due_moment reads the plan's first version and the
    # moments answered).
    ("case_overview", "person"): 14,  # -1: no needs conversations (the deadline for proposals is the staff's)
    ("needs_map", "person"): 8,  # the words only if the person wrote on a need shown
    ("group", "person"): 5,
    ("consent", "person"): 6,
    ("plan", "contact_officer"): 8,  # the proposal form only when asked for
    ("plan", "nav_with_consent"): 8,
    ("plan", "person"): 8,
    # the attendance and decision forms only when asked for; who reads each audience, shown to the writer (issue 16)
    # (issue 17, point 7) the agenda says each change as a sentence: the agencies, people, life areas,
    # tangles and conversations its changes refer to are named, one query per kind (+5), whatever their number
    # (issue 19) +1: the obstacles logged since the previous meeting, on the agenda, whatever their number
    # -1: the members on the meeting's day are read only for the attendance form, when asked for
    # -1: the members the consent covers, in one query with or without a consent (access.policy.covered_membership_ids)
    # -5: the reference data the changes name (tangles, knots, life areas, agencies) from what the worker keeps
    # (reference.names), the people and services with the measures' titles, the conversations with the needs:
    # as many whatever the agenda names (the page opened once before counting warms the worker)
    ("meeting", "contact_officer"): 15,
    ("meeting", "nav_with_consent"): 12,
    ("meeting", "person"): 12,
}
#: The forms with choice lists a page builds when asked for (``?form=``): with them the count
#: must not grow with the case either.
ON_DEMAND = {"plan": ["proposal"], "group": ["member"], "consent": ["consent"], "meeting": ["attendance", "decision"]}
# One more: the count of the paged list (issue 17, point 9); and one more: whether the quarter's
# survey waits for this member of staff (issue 22, surveys.selectors.staff_survey_due).
PINNED_MY_CASES = 5  # -1: no count when the first page holds the whole caseload (cases.selectors)
#: And the reminders that did not reach the lead's group by e-mail (issue 16, hole 12), and the
#: emergency accesses to the cases the user leads (issue 17, point 10). Two more: the referrals waiting
#: for an answer, to the user's agency and sent by the user (issue 21), one query each. One more:
#: the directory's entries the user keeps that nobody has checked for a year (issue 21, point 5).
#: One more: the person's meeting requests on the cases the user leads (issue 18, point 3).
#: One more: the follow-ups three months after release among the cases' facts (issue 22; 20 -> 21).
#: Two fewer: the prison's rule set read with the cases, and no reminder alerts asked where the user leads none.
#: One fewer: the rule sets and their rules in one query (timetable.selectors.RuleBook; 19 -> 18).
#: One fewer: the rule sets kept per worker (timetable.selectors.KEPT_RULE_SETS; 18 -> 17).
PINNED_WHAT_IS_DUE = 17
#: Overdue deadlines and risks are evaluated on request from the unit's case facts, one query per
#: kind of fact, instead of read from the rows compute_deadlines writes (issue 17, point 10). One more:
#: the referral lists of issue 21 on the coordinator's what is due (measured 15 -> 16 at both sizes).
#: One more: the directory's entries the user keeps that need checking (issue 21, point 5; 16 -> 17).
#: One more: the meeting requests on the cases the user leads, none for a coordinator (issue 18; 17 -> 18).
#: One more: the follow-ups three months after release among the unit's case facts (issue 22; 18 -> 19).
#: One fewer: the prison's rule set is read with the unit's cases (timetable.selectors.with_rule_sets; 19 -> 18).
#: One fewer: the rule sets and their rules in one query (timetable.selectors.RuleBook; 18 -> 17).
#: One fewer: the rule sets kept per worker (timetable.selectors.KEPT_RULE_SETS; 17 -> 16).
PINNED_UNIT = 16
PINNED_FLOOR = 2
#: Every staff request reads the device that passed the session's second factor (django-otp's
#: OTPMiddleware, issue 23): one query more than the pins above, for every staff page; the person
#: is not asked for a second factor and pays nothing.
SECOND_FACTOR_READ = 1


def second_factor_read(persona: str) -> int:
    return 0 if persona == "person" else SECOND_FACTOR_READ


def count_queries(client, url: str) -> int:
    """Count the queries of a GET, leaving out the savepoints of the test's own transaction.

    The page is opened once before counting: the first request of a session does one-off work
    (the session's start time, caches) that is not the page's.
    """
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return sum(
        1 for query in captured.captured_queries if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    )


def grow_case(case: Case, officer: User, *, needs: int, meetings: int, members: int, history: int) -> None:
    """Give the case at least this many needs, upcoming meetings, members, journal rows and reads."""
    areas = list(LifeArea.objects.order_by("pk"))
    missing = needs - Need.objects.filter(case=case).count()
    Need.objects.bulk_create(
        Need(
            case=case,
            tangle_id=areas[i % len(areas)].tangle_id,
            life_area=areas[i % len(areas)],
            summary=f"Need {i}",
            private=i % 7 == 0,
            shared_with_volunteers=i % 3 == 0,
            recorded_by=officer,
        )
        for i in range(max(0, missing))
    )
    Resource.objects.bulk_create(
        Resource(case=case, description=f"Strength {i}", recorded_by=officer) for i in range(needs // 5)
    )
    start = timezone.now() + datetime.timedelta(days=1)
    Meeting.objects.bulk_create(
        build(
            Meeting,
            case_id=case.pk,
            kind=MeetingKind.GROUP,
            starts_at=start + datetime.timedelta(days=7 * i),
            booked_by_id=officer.pk,
        )
        for i in range(meetings)
    )
    staff = User.objects.filter(role=Role.NAV, agency__isnull=False).exclude(memberships__case=case)[:members]
    Membership.objects.bulk_create(
        Membership(
            case=case,
            user=user,
            role=user.role,
            agency=user.agency,
            start_date=timezone.localdate(),
            accepted_at=timezone.now(),
            added_by=officer,
        )
        for user in staff
    )
    if needs > 5:
        from plans.models import Measure

        member = Membership.objects.filter(case=case, role=Role.NAV).select_related("user").first()
        some_needs = list(Need.objects.filter(case=case, private=False)[:3])
        for i in range(needs // 2):
            measure = Measure.objects.create(
                case=case,
                title=f"Measure {i}",
                responsible_agency=member.agency,
                responsible_user=member.user,
                start_date=timezone.localdate(),
                due_date=timezone.localdate() + datetime.timedelta(days=30),
                requires_of_person="Nothing.",
                status=["proposed", "chosen", "started", "done"][i % 4],
                proposed_by=member.user,
            )
            measure.needs.set(some_needs)
    JournalEntry.objects.bulk_create(
        JournalEntry(
            actor=officer,
            actor_role=officer.role,
            case=case,
            action="need.update",
            object_type="needs.need",
            object_id="1",
            old={},
            new={},
        )
        for _ in range(history)
    )
    AccessEvent.objects.bulk_create(
        AccessEvent(user=officer, role=officer.role, case=case, purpose=AccessPurpose.CASE_WORK, view="cases:overview")
        for _ in range(history)
    )


@pytest.fixture
def population(db):
    """A small generated population around the demo world, so the tables hold other cases' history."""
    Generator(cases=60, seed=11).run()


@pytest.mark.parametrize("persona", ["contact_officer", "nav_with_consent", "person"])
def test_case_pages_make_the_same_number_of_queries_with_5_and_with_50_needs(
    client, personas, case, population, persona
):
    officer = personas.contact_officer
    grow_case(case, officer, needs=5, meetings=1, members=0, history=0)
    user = getattr(personas, persona)
    client.force_login(user)
    pages = [page for (page, who) in PINNED if who == persona]
    assert pages
    meeting = Meeting.objects.filter(case=case).order_by("starts_at", "pk").first()
    target = {"meeting": f"{case.code}/{meeting.pk}"}
    urls = {page: DAILY_PAGES[page](target.get(page, case.code)) for page in pages}
    asked = {f"{page}?form={form}": f"{urls[page]}?form={form}" for page in pages for form in ON_DEMAND.get(page, [])}
    small = {page: count_queries(client, url) for page, url in urls.items()}
    small_asked = {page: count_queries(client, url) for page, url in asked.items()}
    grow_case(case, officer, needs=50, meetings=40, members=8, history=500)
    assert Need.objects.filter(case=case).count() >= 50
    large = {page: count_queries(client, url) for page, url in urls.items()}
    large_asked = {page: count_queries(client, url) for page, url in asked.items()}
    expected = {page: PINNED[(page, persona)] + second_factor_read(persona) for page in pages}
    assert small == large == expected, f"5 needs: {small}; 50 needs: {large}; pinned: {expected}"
    assert small_asked == large_asked, f"forms asked for, 5 needs: {small_asked}; 50 needs: {large_asked}"


def caseload_of(user: User, how_many: int) -> None:
    """Make the user a current member of exactly ``how_many`` generated cases."""
    current = Membership.objects.filter(user=user).count()
    cases = Case.objects.exclude(memberships__user=user).order_by("pk")[: how_many - current]
    Membership.objects.bulk_create(
        Membership(
            case=case,
            user=user,
            role=user.role,
            agency=user.agency,
            start_date=timezone.localdate(),
            accepted_at=timezone.now(),
            added_by=user,
        )
        for case in cases
    )
    assert Membership.objects.filter(user=user).count() == how_many


def test_my_cases_and_what_is_due_make_the_same_number_of_queries_with_3_and_with_40_cases(client, population):
    officer = User.objects.filter(role=Role.CONTACT_OFFICER, username__startswith="gen.").order_by("pk").first()
    Membership.objects.filter(user=officer).update(end_date=None)
    user = User.objects.create(username="caseload.probe", role=Role.NAV, agency=officer.agency)
    client.force_login(user)
    caseload_of(user, 3)
    small = {page: count_queries(client, DAILY_PAGES[page]("")) for page in ("my_cases", "what_is_due")}
    caseload_of(user, 40)
    response_cases = len(client.get(DAILY_PAGES["my_cases"]("")).context["cases"])
    large = {page: count_queries(client, DAILY_PAGES[page]("")) for page in ("my_cases", "what_is_due")}
    assert response_cases == 40
    assert (
        small
        == large
        == {
            "my_cases": PINNED_MY_CASES + SECOND_FACTOR_READ,
            "what_is_due": PINNED_WHAT_IS_DUE + SECOND_FACTOR_READ,
        }
    )


def test_the_unit_overview_makes_the_same_number_of_queries_for_a_small_and_a_large_unit(client, population):
    prison = User.objects.filter(role=Role.CONTACT_OFFICER, username__startswith="gen.").order_by("pk").first().agency
    coordinator = User.objects.get(role=Role.REENTRY_COORDINATOR, agency=prison)
    client.force_login(coordinator)
    small = count_queries(client, DAILY_PAGES["unit"](""))
    small_cases = client.get(DAILY_PAGES["unit"]("")).context["due"].stage_counts
    Case.objects.exclude(institution=prison).update(institution=prison)
    large = count_queries(client, DAILY_PAGES["unit"](""))
    large_cases = client.get(DAILY_PAGES["unit"]("")).context["due"].stage_counts
    assert sum(row["cases"] for row in large_cases) > sum(row["cases"] for row in small_cases)
    assert small == large == PINNED_UNIT + SECOND_FACTOR_READ


def test_the_floor_page_makes_the_fewest_queries(client, personas):
    client.force_login(personas.analyst)
    floor = count_queries(client, "/")
    assert floor == PINNED_FLOOR + SECOND_FACTOR_READ
    assert floor <= min([*PINNED.values(), PINNED_MY_CASES, PINNED_WHAT_IS_DUE, PINNED_UNIT])


#: Issue 22: the analyst's indicators against the baseline and report of benefits realisation (their first
#: scope, Norway), served from the stored measurements; the person's few questions. Measured on 2026-12-06,
#: the same with 40 more measurements, more release cohorts and a grown case.
PINNED_FIGURES = {
    # The session, the user, the device; the scopes offered (prisons, programmes: twice, once to check the
    # scope asked and once for the chooser); the baseline, the latest, the values of each, the listed
    # measurements; and the chooser's names, prisons and programmes in one query each
    # (insight.scope_names.choices), whatever their number: the large world adds prisons.
    ("indicators", "analyst"): 13,
    # The scopes offered and their names (one query each kind); the measurement of the period and the baseline
    # with their values, and the measurement's tables (the release cohorts, the obstacles by code: counted
    # nightly, not on request); the cost-benefit's assumptions; the catalogue: each read in a fixed number of
    # queries, whatever their number. 15 -> 13: the latest measurement read once for the default period and
    # the report; the catalogue's codes kept per worker (report.fill.KEPT_CHALLENGES), read on a worker's first.
    ("country_report", "analyst"): 13,
    # The session, the user, the case with the viewer's access, the access event, the moments answered and the
    # plan's first version (surveys.selectors.due_moment).
    ("my_questions", "person"): 6,
}


def more_measurements(analyst: User, how_many: int) -> None:
    """``how_many`` older done measurements of Norway, besides the demo's baseline and the latest."""
    from insight.models import Measurement, MeasurementState

    now = timezone.now()
    Measurement.objects.bulk_create(
        Measurement(
            scope_kind="country",
            scope_key="NO",
            period_start=datetime.date(2015, 1, 1) + datetime.timedelta(days=i),
            period_end=datetime.date(2016, 1, 1) + datetime.timedelta(days=i),
            state=MeasurementState.DONE,
            expected=0,
            started_at=now,
            taken_at=now,
            taken_by=analyst,
        )
        for i in range(how_many)
    )


def test_the_figures_pages_and_the_persons_questions_make_the_same_number_of_queries_small_and_large(
    client, personas, case, population
):
    from insight.registry import Period
    from insight.scopes import Scope
    from insight.services import measurement_take

    analyst, person = personas.analyst, personas.person
    today = timezone.localdate()
    # The latest measurement, compared with the demo's baseline of Norway.
    measurement_take(
        actor=analyst, scope=Scope("country", "NO"), period=Period(today - datetime.timedelta(days=365), today)
    )
    grow_case(case, personas.contact_officer, needs=5, meetings=1, members=0, history=0)

    def counts() -> dict[tuple[str, str], int]:
        counted = {}
        for (page, persona), _pinned in PINNED_FIGURES.items():
            client.force_login(analyst if persona == "analyst" else person)
            counted[(page, persona)] = count_queries(client, DAILY_PAGES[page](case.code))
        return counted

    small = counts()
    more_measurements(analyst, 40)
    # More release cohorts for the report's outcomes: the other cases released over the last three years.
    for i, pk in enumerate(
        Case.objects.exclude(pk=case.pk).filter(released_on__isnull=True).values_list("pk", flat=True)
    ):
        Case.objects.filter(pk=pk).update(released_on=today - datetime.timedelta(days=30 + 17 * i))
    grow_case(case, personas.contact_officer, needs=50, meetings=40, members=8, history=500)
    for number in range(4):  # more prisons in the choosers
        Agency.objects.create(
            name=f"Ekstra fengsel {number}", kind=AgencyKind.PRISON, country=Country.NORWAY, security_level="high"
        )
    large = counts()
    expected = {key: pinned + second_factor_read(key[1]) for key, pinned in PINNED_FIGURES.items()}
    assert small == large == expected, f"small: {small}; large: {large}; pinned: {expected}"
