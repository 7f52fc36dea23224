"""Obstacles the system sees in its own data (DOMAIN.md §8; issue 19 point 3).

Each rule reads the cases in a few queries whatever their number, and proposes findings;
each finding has a key unique to its case, rule and event (``Obstacle.detection_key``), so
a rerun finds nothing new, and two runs at once cannot log one event twice. Each is coded
to the reentry map and explained by its rule in words; the numbers are ``Threshold`` rows
with their source (``obstacles.thresholds``).

The rules:

- ``notice-nav`` / ``notice-municipality``: NAV (or the home municipality) was told of the
  release fewer than N days before it, or not at all by then (EX/IN 2024: «Noen ganger får NAV
  beskjed samme dag eller etter at løslatelsen har funnet sted»). Codes 3.1.4 and 4.
- ``release-day``: the release falls on a Friday, a weekend day or the eve of a public holiday
  (EX/IN 2024: «kriminalomsorgen kan løslate innsatte en fredag ettermiddag»). Code 4. The
  holidays are the case's country's (``core.workdays``).
- ``handover-gap``: a transfer or release was recorded as done before any incoming actor had
  taken hold (the handover's own flag). Code 4 (seed 001 §5: the handover is fragile).
- ``needs-without-measure``: N days after the plan was first saved, open needs still have no
  measure. Code 1.3.2.
- ``needs-conversation-late``: the first completed needs conversation (part 1) was held more than
  N days after intake (seed 001, POP step 2: within the week after intake). Cases in Norwegian
  prisons, whose rule set the threshold is taken from. Code 2 (not enough resources in the
  prison; seed 000: «kriminalomsorgen har lav kapasitet»).
- ``release-without-housing`` / ``-income`` / ``-municipal-contact``: a release (or parole, or
  home detention) was completed while its checklist's place to live, income from the day of
  release, or named contact in the municipality was still missing, or was done only after the
  day. Codes 2.1.6 (a home of one's own), 3.1.4 (the process with the local NAV office) and
  2.1.4 (the home municipality catches the person). Seed 000: «Bolig er en stor utfordring og er
  sjeldent forberedt».
- ``refused-without-reason``: an application was refused (wholly or in part) with no reason
  recorded. Code 1.2.1 («avslag på søknader uten å se begrunnelsen»).
- ``consent-never-asked``: N days after the needs conversation, no consent was ever recorded
  (seed 001, POP step 3: consent is asked at the end of the needs conversation). The system
  records a consent given, not one declined, so the explanation says what it knows: none was
  recorded. Code 4 (without it the agencies that take over cannot see the needs: the handover
  is fragile).
- ``summons-late``: a case registered before its sentence starts got its summons fewer than
  ``SUMMONS_MIN_DAYS_AHEAD`` days before the start (``timetable.engine.summons_send_by``), or
  none was sent by that day, so it cannot come in time any more. Code 3.2.4 (seed 001 §3.2.4 and
  §5: too little time to prepare, no money set aside, new debt during the sentence). Found the
  day after the last day to send it, or on the day it was sent late; one per case, so a summons
  sent later does not count twice.

The release date is the recorded release, else the expected one: a Friday release seen in
the plan is worth knowing before it happens; if the date moves, the new date is a new event.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import DateField, Exists, F, Min, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.models import AgencyKind, Country
from applications.models import Application, Outcome
from cases.models import Case, Stage
from consent.models import Consent
from core.workdays import is_day_off, is_public_holiday
from handover.models import Transition, TransitionKind, TransitionState
from needs.models import Need, NeedsConversation, NeedStatus
from obstacles.models import Challenge, Obstacle, ObstacleStage, Threshold
from obstacles.services import Finding, detected_record
from obstacles.thresholds import (
    CONSENT_ASKED_DAYS,
    MUNICIPALITY_NOTICE_DAYS,
    NAV_NOTICE_DAYS,
    NEEDS_CONVERSATION_DAYS,
    NEEDS_WITHOUT_MEASURE_DAYS,
    THRESHOLDS,
)
from plans.models import Measure, PlanVersion
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from summons.selectors import registered_before_start
from timetable import engine
from timetable.models import NoticeRecipient, ReleaseNotice

#: How far back a release is still looked at (a rerun over old data finds nothing new anyway).
LOOK_BACK = datetime.timedelta(days=365)


def threshold(key: str) -> int:
    """The rule's number as the administrator set it, else the seeded default."""
    value = Threshold.objects.filter(key=key).values_list("value", flat=True).first()
    return value if value is not None else next(v for k, v, _source in THRESHOLDS if k == key)


