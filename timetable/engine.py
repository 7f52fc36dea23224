"""The one timetable module: every deadline date and every road estimate is computed here.

Two kinds of arithmetic, both pure functions of a case's facts and today's date:

- **Deadlines** (:func:`evaluate`): a rule set is data (:class:`timetable.models.Rule`);
  each rule hangs a due date on an anchor date by an offset in days, weeks, months or
  working days of the case's country. Whether a deadline is met is read from what the
  system records (a held needs conversation, a proposal, a member who joined, a release
  notice), so deadlines move when the dates they depend on change.
- **The road** (:func:`road`): progression milestones (DOMAIN.md §7, "The road"), always
  estimates, each with its rule and source. The numbers are data in :data:`ROAD_RULES`.

Nothing else in the code base does date arithmetic on deadlines.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Country, Role
from cases.sentence import Term
from core.workdays import add_working_days, is_public_holiday
from timetable.models import Anchor, DeadlineKind, DeadlineState, OffsetUnit
from timetable.sources import in_words

#: The anchors and units as the text the rules hold, compared with it in the loops over every rule of every
#: case: text to text, not text to a member of the choices (14 ns, not 40; a prison's counts compare some
#: 12,000 times a request).
_INTAKE, _SENTENCE_START, _NEEDS_CONVERSATION, _LATEST_PLAN_REVIEW = (
    Anchor.INTAKE.value,
    Anchor.SENTENCE_START.value,
    Anchor.NEEDS_CONVERSATION.value,
    Anchor.LATEST_PLAN_REVIEW.value,
)
_PAROLE, _RELEASE, _PROBATION_JOINED, _RELEASED = (
    Anchor.PAROLE.value,
    Anchor.RELEASE.value,
    Anchor.PROBATION_JOINED.value,
    Anchor.RELEASED.value,
)
_DAYS, _WEEKS, _MONTHS, _WORKING_DAYS = (
    OffsetUnit.DAYS.value,
    OffsetUnit.WEEKS.value,
    OffsetUnit.MONTHS.value,
    OffsetUnit.WORKING_DAYS.value,
)

# ---------------------------------------------------------------------------------------
# Deadlines the pages and services compute from one date (not from a rule set)

#: POP step 4 (seed 001): proposals for measures within the next working week (5 working
#: days, public holidays excluded) after the needs conversation.
PROPOSAL_WORKING_DAYS = 5
#: Denmark (God Løsladelse, seed 002 ch. 4): probation's action plan for the parole period
#: within 7 days after release.
DK_PROBATION_PLAN_DAYS = 7


def proposals_due(held: datetime.date | None, country: str) -> datetime.date | None:
    """The last day for proposals for measures: 5 working days after the needs conversation (None: not held)."""
    if held is None:
        return None
    return add_working_days(held, PROPOSAL_WORKING_DAYS, country)


def probation_plan_due(release_date: datetime.date, country: str) -> datetime.date | None:
    """The day probation's plan is due after a release on ``release_date``: Denmark only (None elsewhere)."""
    if country == Country.DENMARK:
        return release_date + datetime.timedelta(days=DK_PROBATION_PLAN_DAYS)
    return None


def summons_send_by(start: datetime.date) -> datetime.date:
    """The last day to send the summons before a sentence that starts on ``start`` (POP step 0.1).

    The source (the revised POP process, Stimulab 2024, step 0.1) says only "as early as
    possible" and gives no number: ``SUMMONS_MIN_DAYS_AHEAD`` is this system's default
    (21 days), set per installation. Many get too little time to prepare (the reentry map, 3.2.4).
    """
    return start - datetime.timedelta(days=settings.SUMMONS_MIN_DAYS_AHEAD)


def group_set_up_by(start: datetime.date) -> datetime.date:
    """The last day to set up the group: before or at intake (POP step 0.2)."""
    return start


def anonymise_on(closed_on: datetime.date) -> datetime.date:
    """The day from which a case closed on ``closed_on`` is anonymised (``ANONYMISE_AFTER_DAYS``; DOMAIN.md §5)."""
    return closed_on + datetime.timedelta(days=settings.ANONYMISE_AFTER_DAYS)


#: Outcomes after release (issue 22; the Exit programme's measures, Copenhagen 2015): the person's
#: situation three months after release, a new charge within a year, a new sentence within two years.
FOLLOW_UP_MONTHS = 3
CHARGE_MONTHS = 12
SENTENCE_MONTHS = 24
#: The follow-up may be recorded from a fortnight before the three months are up (our rule: the lead
#: meets the person when they can, and what is known a fortnight early is known at three months).
FOLLOW_UP_EARLY_DAYS = 14


def outcome_follow_up_due(released_on: datetime.date) -> datetime.date:
    """The day the three-month follow-up is due: three months after the release."""
    return add_months(released_on, FOLLOW_UP_MONTHS)


