"""Reads for the timetable: case facts in bulk, what is due, a case's timetable, feeds.

Every function fetches a bounded number of rows sets whatever the number of cases (one
query per kind of fact, never one per case) and scopes cases through the access module.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.policy import CaseAccess, case_facts_visible, cases_visible_to, sees_unit, unit_cases_for
from accounts.models import Role, User
from cases.models import Case, Membership, Stage, membership_is_current, stage_now
from cases.selectors import case_search_condition
from core.kept import Kept
from core.paging import page_of
from handover.models import Transition, TransitionKind, TransitionState
from handover.rules import attended_hold_meeting
from journal.models import AccessPurpose
from journal.services import record_access
from meetings.models import Meeting
from needs.models import Need, NeedsConversation, NeedStatus
from notices.selectors import cases_with_undelivered_notice
from outcomes.models import FollowUp
from plans.models import Measure, PlanVersion
from timetable import engine
from timetable.forms import CaseRuleSetForm, ReleaseNoticeForm
from timetable.models import (
    OPEN_STATES,
    CalendarFeed,
    CaseRuleSet,
    DeadlineKind,
    InstitutionRuleSet,
    ReleaseNotice,
    Reminder,
    RuleSet,
)

if TYPE_CHECKING:  # timetable.forms is imported where the forms are built
    from timetable.forms import CaseRuleSetForm, ReleaseNoticeForm

SETTLED_NEED_STATUSES = {NeedStatus.MET, NeedStatus.NOT_RELEVANT}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# Rule sets


#: The rule set's columns, and the rule's in the order of ``engine.RuleData``'s fields.
RULE_SET_FIELDS = ("id", "code", "version", "name", "country", "source", "valid_from", "is_country_default")
RULE_FIELDS = tuple(field.name for field in dataclasses.fields(engine.RuleData))


@dataclass(frozen=True)
class RuleSets:
    """Every rule set by id, its rules in order, and each country's default set."""

    rule_sets: dict[int, RuleSet]
    rules: dict[int, tuple[engine.RuleData, ...]]
    defaults: dict[str, int]


def read_rule_sets() -> RuleSets:
    """The rule sets and their rules in one query, a row per rule and one for a set with none."""
    rule_sets: dict[int, RuleSet] = {}
    rules: dict[int, list[engine.RuleData]] = {}
    rows = RuleSet.objects.values_list(*RULE_SET_FIELDS, *(f"rules__{name}" for name in RULE_FIELDS))
    # In the sets' order (RuleSet.Meta.ordering), then each set's (Rule.Meta.ordering).
    for row in rows.order_by("country", "code", "-version", "rules__position", "rules__id"):
        pk = row[0]
        if pk not in rule_sets:
            rule_sets[pk] = RuleSet.from_db(rows.db, RULE_SET_FIELDS, row[: len(RULE_SET_FIELDS)])
            rules[pk] = []
        if row[len(RULE_SET_FIELDS)] is not None:  # a set with no rule has one row, with no rule
            rules[pk].append(engine.RuleData(*row[len(RULE_SET_FIELDS) :]))
    defaults: dict[str, int] = {}
    for rs in sorted(rule_sets.values(), key=lambda r: (r.country, r.is_country_default, r.version)):
        if rs.is_country_default:
            defaults[rs.country] = rs.pk
    return RuleSets(rule_sets, {pk: tuple(listed) for pk, listed in rules.items()}, defaults)


#: The rule sets as this worker keeps them (``core.kept``; issue 15, point 3: rule books may be kept per
#: process). They are reference data, written by migrations and edited in the admin: the worker that saves
#: or deletes a set or a rule forgets them at once (``timetable.apps``), every other worker within the
#: minute. Who follows which set (a prison's choice, a case's override) is read on each request, never kept.
#: Every page of deadlines built them with a query (0.41 ms of CPU).
KEPT_RULE_SETS = Kept(read_rule_sets)