def _day(value: datetime.date) -> str:
    return date_format(value, "j. F Y")


def _release_cases(today: datetime.date, until: datetime.date) -> list[dict[str, Any]]:
    """Cases with a release date (recorded, else expected) from a year back up to ``until``."""
    found = (
        Case.objects.exclude(stage=Stage.CLOSED, released_on__isnull=True)
        .annotate(release=Coalesce("released_on", "expected_release", output_field=DateField()))
        .filter(release__gte=today - LOOK_BACK, release__lte=until)
        .values("pk", "release", "country", "released_on")
    )
    return [dict(row) for row in found]


def notice_findings(today: datetime.date) -> list[Finding]:
    found = []
    rules = (
        (NoticeRecipient.NAV, NAV_NOTICE_DAYS, "notice-nav", "3.1.4", AgencyKind.NAV, _("NAV")),
        (
            NoticeRecipient.MUNICIPALITY,
            MUNICIPALITY_NOTICE_DAYS,
            "notice-municipality",
            "4",
            AgencyKind.MUNICIPALITY,
            _("The home municipality"),
        ),
    )
    for recipient, key, rule, code, bore, who in rules:
        days = threshold(key)
        # Only releases whose deadline has passed: until then, a notice can still come in time.
        cases = _release_cases(today, today + datetime.timedelta(days=days - 1))
        first_told = dict(
            ReleaseNotice.objects.filter(recipient=recipient, case_id__in=[row["pk"] for row in cases])
            .values("case_id")
            .annotate(first=Min("told_on"))
            .values_list("case_id", "first")
        )
        for row in cases:
            release = row["release"]
            assert isinstance(release, datetime.date)
            told = first_told.get(row["pk"])
            if told is not None and (release - told).days >= days:
                continue
            if told is None or told > release:
                why = _("%(who)s had not been told of the release on %(day)s %(days)d days before it.") % {
                    "who": who,
                    "day": _day(release),
                    "days": days,
                }
            else:
                why = _(
                    "%(who)s was told of the release on %(day)s only %(told)d days before it (the rule: %(days)d)."
                ) % {
                    "who": who,
                    "day": _day(release),
                    "told": (release - told).days,
                    "days": days,
                }
            found.append(
                Finding(
                    case_id=int(str(row["pk"])),
                    rule=rule,
                    key=f"{rule}:{row['pk']}:{release.isoformat()}",
                    code=code,
                    stage=ObstacleStage.PREPARING_RELEASE,
                    failed=AgencyKind.PRISON,
                    bore=bore,
                    on=min(release, today),
                    what=_("Told of the release too late, or not at all."),
                    why=why,
                )
            )
    return found


def release_day_findings(today: datetime.date) -> list[Finding]:
    found = []
    for row in _release_cases(today, today + datetime.timedelta(days=365)):
        release, country = row["release"], str(row["country"])
        assert isinstance(release, datetime.date)
        following = release + datetime.timedelta(days=1)
        if release.weekday() == 4:
            kind = _("a Friday")
        elif is_day_off(release, country) and release.weekday() >= 5:
            kind = _("a weekend day")
        elif is_public_holiday(following, country):
            kind = _("the eve of a public holiday")
        else:
            continue
        found.append(
            Finding(
                case_id=int(str(row["pk"])),
                rule="release-day",
                key=f"release-day:{row['pk']}:{release.isoformat()}",
                code="4",
                stage=ObstacleStage.RELEASE,
                failed=AgencyKind.PRISON,
                bore=AgencyKind.NAV,
                on=min(release, today),
                what=_("Release on %(kind)s, when the services are closed.") % {"kind": kind},
                why=_("The release on %(day)s falls on %(kind)s: NAV and the municipality cannot take over that day.")
                % {"day": _day(release), "kind": kind},
            )
        )
    return found