def outcome_follow_up_opens(released_on: datetime.date) -> datetime.date:
    """The first day the three-month follow-up may be recorded."""
    return outcome_follow_up_due(released_on) - datetime.timedelta(days=FOLLOW_UP_EARLY_DAYS)


def outcome_window_ends(released_on: datetime.date, months: int) -> datetime.date:
    """The last day of a follow-up period of ``months`` after a release (a charge within a year: 12)."""
    return add_months(released_on, months)


# ---------------------------------------------------------------------------------------
# Offsets


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day of the month n months later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: The working days' shift, a pure function of the calendar, kept per process: a prison's overview
#: shifts some 300 needs conversations by 5 working days on each request, 3 µs each counted day by day.
working_days_after = lru_cache(maxsize=8192)(add_working_days)


def shift(day: datetime.date, offset: int, unit: str, country: str) -> datetime.date:
    """Move a date by an offset in the unit; working days follow the country's calendar."""
    if unit == _DAYS:
        return day + datetime.timedelta(days=offset)
    if unit == _WEEKS:
        return day + datetime.timedelta(weeks=offset)
    if unit == _MONTHS:
        return add_months(day, offset)
    if unit == _WORKING_DAYS:
        return working_days_after(day, offset, country)
    raise ValueError(f"Unknown offset unit {unit!r}")


def age_reached_on(birth_date: datetime.date, years: int) -> datetime.date:
    """The day a person born on ``birth_date`` turns ``years`` old (programme age limits, issue 20).

    Born on 29 February: 1 March in a common year, the first day on which the years are
    complete (the calendar reckoning of ``cases.sentence``; check Lovdata before relying on it).
    """
    year = birth_date.year + years
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 3, 1)
    return birth_date.replace(year=year)


def last_day_at_age(birth_date: datetime.date, years: int) -> datetime.date:
    """The last day a person is ``years`` old: the day before they turn one year older ("18-25" includes 25)."""
    return age_reached_on(birth_date, years + 1) - datetime.timedelta(days=1)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The last day from which at least ``months`` months remain until ``day`` (TOG: three months before two-thirds).

    The day D such that ``months`` months after D (``add_months``) is still on or before
    ``day``, and not so for D + 1. Counting back clamps to the month's end (three months
    before 28 February is 28 November), yet 29 and 30 November still qualify (three months
    on is clamped to 28 February): step on while the next day does.
    """
    last = add_months(day, -months)
    while add_months(last + datetime.timedelta(days=1), months) <= day:
        last += datetime.timedelta(days=1)
    return last


# ---------------------------------------------------------------------------------------
# Case facts


@dataclass(frozen=True)
class Member:
    user_id: int
    role: str
    is_lead: bool
    start_date: datetime.date
    agency_id: int | None = None


@dataclass(frozen=True)
class Notice:
    recipient: str
    release_date: datetime.date
    told_on: datetime.date


@dataclass
class CaseFacts:
    """What the timetable needs to know about one case, fetched in bulk by the selectors.

    Not frozen, though nothing changes the facts once built: a prison's overview builds them for
    every open case, and a frozen class's ``__init__`` sets each of the 22 fields through
    ``object.__setattr__`` (376 cases: 0.75 ms of CPU, 0.24 ms as a plain class).
    """

    case_id: int
    country: str
    legal_status: str
    intake_date: datetime.date
    sentence_start: datetime.date | None = None
    sentence_days: int | None = None
    remand_days: int = 0
    isolation_days: int = 0
    expected_release: datetime.date | None = None
    #: The sentence as the judgment states it; ``sentence_days`` is it counted by the calendar.
    sentence_years: int = 0
    sentence_months: int = 0
    sentence_term_days: int = 0
    #: The day the first completed part 1 of the needs conversation was held.
    conversation_done: datetime.date | None = None
    #: The latest completed needs conversation or plan version: the plan's last review.
    latest_plan_review: datetime.date | None = None
    #: Whether proposals are recorded in this installation (the plans app), and the first.
    proposals_tracked: bool = False
    first_proposal: datetime.date | None = None
    members: tuple[Member, ...] = ()
    notices: tuple[Notice, ...] = ()
    housing_open: bool = False
    income_settled_on: datetime.date | None = None
    #: The day of the release (the case's ``released_on``), and the day the situation three months
    #: after it was found out (``outcomes.FollowUp``).
    released_on: datetime.date | None = None
    outcome_follow_up_on: datetime.date | None = None

    def joined(self, *roles: str) -> datetime.date | None:
        """Return the earliest start date of a current member with one of the roles."""
        dates = [member.start_date for member in self.members if member.role in roles]
        return min(dates) if dates else None

    def told(self, recipient: str, release_date: datetime.date | None) -> datetime.date | None:
        """Return when the recipient was first told of this release date, if ever."""
        dates = [n.told_on for n in self.notices if n.recipient == recipient and n.release_date == release_date]
        return min(dates) if dates else None

    def lead(self) -> list[int]:
        """Return the case's lead (one user, or none while there is no current lead)."""
        return [member.user_id for member in self.members if member.is_lead]

    def owners(self, role: str) -> list[int]:
        """Return the users who own a deadline of the role: its members, else the group's lead."""
        holders = [member.user_id for member in self.members if member.role == role]
        if holders:
            return holders
        return [member.user_id for member in self.members if member.is_lead]


