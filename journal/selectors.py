"""Reads of the journal: who has looked at a case, grouped so that a person can read it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, Max, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from access.models import Reason, ReasonedAccess
from access.policy import CaseAccess
from accounts.models import Role
from journal.models import AccessEvent, AccessPurpose

#: Groups of reads shown on one page of "who has looked".
ACCESS_LOG_PAGE_SIZE = 50

#: What was opened, in words the person understands; keyed by a topic the query computes.
TOPIC_LABELS: dict[str, StrOrPromise] = {
    "needs": _("your needs"),
    "plan": _("your plan"),
    "meetings": _("your meetings"),
    "consent": _("your consent"),
    "group": _("who is in your group"),
    "thread": _("the messages in your group"),
    "timetable": _("your dates and deadlines"),
    "release": _("what is ready for your release"),
    "handover": _("the handover to the next service"),
    "changes": _("the changes made to your case"),
    "access_log": _("this list of who has looked"),
    "list": _("a list of cases, with your name and case number"),
    "reminder": _("a reminder about a deadline in your case"),
    "case": _("the front page of your case"),
    "carry_over": _("your earlier case, to use it in your new one"),
    "applications": _("your applications and the answers"),
    "achievements": _("what you have achieved at work and school"),
    "programmes": _("the programmes you may fit, and your place in one"),
    "summons": _("your summons and your list to get ready"),
    "obstacles": _("what stands in the way of your plan"),
    "referral": _("a referral to a service, with what you agreed to share"),
    "outcomes": _("how it went after your release: work, school and new charges"),
}

# The URL name each read recorded (AccessEvent.view), by exact name first, then by its app.
TOPIC_BY_NAME = {
    "cases:caseload": "list",
    "cases:unit": "list",
    "cases:open_with_reason": "case",
    "cases:invitations": "list",
    "timetable:due": "list",
    "timetable:calendar_feed": "list",
    "timetable:inbox": "reminder",
    "timetable:case": "timetable",
    "personpages:road": "timetable",
    "personpages:plan_pdf": "plan",
    "cases:changes": "changes",
    "cases:access_log": "access_log",
    "cases:group": "group",
    "cases:member_add": "group",
    "cases:member_end": "group",
    "cases:member_make_lead": "group",
    "cases:meeting_new": "meetings",
    "cases:carry_over": "carry_over",
    "cases:carry_over_ask": "carry_over",
    "cases:carry_over_person": "carry_over",
    "cases:carry_over_holder": "carry_over",
    # The coordinator's list of the prison's obstacles, and the cases behind one box of the map.
    "obstacles:unit": "list",
    "obstacles:map": "list",
    # The directory: a service's list of referrals, and the measure a service is linked or referred from.
    "directory:referrals": "list",
    "directory:measure_service": "plan",
    "directory:refer": "plan",
    # The person's own words (issue 18, point 3): on a need, a wish, on a proposal, a meeting they ask for.
    "ownwords:need": "needs",
    "ownwords:wish": "needs",
    "ownwords:proposal": "plan",
    "ownwords:meeting": "meetings",
    "ownwords:answered": "meetings",
    # A few questions for the person (issue 22, point 5): the page reads only whether a moment has come.
    "surveys:answer": "case",
    # The integration API, read for a member by their agency's system (api/): the list, and one case.
    "api:cases": "list",
    "api:case": "case",
}
TOPIC_BY_APP = {
    "needs": "needs",
    "plans": "plan",
    "meetings": "meetings",
    "consent": "consent",
    "threads": "thread",
    "release": "release",
    "handover": "handover",
    "applications": "applications",
    "achievements": "achievements",
    "programmes": "programmes",
    "summons": "summons",
    "obstacles": "obstacles",
    "directory": "referral",
    "outcomes": "outcomes",
}


def _topic() -> Case:
    """An expression naming what a read opened, from the URL name the access event holds."""
    by_name = [When(view=name, then=Value(topic)) for name, topic in TOPIC_BY_NAME.items()]
    by_app = [When(view__startswith=f"{app}:", then=Value(topic)) for app, topic in TOPIC_BY_APP.items()]
    return Case(*by_name, *by_app, default=Value("case"), output_field=CharField())


@dataclass(frozen=True)
class LookedRow:
    """Everything one person did on one day with one part of the case."""

    day: datetime.date
    last_at: datetime.datetime
    name: str
    role: StrOrPromise
    agency: str
    topic: StrOrPromise
    purpose: StrOrPromise
    times: int
    #: For a look with a reason (``access.models.ReasonedAccess``): the reason's key and its words.
    reason: str = ""
    reason_label: str = ""


@dataclass(frozen=True)
class AccessLogPage:
    page: Page[Any]
    rows: list[LookedRow]
    #: Every read the list covers, on all pages.
    reads: int


def access_events_for(access: CaseAccess) -> QuerySet[AccessEvent]:
    """Return the reads the viewer may see: the person sees every read of any of their cases.

    The person's own reads are left out: the list answers who else has looked.
    """
    case = access.case
    events = AccessEvent.objects.filter(case__person=case.person) if access.is_person else case.access_events.all()
    if case.person.user_id is not None:
        events = events.exclude(user_id=case.person.user_id)
    return events.exclude(purpose=AccessPurpose.OWN_CASE)


#: The purposes of reads made with a reason.
REASONED_PURPOSES = [AccessPurpose.UNIT_REASON, AccessPurpose.EMERGENCY]


def _reasons_by_reader_and_day(
    access: CaseAccess, groups: Sequence[Mapping[str, Any]]
) -> dict[tuple[int, datetime.date], list[str]]:
    """The reasons of the looks with a reason on this page, by reader and day; one query, only if there are any."""
    readers = {group["user_id"] for group in groups if group["purpose"] in REASONED_PURPOSES}
    if not readers:
        return {}
    days = [group["day"] for group in groups if group["purpose"] in REASONED_PURPOSES]
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(min(days), datetime.time(), tzinfo=zone)
    last = datetime.datetime.combine(max(days) + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    cases = access_events_for(access).values("case_id")
    found: dict[tuple[int, datetime.date], list[str]] = {}
    looks = ReasonedAccess.objects.filter(
        user_id__in=readers, case_id__in=cases, opened_at__lt=last, expires_at__gt=first
    ).order_by("opened_at", "id")
    for user_id, opened_at, expires_at, reason in looks.values_list("user_id", "opened_at", "expires_at", "reason"):
        day = timezone.localtime(opened_at, zone).date()
        end = timezone.localtime(expires_at, zone).date()
        while day <= end:
            keys = found.setdefault((user_id, day), [])
            if reason not in keys:
                keys.append(reason)
            day += datetime.timedelta(days=1)
    return found


def access_log_page(access: CaseAccess, page_number: str | int | None) -> AccessLogPage:
    """Return one page of who has looked, grouped by who, day and what (three queries).

    Reads by the same person of the same part of the case on the same day make one row
    with a count, so a busy day does not push the rest off the page.
    """
    events = access_events_for(access)
    groups = (
        events.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()), topic=_topic())
        .values(
            "day",
            "topic",
            "purpose",
            "role",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "agency__name",
        )
        .annotate(times=Count("id"), last_at=Max("at"))
        .order_by("-day", "-last_at", "user_id", "topic")
    )
    page = Paginator(groups, ACCESS_LOG_PAGE_SIZE).get_page(page_number)
    roles, purposes = dict(Role.choices), dict(AccessPurpose.choices)
    reasons = dict(Reason.choices)
    on_page = list(page.object_list)
    looks = _reasons_by_reader_and_day(access, on_page)
    rows = [
        LookedRow(
            day=group["day"],
            last_at=group["last_at"],
            name=f"{group['user__first_name']} {group['user__last_name']}".strip() or group["user__username"],
            role=roles.get(group["role"], group["role"]),
            agency=group["agency__name"] or "",
            topic=TOPIC_LABELS[group["topic"]],
            purpose=purposes.get(group["purpose"], group["purpose"]),
            times=group["times"],
            reason=" ".join(looks.get((group["user_id"], group["day"]), [])),
            reason_label="; ".join(str(reasons[key]) for key in looks.get((group["user_id"], group["day"]), [])),
        )
        for group in on_page
    ]
    return AccessLogPage(page=page, rows=rows, reads=events.count())