def handover_gap_findings(today: datetime.date) -> list[Finding]:
    found = []
    transitions = (
        Transition.objects.filter(state=TransitionState.COMPLETED, handover_gap=True)
        .filter(completed_on__gte=today - LOOK_BACK)
        .values("pk", "case_id", "kind", "completed_on", "to_agency__kind")
    )
    for row in transitions:
        done = row["completed_on"]
        if done is None:  # a completed transition has its day; the database allows none
            continue
        released = row["kind"] in {TransitionKind.RELEASE, TransitionKind.PAROLE, TransitionKind.HOME_DETENTION}
        found.append(
            Finding(
                case_id=row["case_id"],
                rule="handover-gap",
                key=f"handover-gap:{row['case_id']}:{row['pk']}",
                code="4",
                stage=ObstacleStage.RELEASE if released else ObstacleStage.DURING_SENTENCE,
                failed=AgencyKind.PRISON,
                bore=row["to_agency__kind"] or AgencyKind.MUNICIPALITY,
                on=done,
                what=_("The transfer or release happened before anyone who takes over had taken hold."),
                why=_("The handover done on %(day)s was recorded with no incoming actor who had taken hold.")
                % {"day": _day(done)},
            )
        )
    return found


def needs_without_measure_findings(today: datetime.date) -> list[Finding]:
    days = threshold(NEEDS_WITHOUT_MEASURE_DAYS)
    since = timezone.now() - datetime.timedelta(days=days)
    first_plans = PlanVersion.objects.values("case_id").annotate(first=Min("created_at")).filter(first__lte=since)
    plans = {row["case_id"]: row["first"] for row in first_plans}
    unanswered = (
        Need.objects.filter(case_id__in=list(plans), status=NeedStatus.OPEN)
        .filter(~Exists(Measure.objects.filter(needs=OuterRef("pk"))))
        .exclude(case__stage=Stage.CLOSED)
        .values_list("case_id", flat=True)
        .distinct()
        .order_by("case_id")
    )
    found = []
    for case_id in unanswered:
        made = timezone.localdate(plans[case_id])
        found.append(
            Finding(
                case_id=case_id,
                rule="needs-without-measure",
                # One event per case: the plan was made and needs were left without a measure.
                key=f"needs-without-measure:{case_id}",
                code="1.3.2",
                stage=ObstacleStage.DURING_SENTENCE,
                failed=AgencyKind.PRISON,
                bore="",
                on=made + datetime.timedelta(days=days),
                what=_("Needs were mapped, but some still have no measure."),
                # Neither the needs nor their number: a private need stays private.
                why=_("%(days)d days after the plan was first saved on %(day)s, open needs still had no measure.")
                % {"days": days, "day": _day(made)},
            )
        )
    return found


def _first_conversations(since: datetime.date) -> dict[int, datetime.date]:
    """Each open case's first completed needs conversation (part 1), if held since ``since``."""
    return {
        case_id: first
        for case_id, first in NeedsConversation.objects.filter(completed=True, part=1)
        .exclude(case__stage=Stage.CLOSED)
        .values("case_id")
        .annotate(first=Min("held_on"))
        .filter(first__gte=since)
        .order_by()
        .values_list("case_id", "first")
    }


