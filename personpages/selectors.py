"""The person's road in plain words (issue 18, point 2; seed 001, 1.2.2: the road is "foggy").

The same dates as the staff timetable (``timetable.engine.road``), each said in one short
sentence for the person, the estimate labelled, the rule behind a "why".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.policy import CaseAccess
from achievements.models import Achievement
from achievements.selectors import achievements_for
from applications.selectors import ApplicationRow, applications_for_case, case_road
from cases.models import Case, Membership
from cases.selectors import current_members, next_meetings
from consent.models import Consent
from consent.selectors import active_consent
from meetings.models import Meeting
from needs.models import Need
from needs.selectors import needs_for_case
from plans.models import Measure
from plans.selectors import measures_for_case
from release.selectors import Readiness, readiness_for

#: What each step of the road means for the person, in their words.
STEP_LABELS = {
    "leave": gettext_lazy("Leave, and work or school outside by day"),
    "home_with_conditions": gettext_lazy("Serve at home with rules"),
    "institution": gettext_lazy("Serve in a place outside the prison"),
    "electronic_control": gettext_lazy("Live at home with an ankle tag"),
    "half_time_parole": gettext_lazy("Out on parole at half time"),
    "electronic_tag": gettext_lazy("Serve at home with an ankle tag"),
    "parole": gettext_lazy("Out on parole"),
    "full_time": gettext_lazy("Your sentence ends"),
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    date: datetime.date
    #: One short sentence for the person.
    sentence: str
    #: The rule, for the "why".
    citation: str
    #: The date has come: the person may apply now.
    now: bool


@dataclass(frozen=True)
class Mark:
    """One labelled mark on the picture of the road."""

    date: datetime.date
    label: str
    today: bool = False


@dataclass(frozen=True)
class PersonRoad:
    steps: list[Step]
    next_steps: list[Step]
    marks: list[Mark]
    release: datetime.date | None
    release_recorded: bool


def step_sentence(key: str, label: str, day: datetime.date, today: datetime.date) -> str:
    when = _date(day)
    if key == "full_time":
        return _("%(what)s on %(day)s.") % {"what": label, "day": when}
    if day <= today:
        return _("%(what)s: you may apply now.") % {"what": label}
    return _("%(what)s: from %(day)s at the earliest.") % {"what": label, "day": when}


def _date(day: datetime.date) -> str:
    return date_format(day, "j. F Y")


def road_for_person(case: Case, next_count: int = 3) -> PersonRoad | None:
    """The road as the person reads it; None while the sentence is not known."""
    road = case_road(case)
    if road is None:
        return None
    today = timezone.localdate()
    steps = []
    for milestone in road.milestones:
        if milestone.date is None:
            continue
        label = str(STEP_LABELS.get(milestone.key, milestone.label))
        steps.append(
            Step(
                key=milestone.key,
                label=label,
                date=milestone.date,
                sentence=step_sentence(milestone.key, label, milestone.date, today),
                citation=milestone.citation,
                now=milestone.date <= today,
            )
        )
    steps.sort(key=lambda step: step.date)
    release = case.expected_release or road.release_estimate
    marks = [Mark(road.intake, _("You came in"))]
    marks += [Mark(step.date, step.label) for step in steps]
    marks.append(Mark(today, _("Today"), today=True))
    if release not in {step.date for step in steps}:
        marks.append(Mark(release, _("Expected release")))
    marks.sort(key=lambda mark: (mark.date, not mark.today))
    return PersonRoad(
        steps=steps,
        next_steps=[step for step in steps if step.date > today][:next_count],
        marks=marks,
        release=release,
        release_recorded=case.expected_release is not None,
    )


# ---------------------------------------------------------------------------------------
# The plan to hold in the hand (issue 18, point 4)


@dataclass(frozen=True)
class PrintedPlan:
    """What the printed plan holds, each part as this viewer may see it (``access.policy``)."""

    case: Case
    printed_on: datetime.date
    contact: Membership | None
    members: list[Membership]
    meetings: list[Meeting]
    needs: list[Need]
    measures: list[Measure]
    road: PersonRoad | None
    applications: list[ApplicationRow]
    #: What the person has achieved (the person's own from every case; staff print the case's).
    achievements: list[Achievement]
    readiness: Readiness | None
    consent: Consent | None


#: Measures that are part of the plan: not the rejected and cancelled ones.
PRINTED_STATUSES = ("proposed", "chosen", "started", "done")


def plan_for_print(access: CaseAccess) -> PrintedPlan:
    """The plan as the person holds it; a member of staff printing it gets what they themselves may see."""
    case = access.case
    members = list(current_members(case))
    contact = next((member for member in members if member.pk == case.lead_id), None)
    readiness = readiness_for(access, with_notices=False) if access.sees_readiness else None
    return PrintedPlan(
        case=case,
        printed_on=timezone.localdate(),
        contact=contact,
        members=members,
        meetings=next_meetings(case) if access.sees_meetings else [],
        needs=list(needs_for_case(access).select_related("life_area")),
        measures=[m for m in measures_for_case(access) if m.status in PRINTED_STATUSES],
        road=road_for_person(case) if access.sees_case_facts else None,
        applications=applications_for_case(access) if access.sees_applications else [],
        achievements=list(achievements_for(access)),
        readiness=readiness,
        consent=active_consent(case) if access.consent_active else None,
    )
