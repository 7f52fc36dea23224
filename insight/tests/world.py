"""A small world built by hand where every indicator's value is known (issue 22, "Measured").

One prison in Stavanger (region South-West, where the demo world has no prison), five cases,
the period the first half of 2026. Rows are written straight to the tables so that every date
is the one the test says; the services' own rules are tested where they live.

    case  intake      conversation   deadline (due, met)      consent                 open in period
    A     2026-01-10  2026-01-15     01-17, met 01-15 (ok)    given 01-20             yes
    B     2026-02-01  2026-02-21     02-08, met 02-21 (late)  given 02-05, withdrawn  yes
    C     2026-03-01  none           03-08, not met (late)    none                    yes
    D     2025-11-01  2025-11-03     2025-11-08 (outside)     given 2025-11-02        yes
    E     2026-07-05  none           none                     none                    no

Expected (``EXPECTED``) is worked out by hand in the comments next to each figure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
from accounts.regions import region_for
from applications.models import Application, ApplicationKind
from cases.models import Case, LegalStatus, Membership, Person
from consent.models import Consent
from handover.models import Transition, TransitionKind, TransitionState
from insight.registry import Count, Median, Period
from insight.scopes import Scope
from needs.models import Need, NeedsConversation
from notices.models import Notice, NoticeKind
from obstacles.models import Obstacle, ObstacleStage, Source
from plans.models import Measure, MeasureStatus
from programmes.models import Enrolment, EnrolmentState, Programme
from reference.models import LifeArea
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from timetable.models import Deadline, DeadlineKind, DeadlineState, NoticeRecipient, ReleaseNotice, Rule

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


EXPECTED = {
    "conversation_on_time": Count(1, 3),  # A on time; B late; C not held; D's deadline is before the period
    "days_to_conversation": Median(12.5, 2),  # A 5 days, B 20 days; C none; D taken in before the period
    "cases_with_consent": Count(1, 3),  # A, B, C taken in; B withdrew, C has none
    "needs_with_measure": Count(1, 3),  # A's first (chosen), A's second (only rejected), B's (none); D's is earlier
    "measures_on_time": Count(1, 3),  # M1 done early; M3 started, not done; M4 done late; M2 rejected; M5 due later
    "proposals_per_member": Count(5, 4),  # M1-M5 proposed; A 2 members, B 1, C 1 (not D's ended, E's later, unaccepted)
    "release_ready": Count(1, 2),  # A's release all in place; B's parole with the housing done after the day
    "nav_notice_days": Median(15, 2),  # A: delivered notice 30 days before (staff told 20); B: told after, 0
    "handover_overlap": Count(2, 3),  # A's release, C's transfer with overlap; B's parole with a gap
    "obstacles_per_case": Count(3, 4),  # obstacles of A, B, C in the period; D's earlier; cases A-D open
    "obstacles_per_case_nav": Count(2, 4),
    "obstacles_per_case_municipality": Count(1, 4),
    "obstacles_per_case_prison": Count(0, 4),
    "obstacles_per_case_probation": Count(0, 4),
    "obstacles_per_case_health": Count(0, 4),
    "obstacles_per_case_school": Count(0, 4),
    "obstacles_per_case_ngo": Count(0, 4),
    "programme_places_used": Count(2, 10),  # A and B took places; 20 a year for 181 days rounds to 10
}


@dataclass
class World:
    prison: Agency
    scope: Scope
    cases: dict[str, Case]
    programme: Programme


def build_world() -> World:
    prison = Agency.objects.create(
        name="Stavanger fengsel (test)",
        kind=AgencyKind.PRISON,
        country=Country.NORWAY,
        municipality="Stavanger",
        security_level=SecurityLevel.HIGH,
        region=region_for(Country.NORWAY, "Stavanger"),
    )
    nav = Agency.objects.create(name="NAV Stavanger (test)", kind=AgencyKind.NAV, country=Country.NORWAY)
    officer = User.objects.create(username="insight.officer", role=Role.CONTACT_OFFICER, agency=prison)
    adviser = User.objects.create(username="insight.nav", role=Role.NAV, agency=nav)
    area = LifeArea.objects.order_by("pk").first()
    assert area is not None
    rule = Rule.objects.filter(kind=DeadlineKind.NEEDS_CONVERSATION).order_by("pk").first()
    assert rule is not None

    def case(name: str, intake: datetime.date) -> Case:
        person = Person.objects.create(first_name=name, last_name="Test", birth_date=D(1990, 1, 1))
        return Case.objects.create(
            person=person,
            institution=prison,
            security_level=SecurityLevel.HIGH,
            country=Country.NORWAY,
            legal_status=LegalStatus.SENTENCED,
            intake_date=intake,
            home_municipality="Stavanger",
            created_by=officer,
        )

    cases = {
        "A": case("A", D(2026, 1, 10)),
        "B": case("B", D(2026, 2, 1)),
        "C": case("C", D(2026, 3, 1)),
        "D": case("D", D(2025, 11, 1)),
        "E": case("E", D(2026, 7, 5)),
    }
    a, b, c, d, e = (cases[key] for key in "ABCDE")

    def member(case: Case, user: User, start: datetime.date, end: datetime.date | None = None, accepted: bool = True):
        return Membership.objects.create(
            case=case,
            user=user,
            role=user.role,
            agency=user.agency or prison,
            start_date=start,
            end_date=end,
            accepted_at=at(start) if accepted else None,
            added_by=officer,
        )

    member(a, officer, D(2026, 1, 10))
    member(a, adviser, D(2026, 2, 1))
    member(b, officer, D(2026, 2, 1))
    member(c, officer, D(2026, 3, 1))
    member(c, adviser, D(2026, 3, 5), accepted=False)
    member(d, officer, D(2025, 11, 1), end=D(2025, 12, 31))
    member(e, officer, D(2026, 7, 5))
    # Every case has a lead (PostgreSQL checks it when a test's transaction ends): the officer's
    # open membership; D's officer left, and its lead since is a member who joined after the period.
    d_lead = member(d, officer, D(2026, 12, 1))
    for led, membership in ((a, a.memberships.get(user=officer)), (b, None), (c, None), (d, d_lead), (e, None)):
        lead = membership or led.memberships.get(user=officer)
        Case.objects.filter(pk=led.pk).update(lead=lead)

    # Needs conversations and their deadlines.
    conversations = {}
    for key, held in (("A", D(2026, 1, 15)), ("B", D(2026, 2, 21)), ("D", D(2025, 11, 3))):
        conversations[key] = NeedsConversation.objects.create(
            case=cases[key], part=1, held_on=held, completed=True, recorded_by=officer
        )
    NeedsConversation.objects.create(case=a, part=2, held_on=D(2026, 1, 11), recorded_by=officer)  # part 2 not counted
    for key, due, met in (
        ("A", D(2026, 1, 17), D(2026, 1, 15)),
        ("B", D(2026, 2, 8), D(2026, 2, 21)),
        ("C", D(2026, 3, 8), None),
        ("D", D(2025, 11, 8), D(2025, 11, 3)),
    ):
        Deadline.objects.create(
            case=cases[key],
            code=rule.code,
            rule=rule,
            kind=DeadlineKind.NEEDS_CONVERSATION,
            owner_role=Role.CONTACT_OFFICER,
            due_date=due,
            state=DeadlineState.MET if met else DeadlineState.OVERDUE,
            met_on=met,
            computed_at=at(D(2026, 7, 1)),
        )

    # Consent.
    Consent.objects.create(case=a, given_on=D(2026, 1, 20), explained_by=officer, recorded_by=officer)
    Consent.objects.create(
        case=b, given_on=D(2026, 2, 5), explained_by=officer, recorded_by=officer, withdrawn_at=at(D(2026, 3, 1))
    )
    Consent.objects.create(case=d, given_on=D(2025, 11, 2), explained_by=officer, recorded_by=officer)

    # Needs and measures.
    def need(case: Case, recorded: datetime.date) -> Need:
        made = Need.objects.create(case=case, tangle=area.tangle, life_area=area, summary="x", recorded_by=officer)
        Need.objects.filter(pk=made.pk).update(recorded_at=at(recorded))
        return made

    n1, n2, n3, n4 = need(a, D(2026, 1, 15)), need(a, D(2026, 1, 15)), need(b, D(2026, 2, 21)), need(d, D(2025, 11, 3))

    def measure(case, needs, status, due, proposed, done_on=None, reason=""):
        made = Measure.objects.create(
            case=case,
            title="m",
            responsible_agency=prison,
            responsible_user=officer,
            start_date=min(due, proposed),
            due_date=due,
            requires_of_person="x",
            status=status,
            status_reason=reason,
            done_on=done_on,
            proposed_by=officer,
        )
        made.needs.set(needs)
        Measure.objects.filter(pk=made.pk).update(proposed_at=at(proposed))
        return made

    measure(a, [n1], MeasureStatus.DONE, D(2026, 3, 1), D(2026, 1, 16), done_on=D(2026, 2, 20))  # M1
    measure(a, [n2], MeasureStatus.REJECTED, D(2026, 3, 1), D(2026, 1, 16), reason="no")  # M2
    measure(b, [], MeasureStatus.STARTED, D(2026, 4, 1), D(2026, 2, 22))  # M3
    measure(b, [], MeasureStatus.DONE, D(2026, 4, 15), D(2026, 2, 22), done_on=D(2026, 4, 20))  # M4
    measure(c, [], MeasureStatus.CHOSEN, D(2026, 8, 1), D(2026, 5, 1))  # M5
    measure(d, [n4], MeasureStatus.CHOSEN, D(2025, 12, 1), D(2025, 11, 4))  # before the period
    del n3

    # Transitions, the release checklist, NAV's notice.
    def move(case, kind, done, gap):
        return Transition.objects.create(
            case=case,
            kind=kind,
            state=TransitionState.COMPLETED,
            planned_date=done,
            completed_on=done,
            from_agency=prison,
            handover_gap=gap,
            created_by=officer,
        )

    t1 = move(a, TransitionKind.RELEASE, D(2026, 5, 10), gap=False)
    t2 = move(b, TransitionKind.PAROLE, D(2026, 6, 1), gap=True)
    move(c, TransitionKind.TRANSFER_PRISON, D(2026, 4, 1), gap=False)
    move(d, TransitionKind.RELEASE, D(2025, 12, 15), gap=True)

    def item(transition, key, state, done_on=None):
        ReadinessItem.objects.create(transition=transition, key=key, state=state, done_on=done_on, updated_by=officer)

    item(t1, ReadinessKey.HOUSING, ReadinessState.DONE, D(2026, 5, 1))
    item(t1, ReadinessKey.INCOME, ReadinessState.DONE, D(2026, 5, 10))
    item(t1, ReadinessKey.MUNICIPAL_CONTACT, ReadinessState.NOT_NEEDED)
    item(t1, ReadinessKey.BANK, ReadinessState.MISSING)  # not one of the three
    item(t2, ReadinessKey.HOUSING, ReadinessState.DONE, D(2026, 6, 5))
    item(t2, ReadinessKey.INCOME, ReadinessState.DONE, D(2026, 5, 1))
    item(t2, ReadinessKey.MUNICIPAL_CONTACT, ReadinessState.DONE, D(2026, 5, 1))

    ReleaseNotice.objects.create(
        case=a, recipient=NoticeRecipient.NAV, release_date=D(2026, 5, 10), told_on=D(2026, 4, 20), recorded_by=officer
    )
    ReleaseNotice.objects.create(
        case=a,
        recipient=NoticeRecipient.MUNICIPALITY,
        release_date=D(2026, 5, 10),
        told_on=D(2026, 1, 1),
        recorded_by=officer,
    )
    Notice.objects.create(
        case=a,
        agency=nav,
        kind=NoticeKind.DATE_SET,
        release_date=D(2026, 5, 10),
        created_at=at(D(2026, 4, 10)),
        next_attempt_at=at(D(2026, 4, 10)),
        delivered_at=at(D(2026, 4, 10)),
    )
    ReleaseNotice.objects.create(
        case=b, recipient=NoticeRecipient.NAV, release_date=D(2026, 6, 1), told_on=D(2026, 6, 3), recorded_by=officer
    )

    # Obstacles.
    def obstacle(case, day, failed):
        Obstacle.objects.create(
            case=case,
            source=Source.GROUP,
            logged_by=officer,
            logged_at=at(day),
            what_happened="x",
            happened_on=day,
            stage=ObstacleStage.DURING_SENTENCE,
            failed_agency=failed,
        )

    obstacle(a, D(2026, 2, 1), AgencyKind.NAV)
    obstacle(b, D(2026, 3, 1), AgencyKind.NAV)
    obstacle(c, D(2026, 4, 1), AgencyKind.MUNICIPALITY)
    obstacle(d, D(2025, 10, 1), AgencyKind.NAV)

    # Programme places.
    programme = Programme.objects.create(
        slug="insight-test", name="Test programme", country=Country.NORWAY, owner="x", annual_places=20
    )

    def enrol(case, state, place_from):
        application = Application.objects.create(
            case=case, kind=ApplicationKind.PROGRAMME, applied_on=D(2026, 1, 1), recorded_by=officer
        )
        Enrolment.objects.create(
            programme=programme,
            case=case,
            application=application,
            state=state,
            place_from=place_from,
            closed_on=D(2026, 6, 30) if state == EnrolmentState.COMPLETED else None,
        )

    enrol(a, EnrolmentState.COMPLETED, D(2026, 2, 1))
    enrol(b, EnrolmentState.COMPLETED, D(2026, 3, 1))
    enrol(c, EnrolmentState.APPLIED, None)
    return World(prison, Scope("prison", str(prison.pk)), cases, programme)