def needs_conversation_late_findings(today: datetime.date) -> list[Finding]:
    days = threshold(NEEDS_CONVERSATION_DAYS)
    held = _first_conversations(today - LOOK_BACK)
    intakes = dict(
        Case.objects.filter(pk__in=list(held), country=Country.NORWAY).values_list("pk", "intake_date").order_by()
    )
    found = []
    for case_id, intake in sorted(intakes.items()):
        first = held[case_id]
        late = (first - intake).days
        if late <= days:
            continue
        found.append(
            Finding(
                case_id=case_id,
                rule="needs-conversation-late",
                key=f"needs-conversation-late:{case_id}",
                code="2",
                stage=ObstacleStage.DURING_SENTENCE,
                failed=AgencyKind.PRISON,
                bore="",
                on=first,
                what=_("The needs conversation was held late."),
                why=_(
                    "The needs conversation was held on %(day)s, %(late)d days after intake on %(intake)s "
                    "(the rule: within %(days)d days)."
                )
                % {"day": _day(first), "late": late, "intake": _day(intake), "days": days},
            )
        )
    return found


#: Checklist items a release must not go without: (item, rule, code, the agency that failed).
RELEASE_ESSENTIALS = (
    (ReadinessKey.HOUSING, "release-without-housing", "2.1.6", AgencyKind.MUNICIPALITY),
    (ReadinessKey.INCOME, "release-without-income", "3.1.4", AgencyKind.NAV),
    (ReadinessKey.MUNICIPAL_CONTACT, "release-without-municipal-contact", "2.1.4", AgencyKind.MUNICIPALITY),
)


def release_without_findings(today: datetime.date) -> list[Finding]:
    essentials: dict[str, tuple[str, str, str]] = {
        str(key): (rule, code, failed) for key, rule, code, failed in RELEASE_ESSENTIALS
    }
    items = (
        ReadinessItem.objects.filter(
            key__in=list(essentials),
            transition__state=TransitionState.COMPLETED,
            transition__completed_on__gte=today - LOOK_BACK,
            transition__kind__in=[TransitionKind.RELEASE, TransitionKind.PAROLE, TransitionKind.HOME_DETENTION],
        )
        .exclude(state=ReadinessState.NOT_NEEDED)
        .values_list("transition_id", "transition__case_id", "transition__completed_on", "key", "state", "done_on")
        .order_by("transition_id", "key")
    )
    found = []
    for transition_id, case_id, released, key, state, done_on in items:
        if released is None or (state == ReadinessState.DONE and (done_on is None or done_on <= released)):
            continue
        rule, code, failed = essentials[key]
        label = ReadinessKey(key).label
        found.append(
            Finding(
                case_id=case_id,
                rule=rule,
                key=f"{rule}:{case_id}:{transition_id}",
                code=code,
                stage=ObstacleStage.RELEASE,
                failed=failed,
                bore="",
                on=released,
                what=_("Released without this in place: %(item)s.") % {"item": label},
                why=_("On the day of release, %(day)s, the checklist item «%(item)s» was not done.")
                % {"day": _day(released), "item": label},
            )
        )
    return found


def refused_without_reason_findings(today: datetime.date) -> list[Finding]:
    refused = (
        Application.objects.filter(outcome__in=[Outcome.REFUSED, Outcome.PARTLY], reason="")
        .filter(decided_on__gte=today - LOOK_BACK)
        .values_list("pk", "case_id", "decided_on", "decides__kind")
        .order_by("pk")
    )
    found = []
    for pk, case_id, decided, decides in refused:
        on = decided or today
        found.append(
            Finding(
                case_id=case_id,
                rule="refused-without-reason",
                key=f"refused-without-reason:{pk}",
                code="1.2.1",
                stage=ObstacleStage.DURING_SENTENCE,
                failed=decides or "",
                bore="",
                on=on,
                what=_("An application was refused without a reason."),
                why=_("The application decided on %(day)s was refused with no reason recorded.") % {"day": _day(on)},
            )
        )
    return found