# ---------------------------------------------------------------------------------------
# The road


@dataclass(frozen=True)
class RoadRules:
    """The progression rules of one country, as data with their sources."""

    country: str
    #: Extra days of remand credit per started this-many days in full isolation (0: none).
    isolation_bonus_per_days: int
    credit_citation: StrOrPromise
    parole_fraction: tuple[int, int]
    parole_min_served_days: int
    parole_min_served_months: int
    #: Parole only if at least this many days would remain (Norway: 14, else full time).
    parole_min_remaining_days: int
    parole_citation: StrOrPromise
    steps: tuple[str, ...]


ROAD_RULES: dict[str, RoadRules] = {
    "NO": RoadRules(
        country="NO",
        isolation_bonus_per_days=2,
        credit_citation=_(
            "Straffeloven § 83: one day per started day in custody, plus one extra day per started two days "
            "in full isolation"
        ),
        parole_fraction=(2, 3),
        parole_min_served_days=60,
        parole_min_served_months=0,
        parole_min_remaining_days=14,
        parole_citation=_(
            "Straffegjennomføringsloven § 42: two thirds of the sentence including remand, at least 60 days "
            "served; if less than 14 days would remain, only for weighty reasons"
        ),
        steps=("leave", "home_with_conditions", "institution", "electronic_control", "parole", "full_time"),
    ),
    "DK": RoadRules(
        country="DK",
        isolation_bonus_per_days=0,
        credit_citation=_("Straffeloven § 86: remand is deducted day for day"),
        parole_fraction=(2, 3),
        parole_min_served_days=0,
        parole_min_served_months=2,
        parole_min_remaining_days=1,
        parole_citation=_(
            "Straffeloven § 38: two thirds of the sentence, at least 2 months served (sources disagree on a "
            "2 or 3 month minimum sentence); decided 4 weeks before the date"
        ),
        steps=("half_time_parole", "electronic_tag", "parole", "full_time"),
    ),
    "SE": RoadRules(
        country="SE",
        isolation_bonus_per_days=0,
        credit_citation=_("Brottsbalken 33 kap. 5 §: time in custody is deducted"),
        parole_fraction=(2, 3),
        parole_min_served_days=0,
        parole_min_served_months=1,
        parole_min_remaining_days=1,
        parole_citation=_("Brottsbalken 26 kap. 6 §: conditional release after two thirds, at least one month served"),
        steps=("parole", "full_time"),
    ),
}

# Norwegian thresholds of straffegjennomføringsloven, kept together as data.
LEAVE_MIN_MONTHS = 4
LEAVE_FRACTION = (1, 3)
LONG_SENTENCE_YEARS = 12
LONG_SENTENCE_LEAVE_YEARS = 4
HOME_FRACTION = (1, 2)
ELECTRONIC_CONTROL_MONTHS = 6
INSTITUTION_MONTHS = 12
DK_HALF_TIME_FRACTION = (1, 2)
DK_ELECTRONIC_TAG_MAX_MONTHS = 6

STEP_TEXT: dict[str, tuple[StrOrPromise, StrOrPromise | None]] = {
    "leave": (
        _("Leave and day release for work or school"),
        _(
            "Straffegjennomføringsloven §§ 33 and 20: after 4 months in custody and one third of the sentence; "
            "sentences over 12 years: leave after 4 years"
        ),
    ),
    "home_with_conditions": (
        _("Sentence at home with conditions"),
        _("Straffegjennomføringsloven § 16 first paragraph: from half of the sentence"),
    ),
    "institution": (
        _("Institution outside the prison service"),
        _("Straffegjennomføringsloven § 12: normally at most the last 12 months; needs a confirmed place"),
    ),
    "electronic_control": (
        _("Home with electronic control"),
        _(
            "Straffegjennomføringsloven § 16 a: the last 6 months before expected release (the whole sentence if "
            "it is at most 6 months)"
        ),
    ),
    "half_time_parole": (
        _("Parole at half time"),
        _("Straffeloven § 40 a: at half of the sentence, at least 2 months served, on special conditions"),
    ),
    "electronic_tag": (
        _("Home detention with an electronic tag"),
        _("Straffuldbyrdelsesloven § 78 a: sentences of up to 6 months"),
    ),
    "parole": (_("Release on parole"), None),
    "full_time": (_("Full time"), _("The sentence served in full, less the remand credit")),
}


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    date: datetime.date | None
    citation: str
    note: str = ""
    estimate: bool = True