class RuleBook:
    """The rule sets in force and who follows which; the sets kept per worker, who follows which read each time."""

    def __init__(
        self,
        case_ids: Sequence[int] | None = None,
        overrides: dict[int, int] | None = None,
        institutions: dict[int, int] | None = None,
    ) -> None:
        """``overrides`` (case to rule set) and ``institutions`` (prison to rule set) when read with the cases."""
        kept = KEPT_RULE_SETS()
        self.rule_sets = kept.rule_sets
        self.rules = kept.rules
        self.defaults = kept.defaults
        if institutions is None:
            institutions = dict(InstitutionRuleSet.objects.values_list("institution_id", "rule_set_id"))
        self.by_institution = institutions
        if overrides is None:
            overrides = dict(
                CaseRuleSet.objects.filter(case_id__in=case_ids or []).values_list("case_id", "rule_set_id")
            )
        self.by_case = overrides

    @classmethod
    def of(cls, cases: Sequence[Any]) -> RuleBook:
        """The rule book of cases read ``with_rule_sets`` (or their rows): who follows which is read with them."""
        return cls(
            overrides={case.pk: case.override_rule_set for case in cases if case.override_rule_set},
            institutions={case.institution_id: case.prison_rule_set for case in cases if case.prison_rule_set},
        )

    def rule_set_for(self, case: Case) -> RuleSet | None:
        pk = (
            self.by_case.get(case.pk) or self.by_institution.get(case.institution_id) or self.defaults.get(case.country)
        )
        return self.rule_sets.get(pk) if pk is not None else None

    def rules_for(self, case: Case) -> Sequence[engine.RuleData]:
        rule_set = self.rule_set_for(case)
        return self.rules[rule_set.pk] if rule_set else ()