def consent_never_asked_findings(today: datetime.date) -> list[Finding]:
    days = threshold(CONSENT_ASKED_DAYS)
    held = {
        case_id: first
        for case_id, first in _first_conversations(today - LOOK_BACK).items()
        if first <= today - datetime.timedelta(days=days)
    }
    with_consent = set(Consent.objects.filter(case_id__in=list(held)).values_list("case_id", flat=True))
    found = []
    for case_id, first in sorted(held.items()):
        if case_id in with_consent:
            continue
        found.append(
            Finding(
                case_id=case_id,
                rule="consent-never-asked",
                key=f"consent-never-asked:{case_id}",
                code="4",
                stage=ObstacleStage.DURING_SENTENCE,
                failed=AgencyKind.PRISON,
                bore="",
                on=first + datetime.timedelta(days=days),
                what=_("No consent was recorded after the needs conversation."),
                why=_(
                    "%(days)d days after the needs conversation on %(day)s, no consent to share the needs "
                    "had been recorded: it is asked at the end of the conversation."
                )
                % {"days": days, "day": _day(first)},
            )
        )
    return found


def summons_late_findings(today: datetime.date) -> list[Finding]:
    """Cases registered before the start whose summons came too late or not in time (one query)."""
    rows = (
        Case.objects.filter(
            registered_before_start(),
            intake_date__gte=today - LOOK_BACK,
            intake_date__lte=today + datetime.timedelta(days=settings.SUMMONS_MIN_DAYS_AHEAD),
        )
        .annotate(sent_at=F("summons__sent_at"))
        .values("pk", "intake_date", "sent_at")
        .order_by("pk")
    )
    found = []
    for row in rows:
        start = row["intake_date"]
        send_by = engine.summons_send_by(start)
        sent_on = timezone.localdate(row["sent_at"]) if row["sent_at"] is not None else None
        if sent_on is not None and sent_on <= send_by:
            continue
        if sent_on is None and today <= send_by:
            continue  # it can still go out in time
        if sent_on is not None:
            on = sent_on
            days = (start - sent_on).days
            what = ngettext(
                "The summons was sent %(days)d day before the start.",
                "The summons was sent %(days)d days before the start.",
                days,
            ) % {"days": days}
        else:
            on = send_by + datetime.timedelta(days=1)
            what = _("No summons was sent in time before the start.")
        found.append(
            Finding(
                case_id=row["pk"],
                rule="summons-late",
                key=f"summons-late:{row['pk']}",
                code="3.2.4",
                stage=ObstacleStage.DURING_SENTENCE,
                failed=AgencyKind.PRISON,
                bore="",
                on=min(on, today),
                what=what,
                why=_(
                    "The sentence starts on %(start)s: the summons should go out by %(send_by)s, %(days)d days "
                    "before, so there is time to tell NAV, keep the home and sort out debts."
                )
                % {"start": _day(start), "send_by": _day(send_by), "days": settings.SUMMONS_MIN_DAYS_AHEAD},
            )
        )
    return found


RULES = (
    notice_findings,
    release_day_findings,
    handover_gap_findings,
    needs_without_measure_findings,
    needs_conversation_late_findings,
    release_without_findings,
    refused_without_reason_findings,
    consent_never_asked_findings,
    summons_late_findings,
)


@dataclass(frozen=True)
class DetectionResult:
    found: int
    new: int


def detect(today: datetime.date | None = None) -> DetectionResult:
    """Run every rule and log the new findings, each journaled; what an earlier run logged is skipped."""
    today = today or timezone.localdate()
    # Explanations are stored in Norwegian, the default language; the rule and the code say the rest.
    with override("nb"):
        findings = [finding for rule in RULES for finding in rule(today)]
    codes = dict(Challenge.objects.values_list("code", "pk"))
    keys = [finding.key for finding in findings]
    known: set[str] = set()
    for start in range(0, len(keys), 5000):
        known |= {
            key
            for key in Obstacle.objects.filter(detection_key__in=keys[start : start + 5000]).values_list(
                "detection_key", flat=True
            )
            if key is not None
        }
    new = {finding.key: finding for finding in findings if finding.key not in known}
    if not new:
        return DetectionResult(found=len(findings), new=0)
    return DetectionResult(found=len(findings), new=len(detected_record(list(new.values()), codes)))