@dataclass(frozen=True)
class Road:
    """A person's road from intake to full time; every date is an estimate."""

    intake: datetime.date
    start: datetime.date
    credit_days: int
    credit_citation: str
    milestones: tuple[Milestone, ...]
    parole: datetime.date | None
    full_time: datetime.date
    #: How the length was counted: the term as the judgment states it, and the day it runs to.
    term: Term | None = None
    term_end: datetime.date | None = None
    length_days: int = 0

    @property
    def term_text(self) -> str:
        return self.term.text if self.term is not None else ""

    @property
    def release_estimate(self) -> datetime.date:
        return self.parole or self.full_time

    def milestone(self, key: str) -> Milestone | None:
        return next((m for m in self.milestones if m.key == key), None)


def remand_credit(remand_days: int, isolation_days: int, country: str) -> int:
    """Return the days credited for remand: one per started day, plus the isolation bonus.

    Norway (straffeloven § 83): one extra day per started two days in full isolation.
    """
    rules = ROAD_RULES.get(country, ROAD_RULES["NO"])
    bonus = math.ceil(isolation_days / rules.isolation_bonus_per_days) if rules.isolation_bonus_per_days else 0
    return remand_days + bonus


def _fraction(days: int, fraction: tuple[int, int]) -> int:
    numerator, denominator = fraction
    return -(-days * numerator // denominator)


def road(facts: CaseFacts) -> Road | None:
    """Return the person's road, or None while the sentence start or length is unknown."""
    if facts.sentence_start is None or not facts.sentence_days:
        return None
    rules = ROAD_RULES.get(facts.country, ROAD_RULES["NO"])
    start = facts.sentence_start
    term = Term(facts.sentence_years, facts.sentence_months, facts.sentence_term_days)
    # The length as the judgment states it, counted by the calendar (cases.sentence); a
    # case that knows only its days counts them as they are.
    length = term.length_days(start) if term.given else facts.sentence_days
    term = term if term.given else Term(days=length)
    credit = remand_credit(facts.remand_days, facts.isolation_days, facts.country)

    def served(days: int) -> datetime.date:
        """The day on which the days served, remand credit included, reach the number."""
        return max(start, start + datetime.timedelta(days=days - credit))

    def served_months(months: int) -> datetime.date:
        return max(start, add_months(start, months) - datetime.timedelta(days=credit))

    full_time = served(length)
    threshold = max(
        _fraction(length, rules.parole_fraction),
        rules.parole_min_served_days,
        (add_months(start, rules.parole_min_served_months) - start).days,
    )
    # What would remain of the sentence after parole, in sentence days (remand included).
    parole = served(threshold) if length - threshold >= rules.parole_min_remaining_days else None
    release = parole or full_time

    milestones: list[Milestone] = []
    for key in rules.steps:
        label, citation = STEP_TEXT[key]
        date: datetime.date | None
        note: StrOrPromise = ""
        if key == "leave":
            if length > (add_months(start, 12 * LONG_SENTENCE_YEARS) - start).days:
                date = served_months(12 * LONG_SENTENCE_LEAVE_YEARS)
            else:
                date = max(served_months(LEAVE_MIN_MONTHS), served(_fraction(length, LEAVE_FRACTION)))
        elif key == "home_with_conditions":
            date = served(_fraction(length, HOME_FRACTION))
        elif key == "institution":
            date = max(start, add_months(release, -INSTITUTION_MONTHS))
            note = _("Needs a confirmed place.")
        elif key == "electronic_control":
            date = max(start, add_months(release, -ELECTRONIC_CONTROL_MONTHS))
        elif key == "half_time_parole":
            date = max(served(_fraction(length, DK_HALF_TIME_FRACTION)), served_months(2))
        elif key == "electronic_tag":
            short = add_months(start, DK_ELECTRONIC_TAG_MAX_MONTHS) >= start + datetime.timedelta(days=length)
            date = start if short else None
        elif key == "parole":
            date, citation = parole, rules.parole_citation
            if parole is None:
                note = _("The sentence is served in full: too little would remain after parole.")
        else:
            date = full_time
        if key not in {"parole", "full_time"} and date is not None and date >= release:
            date, note = None, _("Not before the expected release.")
        milestones.append(Milestone(key=key, label=str(label), date=date, citation=str(citation), note=str(note)))
    return Road(
        intake=facts.intake_date,
        start=start,
        credit_days=credit,
        credit_citation=str(rules.credit_citation),
        milestones=tuple(milestones),
        parole=parole,
        full_time=full_time,
        term=term,
        term_end=start + datetime.timedelta(days=length),
        length_days=length,
    )


def release_date(facts: CaseFacts, case_road: Road | None) -> datetime.date | None:
    """Return the release date deadlines hang on: the recorded one, else the road's estimate."""
    if facts.expected_release is not None:
        return facts.expected_release
    return case_road.release_estimate if case_road is not None else None


# ---------------------------------------------------------------------------------------
# Deadlines


@dataclass(frozen=True)
class RuleData:
    """A rule as the engine sees it (built from :class:`timetable.models.Rule`)."""

    id: int
    code: str
    kind: str
    anchor: str
    offset: int
    unit: str
    owner_role: str
    citation: str
    min_sentence_days: int | None = None
    max_sentence_days: int | None = None
    position: int = 0

    @property
    def local_citation(self) -> str:
        """The source in the reader's language (timetable.sources)."""
        return in_words(self.citation)

    @classmethod
    def of(cls, rule) -> RuleData:
        return cls(
            id=rule.pk,
            code=rule.code,
            kind=rule.kind,
            anchor=rule.anchor,
            offset=rule.offset,
            unit=rule.unit,
            owner_role=rule.owner_role,
            citation=rule.citation,
            min_sentence_days=rule.min_sentence_days,
            max_sentence_days=rule.max_sentence_days,
            position=rule.position,
        )


#: The words for an offset of each unit, translated when a rule is described.
UNIT_WORDS: dict[str, StrOrPromise] = {
    OffsetUnit.DAYS: ngettext_lazy("%(n)d day", "%(n)d days", "n"),
    OffsetUnit.WEEKS: ngettext_lazy("%(n)d week", "%(n)d weeks", "n"),
    OffsetUnit.MONTHS: ngettext_lazy("%(n)d month", "%(n)d months", "n"),
    OffsetUnit.WORKING_DAYS: ngettext_lazy("%(n)d working day", "%(n)d working days", "n"),
}


def describe(rule: RuleData) -> str:
    """Say the rule in words: "7 days after intake", "8 weeks before expected release"."""
    return _described(rule.offset, rule.unit, rule.anchor, get_language())


#: The words of an offset, a unit and an anchor in a language, a pure function of them kept per process:
#: "what is due" says a rule on each of its rows, and the lazy texts cost 13 µs a row (18 rows: 0.23 ms).
@lru_cache(maxsize=1024)
def _described(offset: int, unit: str, anchor_key: str, language: str | None) -> str:
    amount = abs(offset)
    unit_words = UNIT_WORDS[unit] % {"n": amount}
    anchor = Anchor(anchor_key).label
    if offset == 0:
        return str(_("on %(anchor)s") % {"anchor": anchor})
    if offset < 0:
        return str(_("%(amount)s before %(anchor)s") % {"amount": unit_words, "anchor": anchor})
    return str(_("within %(amount)s after %(anchor)s") % {"amount": unit_words, "anchor": anchor})


@dataclass(frozen=True)
class DeadlineResult:
    rule: RuleData
    due: datetime.date | None
    state: str
    met_on: datetime.date | None
    owners: tuple[int, ...] = field(default=())
    waiting_for: str = ""
    #: For a notice (NAV or the municipality told of the release): the release date it was for.
    release_on: datetime.date | None = None
    country: str = "NO"

    @property
    def kind_label(self) -> str:
        return str(DeadlineKind(self.rule.kind).label)

    @property
    def state_label(self) -> str:
        return str(DeadlineState(self.state).label)

    @property
    def owner_label(self) -> str:
        if self.rule.kind in LEAD_KINDS:
            return str(_("The case's lead"))
        return str(Role(self.rule.owner_role).label)

    @property
    def rule_text(self) -> str:
        return describe(self.rule)

    @property
    def is_open(self) -> bool:
        return self.state in {DeadlineState.UPCOMING, DeadlineState.DUE_TODAY, DeadlineState.OVERDUE}

    @property
    def late(self) -> bool:
        return (
            self.state == DeadlineState.MET
            and self.due is not None
            and self.met_on is not None
            and self.met_on > self.due
        )

    @property
    def notice_text(self) -> str:
        """For a notice met: how many days before (or after) the release the receiver was told.

        Issue 17, point 8: "Met (late)" did not say that NAV learned of the release on the
        day (seed 001: NAV must not learn of a release on the day).
        """
        if self.rule.kind not in NOTICE_KINDS or self.met_on is None or self.release_on is None:
            return ""
        receiver = capfirst(notice_receiver(NOTICE_KINDS[self.rule.kind], self.country))
        days = (self.release_on - self.met_on).days
        if days >= 0:
            text = ngettext(
                "%(receiver)s was told %(days)s day before release.",
                "%(receiver)s was told %(days)s days before release.",
                days,
            )
        else:
            days = -days
            text = ngettext(
                "%(receiver)s was told %(days)s day after release.",
                "%(receiver)s was told %(days)s days after release.",
                days,
            )
        return text % {"receiver": receiver, "days": days}


#: The deadlines the case's lead owns, whatever the rule's role: after the release the lead is the one
#: accountable (issue 22: the three-month follow-up is owned by the lead after release).
LEAD_KINDS = frozenset({DeadlineKind.OUTCOME_FOLLOW_UP})

#: The deadlines met by telling someone of the release date, and whom.
NOTICE_KINDS: dict[str, str] = {
    DeadlineKind.NAV_TOLD_OF_RELEASE: "nav",
    DeadlineKind.MUNICIPALITY_TOLD_OF_RELEASE: "municipality",
}
#: Who receives a release notice, by country: in Denmark the jobcenter and the kommune (seed 002,
#: God Løsladelse modules 2 and 5: the municipality is contacted and prepares the benefits).
NOTICE_RECEIVERS = {
    ("NO", "nav"): _("NAV"),
    ("NO", "municipality"): _("the home municipality"),
    ("DK", "nav"): _("the jobcenter"),
    ("DK", "municipality"): _("the municipality"),
}


def notice_receiver(recipient: str, country: str) -> str:
    """Name the receiver of a release notice as the country calls it."""
    return str(NOTICE_RECEIVERS.get((country, recipient)) or NOTICE_RECEIVERS[("NO", recipient)])


def anchor_date(anchor: str, facts: CaseFacts, case_road: Road | None) -> datetime.date | None:
    if anchor == _INTAKE:
        return facts.intake_date
    if anchor == _SENTENCE_START:
        return facts.sentence_start
    if anchor == _NEEDS_CONVERSATION:
        return facts.conversation_done
    if anchor == _LATEST_PLAN_REVIEW:
        return facts.latest_plan_review
    if anchor == _PAROLE:
        if case_road is not None and case_road.parole is not None:
            return case_road.parole
        return facts.expected_release
    if anchor == _RELEASE:
        return release_date(facts, case_road)
    if anchor == _PROBATION_JOINED:
        return facts.joined(Role.PROBATION)
    if anchor == _RELEASED:
        return facts.released_on
    raise ValueError(f"Unknown anchor {anchor!r}")


#: The deadlines met by the needs conversation (``met_on``): a set made once, not on each call.
CONVERSATION_KINDS = frozenset(
    {
        DeadlineKind.NEEDS_CONVERSATION,
        DeadlineKind.HOUSING_CONVERSATION,
        DeadlineKind.ACTION_PLAN,
        DeadlineKind.EXECUTION_PLAN,
    }
)


def met_on(kind: str, facts: CaseFacts, case_road: Road | None) -> datetime.date | None:
    """Return the day the recorded facts show the deadline met, or None."""
    if kind in CONVERSATION_KINDS:
        return facts.conversation_done
    if kind == DeadlineKind.PROPOSALS:
        return facts.first_proposal
    if kind == DeadlineKind.INCOMING_ACTORS_JOIN:
        return facts.joined(Role.PROBATION, Role.MUNICIPALITY)
    if kind == DeadlineKind.PROBATION_INVOLVED:
        return facts.joined(Role.PROBATION)
    if kind == DeadlineKind.NAV_TOLD_OF_RELEASE:
        return facts.told("nav", release_date(facts, case_road))
    if kind == DeadlineKind.MUNICIPALITY_TOLD_OF_RELEASE:
        return facts.told("municipality", release_date(facts, case_road))
    if kind == DeadlineKind.MUNICIPALITY_CONTACTED:
        dates = [n.told_on for n in facts.notices if n.recipient == "municipality"]
        joined = facts.joined(Role.MUNICIPALITY)
        dates += [joined] if joined else []
        return min(dates) if dates else None
    if kind == DeadlineKind.BENEFITS_READY:
        return facts.income_settled_on
    if kind == DeadlineKind.OUTCOME_FOLLOW_UP:
        return facts.outcome_follow_up_on
    # Plan revisions recur (the anchor moves with each review); probation's own work
    # after release is not recorded here.
    return None


def applies(rule: RuleData, facts: CaseFacts) -> bool:
    if rule.min_sentence_days is None and rule.max_sentence_days is None:
        return True
    if not facts.sentence_days:
        return False
    # A year is a year here, 29 February or not: the term in common years (cases.sentence).
    term = Term(facts.sentence_years, facts.sentence_months, facts.sentence_term_days)
    length = term.nominal_days if term.given else facts.sentence_days
    if rule.min_sentence_days is not None and length < rule.min_sentence_days:
        return False
    return rule.max_sentence_days is None or length <= rule.max_sentence_days


def state_of(due: datetime.date | None, met: datetime.date | None, today: datetime.date) -> str:
    if met is not None:
        return DeadlineState.MET
    if due is None:
        return DeadlineState.NOT_APPLICABLE
    if due < today:
        return DeadlineState.OVERDUE
    if due == today:
        return DeadlineState.DUE_TODAY
    return DeadlineState.UPCOMING


def needs_road(rules: Sequence[RuleData], facts: CaseFacts) -> bool:
    """Whether a deadline's date may hang on the road: a parole anchor, or a release not recorded."""
    return facts.expected_release is None or any(rule.anchor == _PAROLE for rule in rules)


def evaluate(rules: Sequence[RuleData], facts: CaseFacts, today: datetime.date) -> list[DeadlineResult]:
    """Return every rule's deadline for the case, in the rule set's order.

    The road is built only where a date hangs on it (``needs_road``): "what is due" evaluates every
    case of the user's, and the road is two thirds of a case's evaluation.
    """
    case_road = road(facts) if needs_road(rules, facts) else None
    results = []
    for rule in rules:
        if not applies(rule, facts):
            results.append(DeadlineResult(rule=rule, due=None, state=DeadlineState.NOT_APPLICABLE, met_on=None))
            continue
        anchor = anchor_date(rule.anchor, facts, case_road)
        due = shift(anchor, rule.offset, rule.unit, facts.country) if anchor is not None else None
        met = met_on(rule.kind, facts, case_road)
        results.append(
            DeadlineResult(
                rule=rule,
                due=due,
                state=state_of(due, met, today),
                met_on=met,
                owners=tuple(facts.lead() if rule.kind in LEAD_KINDS else facts.owners(rule.owner_role)),
                waiting_for="" if anchor is not None else str(Anchor(rule.anchor).label),
                release_on=release_date(facts, case_road) if rule.kind in NOTICE_KINDS else None,
                country=facts.country,
            )
        )
    return results


def overdue_count(rules: Sequence[RuleData], facts: CaseFacts, today: datetime.date) -> int:
    """Return how many of the case's deadlines are overdue: ``evaluate``'s count, without its texts.

    The unit overview needs only this number for every open case of a unit; building each
    deadline's owners, labels and notice dates there was most of that page's time (bench/notes.md).
    The road is built only where a date hangs on it: the parole anchor, or a release not recorded.
    """
    case_road = road(facts) if needs_road(rules, facts) else None
    count = 0
    for rule in rules:
        if (rule.min_sentence_days is not None or rule.max_sentence_days is not None) and not applies(rule, facts):
            continue  # ``applies`` called only where it may say no: most rules apply to every sentence
        anchor = anchor_date(rule.anchor, facts, case_road)
        due = shift(anchor, rule.offset, rule.unit, facts.country) if anchor is not None else None
        if due is None or due >= today:
            continue
        if met_on(rule.kind, facts, case_road) is None:
            count += 1
    return count


#: The kinds of fact read in bulk besides the case's own columns (``timetable.selectors.facts_for_cases``),
#: by what the engine reads of them: the current members (``joined``, ``owners``), the release notices
#: (``told``), the housing and income needs (``housing_open``, ``income_settled_on``), the plan versions
#: (``latest_plan_review``, with the needs conversations) and the follow-up after release.
MEMBERS, NOTICES, NEEDS, PLAN_VERSIONS, FOLLOW_UPS = "members", "notices", "needs", "plan_versions", "follow_ups"

#: The anchors whose date is one of the case's own columns, whatever else is recorded.
COLUMN_ANCHORS = frozenset({Anchor.INTAKE, Anchor.SENTENCE_START, Anchor.RELEASED})

#: The kinds of fact ``met_on`` reads for a deadline of each kind (the needs conversations, and the
#: proposals after them, are read for every case).
MET_READS: dict[str, frozenset[str]] = {
    DeadlineKind.INCOMING_ACTORS_JOIN: frozenset({MEMBERS}),
    DeadlineKind.PROBATION_INVOLVED: frozenset({MEMBERS}),
    DeadlineKind.NAV_TOLD_OF_RELEASE: frozenset({NOTICES}),
    DeadlineKind.MUNICIPALITY_TOLD_OF_RELEASE: frozenset({NOTICES}),
    DeadlineKind.MUNICIPALITY_CONTACTED: frozenset({MEMBERS, NOTICES}),
    DeadlineKind.BENEFITS_READY: frozenset({NEEDS}),
    DeadlineKind.OUTCOME_FOLLOW_UP: frozenset({FOLLOW_UPS}),
}


def counts_read(rules: Sequence[RuleData], facts: CaseFacts, today: datetime.date) -> set[str]:
    """Return the kinds of fact ``overdue_count`` and ``at_risk`` may read for the case, from its own columns.

    ``facts`` need hold only the case's columns (and its needs conversations: always read). A
    deadline reads what shows it met only once it is past due; where the due date hangs on a
    fact or on the road, the kinds it may read are all counted. The other kinds are not read, so
    a prison's overview reads them only for the cases that need them (``unit_overview_for``).
    """
    found: set[str] = set()
    release = facts.expected_release
    for rule in rules:
        if (rule.min_sentence_days is not None or rule.max_sentence_days is not None) and not applies(rule, facts):
            continue  # neither its anchor nor what shows it met is read
        if rule.anchor == _PROBATION_JOINED:
            found.add(MEMBERS)
        elif rule.anchor == _LATEST_PLAN_REVIEW:
            found.add(PLAN_VERSIONS)
        reads = MET_READS.get(rule.kind)
        if reads is None or reads <= found:
            continue
        if rule.anchor in COLUMN_ANCHORS or (rule.anchor == _RELEASE and release is not None):
            anchor = anchor_date(rule.anchor, facts, None)
            if anchor is None or shift(anchor, rule.offset, rule.unit, facts.country) >= today:
                continue  # not past due: what shows it met is not read
        found |= reads
    if release is not None and not release_day_risk(release, facts.country):
        days_left = (release - today).days
        if 0 <= days_left < RISK_GROUP_DAYS:
            found |= {MEMBERS, NOTICES}
        if 0 <= days_left <= RISK_HOUSING_DAYS:
            found.add(NEEDS)
    return found


# ---------------------------------------------------------------------------------------
# Release risks

#: A release closer than this needs probation or the municipality in the group, and
#: NAV and the municipality told of the date (DOMAIN.md §7: at least 8 weeks before).
RISK_GROUP_DAYS = 56
#: Housing must be in place this long before release.
RISK_HOUSING_DAYS = 28


#: NAV in Norway; the municipality's jobcentre in Denmark; Arbetsförmedlingen in Sweden (accounts.country_names).
NAV_NOT_TOLD = {
    "NO": pgettext_lazy("Norway", "NAV not yet told of the release date"),
    "DK": _("The jobcentre not yet told of the release date"),
    "SE": _("Arbetsförmedlingen not yet told of the release date"),
}


@dataclass(frozen=True)
class Risk:
    code: str
    label: str


def risks(facts: CaseFacts, today: datetime.date) -> list[Risk]:
    """Return the release risks of DOMAIN.md §7 and issue 4 for the case."""
    found: list[Risk] = []
    release = facts.expected_release
    if facts.legal_status == "remand" and release is None:
        found.append(Risk("remand_unknown_release", str(_("Remand with no known release date"))))
    if release is None:
        return found
    weekday = release.weekday()
    if weekday == 4:
        found.append(Risk("friday_release", str(_("Release on a Friday"))))
    elif weekday >= 5:
        found.append(Risk("weekend_release", str(_("Release on a weekend"))))
    if is_public_holiday(release, facts.country):
        found.append(Risk("holiday_release", str(_("Release on a public holiday"))))
    elif is_public_holiday(release + datetime.timedelta(days=1), facts.country):
        found.append(Risk("holiday_eve_release", str(_("Release on the eve of a public holiday"))))
    days_left = (release - today).days
    if 0 <= days_left < RISK_GROUP_DAYS:
        if facts.joined(Role.PROBATION, Role.MUNICIPALITY) is None:
            found.append(
                Risk("no_incoming_actor", str(_("Release within 8 weeks and no probation or municipal member")))
            )
        if facts.told("nav", release) is None:
            found.append(Risk("nav_not_told", str(NAV_NOT_TOLD.get(facts.country, NAV_NOT_TOLD["NO"]))))
        if facts.told("municipality", release) is None:
            found.append(
                Risk("municipality_not_told", str(_("The home municipality not yet told of the release date")))
            )
    if 0 <= days_left <= RISK_HOUSING_DAYS and facts.housing_open:
        found.append(Risk("housing_not_in_place", str(_("Housing not in place 4 weeks before release"))))
    return found


def release_day_risk(release: datetime.date, country: str) -> bool:
    """Whether the day of release is itself a risk: a Friday, a weekend, a public holiday or its eve."""
    return (
        release.weekday() >= 4
        or is_public_holiday(release, country)
        or is_public_holiday(release + datetime.timedelta(days=1), country)
    )


def at_risk(facts: CaseFacts, today: datetime.date) -> bool:
    """Return whether the case has any release risk: ``bool(risks(...))``, without naming them.

    The coordinator's start page counts the cases at risk in the prison; naming each risk in
    the reader's language was a third of ``risks``' time there. Read in ``risks``' order, the
    release day first, so a case with a risky day of release needs none of its other facts
    (``counts_read``).
    """
    release = facts.expected_release
    if release is None:
        return facts.legal_status == "remand"
    if release_day_risk(release, facts.country):
        return True
    days_left = (release - today).days
    if 0 <= days_left < RISK_GROUP_DAYS and (
        facts.joined(Role.PROBATION, Role.MUNICIPALITY) is None
        or facts.told("nav", release) is None
        or facts.told("municipality", release) is None
    ):
        return True
    return 0 <= days_left <= RISK_HOUSING_DAYS and facts.housing_open


def sort_due(items: Iterable[tuple[DeadlineResult, object]], today: datetime.date) -> dict[str, list]:
    """Group open deadlines: overdue first, then this week, then later, each by due date."""
    week_end = today + datetime.timedelta(days=7)
    groups: dict[str, list] = {"overdue": [], "this_week": [], "later": []}
    for result, extra in sorted(items, key=lambda pair: (pair[0].due, pair[0].rule.position, pair[0].rule.code)):
        if result.state == DeadlineState.OVERDUE:
            groups["overdue"].append((result, extra))
        elif result.due is not None and result.due <= week_end:  # an open deadline has a due date
            groups["this_week"].append((result, extra))
        else:
            groups["later"].append((result, extra))
    return groups