def with_rule_sets(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases, each with the rule set it follows by its own choice and by its prison's, if any (``RuleBook.of``)."""
    return cases.annotate(
        override_rule_set=Subquery(CaseRuleSet.objects.filter(case=OuterRef("pk")).values("rule_set")[:1]),
        prison_rule_set=Subquery(
            InstitutionRuleSet.objects.filter(institution=OuterRef("institution")).values("rule_set")[:1]
        ),
    )


# ---------------------------------------------------------------------------------------
# Case facts in bulk

#: The case's columns the engine's road reads (``engine.road`` of the case's facts).
ROAD_FIELDS = (
    "country",
    "legal_status",
    "intake_date",
    "sentence_start",
    "sentence_days",
    "sentence_years",
    "sentence_months",
    "sentence_term_days",
    "remand_days",
    "isolation_days",
    "expected_release",
)
#: The case's columns that ``facts_for_cases`` and ``RuleBook.rule_set_for`` read, by the names
#: they read: a list of many cases loads these only (``only``, or ``values_list`` with ``named``).
FACTS_FIELDS = (*ROAD_FIELDS, "institution_id", "lead_id", "released_on")


def facts_for_cases(
    cases: Sequence[Case], reads: Mapping[int, Collection[str]] | None = None
) -> dict[int, engine.CaseFacts]:
    """Return the timetable facts of many cases with one query per kind of fact.

    With ``reads`` (case to the kinds of fact read, ``engine.counts_read``), the members, notices,
    needs, plan versions and follow-ups are read only for the cases that read them; the others'
    facts leave them out, so they serve only the counts. A prison's
    counts read the members and notices of 65 of its 376 cases, the needs of 2, the follow-ups of 23.

    The cases, or rows of their ``FACTS_FIELDS`` by the same names. The queries filter by the
    ids of the cases given, already read: repeating the condition that chose them as a subquery
    in each query cost more CPU to build than the ids to send, and for a prison's 376 cases it
    cost PostgreSQL 14 ms more than it saved Python (7.6 ms).
    """
    if not cases:
        return {}
    case_ids = [case.pk for case in cases]
    today = timezone.localdate()

    def reading(kind: str) -> list[int]:
        if reads is None:
            return case_ids
        # At least one case, read for nothing, where none reads the kind: the page makes the same
        # queries whatever its cases (population/tests/test_query_counts.py pins them at two sizes).
        return [pk for pk in case_ids if kind in reads[pk]] or case_ids[:1]

    # The ids are matched as the case's own id (``case__id__in``), not as the foreign key
    # (``case_id__in``): the same SQL, but Django prepares each id once, not as a related value
    # too: 0.25 ms less CPU for every 376 ids, and a prison's counts send some 900.
    member_ids, notice_ids, need_ids = reading(engine.MEMBERS), reading(engine.NOTICES), reading(engine.NEEDS)
    version_ids, follow_up_ids = reading(engine.PLAN_VERSIONS), reading(engine.FOLLOW_UPS)

    # Each kind of fact is reduced to what the engine reads as its rows come, not kept per case
    # to be filtered again (for a prison's 376 cases: 17.9 -> 16.0 ms of CPU).
    done_on: dict[int, datetime.date] = {}  # the first part 1 of the needs conversation held
    reviewed_on: dict[int, datetime.date] = {}  # the latest needs conversation held, then plan version
    held = NeedsConversation.objects.filter(case__id__in=case_ids, completed=True).order_by()
    for case_id, part, held_on in held.values_list("case_id", "part", "held_on"):
        if part == 1:
            done_on[case_id] = min(held_on, done_on.get(case_id, held_on))
        reviewed_on[case_id] = max(held_on, reviewed_on.get(case_id, held_on))
    members: dict[int, list[engine.Member]] = defaultdict(list)
    # Whether a member leads is read from the cases given (their lead), not joined in the
    # database: the join made PostgreSQL scan every case to hash them (15 ms at 50,000 cases).
    lead_of = {case.pk: case.lead_id for case in cases}
    current = (
        Membership.objects.filter(membership_is_current(today), case__id__in=member_ids)
        .values_list("case_id", "id", "user_id", "role", "start_date", "agency_id")
        .order_by("case_id", "start_date", "id")
    )
    for case_id, membership_id, user_id, role, start_date, agency_id in current:
        is_lead = membership_id == lead_of[case_id]
        member = engine.Member(user_id, role, is_lead, start_date, agency_id)
        if is_lead:  # the lead first; the rest by start, then id
            members[case_id].insert(0, member)
        else:
            members[case_id].append(member)
    notices: dict[int, list[engine.Notice]] = defaultdict(list)
    told = ReleaseNotice.objects.filter(case__id__in=notice_ids).order_by()  # the engine asks for the earliest
    for case_id, recipient, release_date, told_on in told.values_list(
        "case_id", "recipient", "release_date", "told_on"
    ):
        notices[case_id].append(engine.Notice(recipient, release_date, told_on))
    # The stored moments are read as days in the current zone (TruncDate), as the facts use them:
    # a day loads for less CPU than a moment in a zone, and a prison's 993 measures are 360 days
    # (measured for 376 cases: 3.7 -> 1.4 ms for the proposals, 2.2 -> 1.4 ms for the plans).
    # The needs in no order: the engine asks whether any is open (their order joined two tables).
    housing_open: set[int] = set()
    income_open: set[int] = set()
    income_settled_on: dict[int, datetime.date] = {}  # the latest change of an income need, all settled
    housing_and_income = Need.objects.filter(case__id__in=need_ids, life_area__slug__in=["housing", "income"])
    for case_id, slug, status, updated_on in housing_and_income.values_list(
        "case_id", "life_area__slug", "status", TruncDate("updated_at")
    ).order_by():
        if slug == "housing":
            if status not in SETTLED_NEED_STATUSES:
                housing_open.add(case_id)
        elif status not in SETTLED_NEED_STATUSES:  # an income need open: income is not settled
            income_open.add(case_id)
        else:
            income_settled_on[case_id] = max(updated_on, income_settled_on.get(case_id, updated_on))

    first_proposal: dict[int, datetime.date] = {}
    if done_on:  # only a proposal on or after the needs conversation counts: none to read without one
        proposed = Measure.objects.filter(case__id__in=list(done_on)).values_list("case_id", TruncDate("proposed_at"))
        for case_id, proposed_on in proposed.order_by().distinct():
            if proposed_on >= done_on[case_id]:
                first_proposal[case_id] = min(proposed_on, first_proposal.get(case_id, proposed_on))
    latest_versions = (
        PlanVersion.objects.filter(case__id__in=version_ids)
        .values_list("case_id")
        .annotate(latest=Max(TruncDate("created_at")))
        .order_by()
    )
    for case_id, latest in latest_versions:
        reviewed_on[case_id] = max(latest, reviewed_on.get(case_id, latest))

    # The follow-up three months after release (outcomes, issue 22): one query, whatever the number of cases.
    followed_up = dict(FollowUp.objects.filter(case__id__in=follow_up_ids).values_list("case_id", "assessed_on"))

    result = {}
    for case in cases:
        result[case.pk] = engine.CaseFacts(
            case_id=case.pk,
            country=case.country,
            legal_status=case.legal_status,
            intake_date=case.intake_date,
            sentence_start=case.sentence_start,
            sentence_days=case.sentence_days,
            sentence_years=case.sentence_years,
            sentence_months=case.sentence_months,
            sentence_term_days=case.sentence_term_days,
            remand_days=case.remand_days,
            isolation_days=case.isolation_days,
            expected_release=case.expected_release,
            conversation_done=done_on.get(case.pk),
            latest_plan_review=reviewed_on.get(case.pk),
            proposals_tracked=True,
            first_proposal=first_proposal.get(case.pk),
            members=tuple(members.get(case.pk, ())),
            notices=tuple(notices.get(case.pk, ())),
            housing_open=case.pk in housing_open,
            income_settled_on=None if case.pk in income_open else income_settled_on.get(case.pk),
            released_on=case.released_on,
            outcome_follow_up_on=followed_up.get(case.pk),
        )
    return result


# ---------------------------------------------------------------------------------------
# One case


NOTICE_HEADINGS = {
    "NO": pgettext_lazy("Norway", "Record that NAV or the municipality was told of the release date"),
    "DK": _("Record that the jobcentre or the municipality was told of the release date"),
    "SE": _("Record that Arbetsförmedlingen or the municipality was told of the release date"),
}


@dataclass
class CaseTimetable:
    rule_set: RuleSet | None
    deadlines: list[engine.DeadlineResult]
    road: engine.Road | None
    risks: list[engine.Risk]
    today: datetime.date
    notices: list[ReleaseNotice]
    rule_sets: list[RuleSet]
    country: str = "NO"
    release: datetime.date | None = None

    @property
    def notice_heading(self) -> str:
        """A Danish case tells the jobcentre, a Swedish one Arbetsförmedlingen (accounts.country_names)."""
        return str(NOTICE_HEADINGS.get(self.country, NOTICE_HEADINGS["NO"]))

    @property
    def notice_form(self) -> ReleaseNoticeForm:
        release = self.road.release_estimate if self.road else None
        return ReleaseNoticeForm(
            country=self.country, initial={"release_date": self.release or release, "told_on": self.today}
        )

    @property
    def rule_set_form(self) -> CaseRuleSetForm:
        return CaseRuleSetForm(country=self.country, initial={"rule_set": self.rule_set})

    @property
    def road_span(self) -> tuple[datetime.date, datetime.date] | None:
        if self.road is None:
            return None
        return (min(self.road.intake, self.road.start), self.road.full_time)

    def position(self, day: datetime.date) -> float:
        """Return where a day lies on the drawn road, in percent from intake to full time."""
        span = self.road_span
        if span is None:
            raise ValueError("A case without a road has no place on it.")
        first, last = span
        length = max((last - first).days, 1)
        return round(min(max((day - first).days / length, 0.0), 1.0) * 100, 2)

    @property
    def road_points(self) -> list[dict[str, Any]]:
        if self.road is None:
            return []
        points = [{"key": "intake", "label": None, "date": self.road.intake, "x": self.position(self.road.intake)}]
        for milestone in self.road.milestones:
            if milestone.date is not None:
                points.append(
                    {
                        "key": milestone.key,
                        "label": milestone.label,
                        "date": milestone.date,
                        "x": self.position(milestone.date),
                    }
                )
        return points

    @property
    def road_steps(self) -> list[engine.Milestone]:
        """The milestones in the order of their dates; those without a date last."""
        if self.road is None:
            return []
        dated = [m for m in self.road.milestones if m.date]
        return sorted(dated, key=lambda m: m.date or datetime.date.min) + [
            m for m in self.road.milestones if not m.date
        ]

    @property
    def today_x(self) -> float | None:
        return self.position(self.today) if self.road is not None else None


def timetable_for_case(access: CaseAccess) -> CaseTimetable:
    """Return the case's deadlines, road and risks for the viewer.

    Those who see the case's facts (the person, the prison staff, members covered by the
    consent) see everything; other members see only the deadlines they own.
    """
    case = access.case
    today = timezone.localdate()
    book = RuleBook(case_ids=[case.pk])
    facts = facts_for_cases([case])[case.pk]
    case_road = engine.road(facts)
    rule_set = book.rule_set_for(case)
    deadlines = engine.evaluate(book.rules_for(case), facts, today)
    if not access.sees_needs:
        # Without consent, an external member sees their own tasks only, no case facts.
        deadlines = [d for d in deadlines if access.viewer.pk in d.owners and d.state != "not_applicable"]
        case_road = None
    return CaseTimetable(
        rule_set=rule_set,
        deadlines=deadlines,
        road=case_road,
        risks=engine.risks(facts, today) if access.sees_needs else [],
        today=today,
        notices=_named(list(ReleaseNotice.objects.filter(case=case).select_related("recorded_by")[:10]), case.country)
        if access.is_prison_staff
        else [],
        rule_sets=[rs for rs in book.rule_sets.values() if rs.country == case.country]
        if access.is_prison_staff
        else [],
        country=case.country,
        release=case.expected_release,
    )


def _named(notices: list[ReleaseNotice], country: str) -> list[ReleaseNotice]:
    """Give each notice its receiver's name as the case's country calls it (NAV, jobcenter)."""
    for notice in notices:
        notice.receiver = engine.notice_receiver(notice.recipient, country)
    return notices


# ---------------------------------------------------------------------------------------
# What is due


@dataclass
class DueItem:
    case: Case
    deadline: engine.DeadlineResult
    risks: list[engine.Risk]

    @property
    def link(self) -> str:
        return link_for(self.deadline.rule.kind, self.case)


@dataclass
class DueList:
    today: datetime.date
    overdue: list[DueItem]
    this_week: list[DueItem]
    later: list[DueItem]
    risky_cases: list[tuple[Case, list[engine.Risk]]]
    stage_counts: list[dict[str, Any]] | None
    #: The cases whose read this request has logged.
    logged_case_ids: frozenset[int] = frozenset()
    #: Reminders on the cases the user leads whose e-mail did not (surely) go out.
    reminder_alerts: list[Reminder] = field(default_factory=list)
    #: Cases the user leads that were released before anyone coming in had taken hold.
    handover_gaps: list[Case] = field(default_factory=list)
    #: The page of deadlines shown (overdue, this week and later, in that order), when paged.
    page: Page[tuple[str, DueItem]] | None = None
    #: The page of each side list shown, by its address parameter (``SIDE_LISTS``), when paged.
    side_pages: dict[str, Page[Any]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.this_week or self.later)


#: Deadlines on one page of "what is due" (issue 17, point 9: every list is paged).
DUE_PAGE_SIZE = 50

#: The lists beside the deadlines on "what is due", each paged by its own address parameter
#: (``core.paging``): the selectors' own (risks, alerts, gaps) and the view's.
SIDE_LISTS = ("urgent", "gaps", "emergencies", "alerts", "referrals", "unchecked", "start", "risks", "requests")


def due_for(
    user: User,
    view: str = "timetable:due",
    *,
    page_number: str | int | None = None,
    per_page: int | None = None,
    side_pages: Mapping[str, str] | None = None,
) -> DueList:
    """Return what the user owns across their cases, overdue first; logs one read per case shown.

    A bounded number of queries whatever the number of cases: the cases, then one query
    per kind of fact, then the rule sets. With ``per_page`` the deadlines are paged (overdue,
    this week, later, in that order), and so are the release risks, reminder alerts and
    handover gaps, each by its own parameter in ``side_pages`` (``SIDE_LISTS``); only the
    cases on the pages are logged as read. Without it (the calendar feed) all is returned.
    """
    today = timezone.localdate()
    # The open cases the user sees, each with the rule sets it may follow, the user who leads it, and
    # whether a release with a handover gap was recorded: the gap's full condition (``open_handover_gap``)
    # cost 1.5 ms of CPU in this query on every request, so it is asked (``handover_gap_days``) only of
    # the cases the user leads that have such a release, nearly always none.
    cases = list(
        with_rule_sets(cases_visible_to(user).exclude(stage=Stage.CLOSED))
        .select_related("person")
        .only("code", "person__first_name", "person__last_name", *FACTS_FIELDS)
        .annotate(
            lead_user_id=F("lead__user_id"),
            gap_recorded=Exists(Transition.objects.filter(case=OuterRef("pk"), handover_gap=True)),
        )
        .order_by("id")
    )
    stage_counts = unit_stage_counts(user)
    if not cases or user.role == Role.PERSON:
        return DueList(today, [], [], [], [], stage_counts)
    led = [case for case in cases if case.lead_user_id == user.pk]
    gap_days = handover_gap_days(user, [case for case in led if case.gap_recorded])
    book = RuleBook.of(cases)
    facts = facts_for_cases(cases)
    sees_facts = case_facts_visible(user, cases, {case.pk: facts[case.pk].members for case in cases})
    mine: list[tuple[engine.DeadlineResult, DueItem]] = []
    risky: list[tuple[Case, list[engine.Risk]]] = []
    for case in cases:
        case_facts = facts[case.pk]
        case_risks = []
        if case.pk in sees_facts:
            case_risks = engine.risks(case_facts, today)
        if case_risks:
            risky.append((case, case_risks))
        for result in engine.evaluate(book.rules_for(case), case_facts, today):
            if result.is_open and user.pk in result.owners:
                mine.append((result, DueItem(case, result, case_risks)))
    groups = engine.sort_due(mine, today)
    listed = [(group, item) for group in ("overdue", "this_week", "later") for _, item in groups[group]]
    page = None
    alerts = reminder_alerts_for(user, led)  # the lead's only: none to ask for where the user leads none
    gaps: list[Case] = [case for case in cases if gap_days.get(case.pk) is not None]
    for gap in gaps:
        gap.handover_gap_on = gap_days[gap.pk]  # type: ignore[attr-defined]  # the day shown with the case
    side: dict[str, Page[Any]] = {}
    if per_page is not None:
        page = Paginator(listed, per_page).get_page(page_number)
        listed = list(page.object_list)
        asked = side_pages or {}
        side = {
            name: page_of(rows, asked.get(name))
            for name, rows in (("risks", risky), ("alerts", alerts), ("gaps", gaps))
        }
        risky, alerts, gaps = (list(side[name].object_list) for name in ("risks", "alerts", "gaps"))
    shown = (
        {item.case.pk for _, item in listed}
        | {case.pk for case, _ in risky}
        | {alert.deadline.case_id for alert in alerts}
        | {case.pk for case in gaps}
    )
    if shown:
        record_access(viewer=user, case_ids=sorted(shown), purpose=AccessPurpose.CASELOAD, view=view)
    return DueList(
        today=today,
        overdue=[item for group, item in listed if group == "overdue"],
        this_week=[item for group, item in listed if group == "this_week"],
        later=[item for group, item in listed if group == "later"],
        risky_cases=risky,
        stage_counts=stage_counts,
        logged_case_ids=frozenset(shown),
        reminder_alerts=alerts,
        handover_gaps=gaps,
        page=page,
        side_pages=side,
    )


def open_handover_gap(user: User) -> Subquery:
    """The day of the release, on a Case queryset, where the user leads a case released before anyone took hold.

    Issue 17, point 2: such a release is allowed, since it happens, but it is a gap
    (seed 002 ch. 4: no authority lets go before another has taken hold). It stays on
    the lead's "what is due" until an incoming member has taken hold (``handover.rules``).
    """
    held = taken_hold(Membership.objects.filter(incoming_for=OuterRef("pk")))
    return Subquery(
        gap_releases(user)
        .filter(case=OuterRef("pk"))
        .exclude(Exists(held))
        .order_by("-completed_on", "-id")
        .values("completed_on")[:1]
    )


def gap_releases(user: User) -> QuerySet[Transition]:
    """The releases with a handover gap on the cases the user leads, whether anyone has taken hold since or not."""
    return Transition.objects.filter(
        case__lead__user_id=user.pk,
        kind__in=TransitionKind.releases(),
        state=TransitionState.COMPLETED,
        handover_gap=True,
    )


def taken_hold(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Of these memberships, those that have taken hold: accepted, and present at a hold meeting."""
    return memberships.filter(accepted_at__isnull=False).filter(attended_hold_meeting())


def handover_gap_days(user: User, cases: Sequence[Case]) -> dict[int, datetime.date | None]:
    """Of these cases, the day of the latest release of each with an open handover gap (``open_handover_gap``).

    In two plain queries, the second only if anyone was to come in: the one nested condition
    cost 1.3 ms of CPU to build, these 0.5 ms. None for no cases.
    """
    days: dict[int, datetime.date | None] = {}
    if not cases:
        return days
    releases = list(
        gap_releases(user)
        .filter(case_id__in=[case.pk for case in cases])
        .order_by("-completed_on", "-id")
        .values_list("id", "case_id", "completed_on", "incoming")  # a row per incoming member, if any
    )
    incoming = {member for _release, _case, _on, member in releases if member is not None}
    took_hold: set[int] = set()
    if incoming:
        took_hold = set(taken_hold(Membership.objects.filter(pk__in=incoming)).values_list("pk", flat=True))
    held = {release for release, _case, _on, member in releases if member in took_hold}
    for release, case_id, completed_on, _member in releases:  # the latest first
        if release not in held:
            days.setdefault(case_id, completed_on)
    return days


def reminder_alerts_for(user: User, cases: Sequence[Case]) -> list[Reminder]:
    """Of these open cases, the reminders whose e-mail was given up on, where the user is the lead.

    Shown while the deadline is open, so the lead can tell the recipient another way. Nearly
    always there are none: a plain query (0.3 ms of CPU) says so, and the lead's, with the
    recipients (0.9 ms), runs only when it finds one; none runs for no cases.
    """
    if not cases:
        return []
    by_pk = {case.pk: case for case in cases}
    reminders = Reminder.objects.filter(deadline__case_id__in=list(by_pk), deadline__state__in=OPEN_STATES)
    given_up = reminders.exclude(alert="")
    if not given_up.exists():
        return []
    alerts = list(
        given_up.filter(deadline__case__lead__user_id=user.pk)
        .select_related("recipient", "deadline")
        .order_by("deadline__due_date", "id")
    )
    for alert in alerts:
        alert.deadline.case = by_pk[alert.deadline.case_id]  # the case given: no join, no query
    return alerts


def unit_stage_counts(user: User) -> list[dict[str, Any]] | None:
    """For a reentry coordinator: cases, overdue deadlines and cases at risk per stage in their unit (counts only).

    Computed on request from the case facts (``unit_overview_for``), so the figures do not
    wait for ``compute_deadlines`` to have run.
    """
    overview = unit_overview_for(user, log=False)
    return overview.stage_counts if overview is not None else None


#: Cases on one page of the unit overview.
UNIT_PAGE_SIZE = 50


@dataclass
class UnitRow:
    case: Case
    overdue: int
    risks: list[engine.Risk]
    notice_failed: bool = False  # a release notice could not be delivered (notices.selectors)

    @property
    def stage_label(self) -> str:
        return str(self.case.stage_label)


@dataclass
class UnitOverview:
    """A coordinator's prison: counts per stage, and one page of its cases with their overdue deadlines and risks."""

    stage_counts: list[dict[str, Any]]
    page: Page[UnitRow] | None
    rows: list[UnitRow]
    search: str = ""
    stage: str = ""
    only_overdue: bool = False


def unit_overview_for(
    user: User,
    *,
    search: str = "",
    stage: str = "",
    only_overdue: bool = False,
    page_number: str | int | None = None,
    log: bool = True,
) -> UnitOverview | None:
    """Return the coordinator's unit overview (``access.policy.unit_cases_for``); None for anyone else.

    Overdue deadlines and risks are evaluated now from the case facts, for every open case
    of the unit (one query per kind of fact), so they need no batch job. With ``log`` the
    cases on the page are listed, and each is an access event the person sees.
    """
    if not sees_unit(user):
        return None
    today = timezone.localdate()
    unit = unit_cases_for(user)
    read = with_rule_sets(unit).annotate(stage_today=stage_now(today))  # counted per stage
    cases: Sequence[Any]
    if log:  # the page lists the cases by name
        cases = list(
            read.select_related("person").order_by("person__last_name", "person__first_name", "intake_date", "pk")
        )
    else:
        # The counts alone need neither names nor order, nor a model instance per case: the columns
        # the facts read, by the same names, cost 1.3 ms for a prison's 376 cases, the instances 3.2.
        counted = ("pk", *FACTS_FIELDS, "stage_today", "override_rule_set", "prison_rule_set")
        cases = list(read.values_list(*counted, named=True).order_by())
    book = RuleBook.of(cases)
    # Each case's rules looked up once, not again for its count (752 look-ups for a prison's 376 cases).
    rules = {case.pk: book.rules_for(case) for case in cases}
    reads = None
    if not log:
        # The counts alone read of each case only what its overdue deadlines and risks may read (the
        # rows have the facts' names for the case's columns), and ask whether it is at risk, not which
        # risks in words: for a prison's 376 cases, 26 -> 18 ms of CPU, PostgreSQL 12.3 -> 7.0 ms.
        reads = {case.pk: engine.counts_read(rules[case.pk], case, today) for case in cases}
    facts = facts_for_cases(cases, reads)
    rows = []
    counts: dict[str, dict[str, Any]] = {}
    for case in cases:
        case_facts = facts[case.pk]
        overdue = engine.overdue_count(rules[case.pk], case_facts, today)
        if log:
            row = UnitRow(case, overdue, engine.risks(case_facts, today))
            rows.append(row)
            risky = bool(row.risks)
        else:
            risky = engine.at_risk(case_facts, today)
        entry = counts.setdefault(case.stage_today, {"stage": case.stage_today, "cases": 0, "overdue": 0, "at_risk": 0})
        entry["cases"] += 1
        entry["overdue"] += overdue
        entry["at_risk"] += 1 if risky else 0
    order = list(Stage.values)
    stage_counts = [
        {**entry, "label": Stage(entry["stage"]).label}
        for entry in sorted(counts.values(), key=lambda entry: order.index(entry["stage"]))
    ]
    if not log:
        return UnitOverview(stage_counts, None, [])
    search = " ".join(search.split())[:100]
    listed = rows
    condition = case_search_condition(search)
    if condition is not None:
        found = set(unit.filter(condition).values_list("pk", flat=True))
        listed = [row for row in listed if row.case.pk in found]
    if stage in Stage.values:
        listed = [row for row in listed if row.case.stage_on(today) == stage]
    else:
        stage = ""
    if only_overdue:
        listed = [row for row in listed if row.overdue]
    page = Paginator(listed, UNIT_PAGE_SIZE).get_page(page_number)
    page_rows = list(page.object_list)
    failed = cases_with_undelivered_notice(row.case.pk for row in page_rows)
    for row in page_rows:
        row.notice_failed = row.case.pk in failed
    if page_rows:
        record_access(
            viewer=user,
            case_ids=[row.case.pk for row in page_rows],
            purpose=AccessPurpose.UNIT_OVERVIEW,
            view="cases:unit",
        )
    return UnitOverview(stage_counts, page, page_rows, search, stage, only_overdue)


# ---------------------------------------------------------------------------------------
# Inbox and calendar


#: Reminders on one page of the inbox (issue 17, point 9: every list is paged).
INBOX_PAGE_SIZE = 50


def inbox_for(user: User, page_number: str | int | None = None) -> Page[Reminder]:
    """Return one page of the user's reminders on cases they still see, newest first; logs a read per case on it.

    A reminder names a case code, what is due and when: a read of the case like any other.
    Once the user leaves the group, its reminders leave the inbox.
    """
    reminders = (
        Reminder.objects.filter(recipient=user, deadline__case__in=cases_visible_to(user).values("id"))
        .select_related("deadline", "deadline__case")
        .order_by("-created_at", "-id")
    )
    page = page_of(reminders, page_number, INBOX_PAGE_SIZE)
    shown = list(page.object_list)
    if shown:
        record_access(
            viewer=user,
            case_ids=sorted({reminder.deadline.case_id for reminder in shown}),
            purpose=AccessPurpose.CASELOAD,
            view="timetable:inbox",
        )
    return page


def unread_count(user: User) -> int:
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()


def feed_for_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )


def active_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@dataclass
class FeedEvent:
    uid: str
    summary: str
    date: datetime.date | None = None
    starts_at: datetime.datetime | None = None
    minutes: int = 60


def calendar_events(user: User) -> list[FeedEvent]:
    """Return the user's open deadlines and meetings: case code and kind only, no names or needs."""
    due = due_for(user, view="timetable:calendar_feed")
    events = [
        FeedEvent(
            uid=f"deadline-{item.case.code}-{item.deadline.rule.code}@overgang",
            summary=f"{item.deadline.kind_label} ({item.case.code})",
            date=item.deadline.due,
        )
        for item in [*due.overdue, *due.this_week, *due.later]
    ]
    since = timezone.now() - datetime.timedelta(days=30)
    meetings = (
        Meeting.objects.filter(case__in=cases_visible_to(user).values("id"), starts_at__gte=since)
        .select_related("case")
        .order_by("starts_at")[:500]
    )
    for meeting in meetings:
        events.append(
            FeedEvent(
                uid=f"meeting-{meeting.pk}@overgang",
                summary=f"{meeting.get_kind_display()} ({meeting.case.code})",
                starts_at=meeting.starts_at,
                minutes=getattr(meeting, "duration_minutes", 60) or 60,
            )
        )
    unlogged = {meeting.case_id for meeting in meetings} - due.logged_case_ids
    if unlogged:
        record_access(
            viewer=user,
            case_ids=sorted(unlogged),
            purpose=AccessPurpose.CASELOAD,
            view="timetable:calendar_feed",
        )
    return events


def link_for(kind: str, case: Case) -> str:
    """Return the page where a deadline of the kind is done."""
    code = {"code": case.code}
    if kind in {
        DeadlineKind.NEEDS_CONVERSATION,
        DeadlineKind.HOUSING_CONVERSATION,
        DeadlineKind.ACTION_PLAN,
        DeadlineKind.EXECUTION_PLAN,
    }:
        return reverse("needs:map", kwargs=code)
    if kind in {DeadlineKind.PROPOSALS, DeadlineKind.PLAN_REVISION}:
        try:
            return reverse("plans:plan", kwargs=code)
        except NoReverseMatch:
            return reverse("cases:overview", kwargs=code)
    if kind in {
        DeadlineKind.INCOMING_ACTORS_JOIN,
        DeadlineKind.PROBATION_INVOLVED,
        DeadlineKind.MUNICIPALITY_CONTACTED,
    }:
        return reverse("cases:group", kwargs=code)
    if kind == DeadlineKind.OUTCOME_FOLLOW_UP:
        return reverse("outcomes:case", kwargs=code)
    return reverse("timetable:case", kwargs=code)
