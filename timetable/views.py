"""What is due, the inbox, the calendar feed, and the timetable actions on a case."""

from typing import Any

from django.core.paginator import Page
from django.db.models.query import EmptyQuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view, public, signed_in
from access.insight import sees_figures
from access.policy import Ability, CaseAccess
from access.selectors import emergencies_for_lead
from access.staff_pages import person_start
from access.summons import before_start_cases
from accounts.models import User
from core.paging import page_of, query_without
from core.posting import post_form, refused_with_message
from directory.selectors import referrals_waiting_for, unchecked_for_keeper, waiting_referrals_sent_by
from journal.models import AccessPurpose
from journal.services import record_access
from ownwords.selectors import open_requests_for_lead
from release.selectors import urgent_for
from summons.selectors import before_start_due
from timetable import ical, selectors
from timetable.forms import CaseRuleSetForm, ReleaseNoticeForm
from timetable.services import (
    calendar_feed_create,
    calendar_feed_revoke,
    release_notice_record,
    reminders_mark_read,
    rule_set_choose_for_case,
)


@signed_in
def due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List what the user owns across their cases, overdue first. Any signed-in user; their own only."""
    if start := person_start(request.user):  # the person reaches no staff page (issue 18)
        return redirect(start)
    due = selectors.due_for(
        request.user, page_number=request.GET.get("page"), per_page=selectors.DUE_PAGE_SIZE, side_pages=request.GET
    )
    # The lists beside the deadlines, each paged by its own parameter (issue 17, point 9): release
    # tasks made urgent, emergency accesses to the cases the user leads, referrals waiting for an
    # answer (to the user's agency, then sent by the user, issue 21), and what is due before the
    # sentence starts (issue 25). Only the cases on their pages are shown, so only those are logged.
    pages: dict[str, Page[Any]] = {
        "urgent": page_of(urgent_for(request.user), request.GET.get("urgent")),
        "emergencies": page_of(emergencies_for_lead(request.user), request.GET.get("emergencies")),
        "referrals": page_of(
            [("answer", referral) for referral in referrals_waiting_for(request.user)]
            + [("sent", referral) for referral in waiting_referrals_sent_by(request.user)],
            request.GET.get("referrals"),
        ),
        "start": page_of(_before_start(request.user), request.GET.get("start")),
        "unchecked": page_of(unchecked_for_keeper(request.user, timezone.localdate()), request.GET.get("unchecked")),
        # Issue 18, point 3: the person asked for a meeting; it stays until one is booked or it is answered.
        "requests": page_of(open_requests_for_lead(request.user), request.GET.get("requests")),
    }
    urgent = list(pages["urgent"].object_list)
    emergencies = list(pages["emergencies"].object_list)
    referrals = list(pages["referrals"].object_list)
    before_start = list(pages["start"].object_list)
    requests = list(pages["requests"].object_list)
    shown = (
        {item.transition.case_id for item in urgent}
        | {look.case_id for look in emergencies}
        | {referral.case_id for _kind, referral in referrals}
        | {item.case.pk for item in before_start}
        | {words.case_id for words in requests}
    )
    read = sorted(shown - due.logged_case_ids)
    if read:
        record_access(viewer=request.user, case_ids=read, purpose=AccessPurpose.CASELOAD, view="timetable:due")
    context = {
        "due": due,
        "urgent": urgent,
        "emergencies": emergencies,
        "to_answer": [referral for kind, referral in referrals if kind == "answer"],
        "sent": [referral for kind, referral in referrals if kind == "sent"],
        "before_start": before_start,
        # Issue 21, point 5: the directory's entries the user keeps that nobody has checked for a year.
        "unchecked": list(pages["unchecked"].object_list),
        "meeting_requests": requests,
        "side_pages": {**due.side_pages, **pages},
        # Issue 22: the figures of the coordinator's prison and country (access.insight), linked from the start page.
        "sees_figures": sees_figures(request.user),
    }
    return render(request, "timetable/due.html", context)


@signed_in
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the user's reminders. Any signed-in user; their own only."""
    if start := person_start(request.user):  # the person reaches no staff page (issue 18)
        return redirect(start)
    page = selectors.inbox_for(request.user, request.GET.get("page"))
    context = {"reminders": list(page.object_list), "page": page, "page_query": query_without(request.GET, "page")}
    return render(request, "timetable/inbox.html", context)


@signed_in
@require_POST
def inbox_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark the user's reminders as read. Any signed-in user; their own only."""
    reminders_mark_read(actor=request.user)
    return redirect("timetable:inbox")


@signed_in
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the user's calendar feed settings. Any signed-in user; their own only."""
    return render(request, "timetable/calendar.html", {"feed": selectors.active_feed(request.user)})


@signed_in
@require_POST
def calendar_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a new secret feed address, revoking the old one; shown once. Any signed-in user."""
    token = calendar_feed_create(actor=request.user)
    url = request.build_absolute_uri(reverse("timetable:calendar_feed", kwargs={"token": token}))
    return render(request, "timetable/calendar.html", {"feed": selectors.active_feed(request.user), "new_url": url})


@signed_in
@require_POST
def calendar_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Revoke the user's feed address. Any signed-in user; their own only."""
    return post_form(
        request,
        None,
        lambda _data: calendar_feed_revoke(actor=request.user),
        message=_("The calendar address is revoked."),
        done=lambda _revoked: redirect("timetable:calendar"),
        refused=refused_with_message(request, lambda: redirect("timetable:calendar")),
    )


@public
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a calendar feed. Public, but only with the secret of a feed that is not revoked."""
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    body = ical.render(selectors.calendar_events(feed.user), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="overgang.ics"'
    return response


@case_view(Ability.VIEW_TIMETABLE)
def case_timetable(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the case's deadlines, release risks and road. Anyone who sees the case.

    The case overview loads it with htmx (the partial), so the overview's own query
    budget does not grow; without JavaScript it is a page of its own.
    """
    if access.is_person:
        # The person reads their road written for them (issue 18, point 2), not the staff timetable.
        return redirect("personpages:road", code=access.case.code)
    context = {"access": access, "case": access.case, "timetable": selectors.timetable_for_case(access)}
    template = "timetable/_case_timetable.html" if request.htmx else "timetable/case_timetable.html"
    return render(request, template, context)


@case_view(Ability.MANAGE_GROUP)
@require_POST
def release_notice(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record that NAV (Denmark: the jobcenter) or the municipality was told of the release date. The case's
    prison staff."""
    return post_form(
        request,
        ReleaseNoticeForm(request.POST, country=access.case.country),
        lambda data: release_notice_record(actor=request.user, case=access.case, **data),
        message=_("The release notice is recorded."),
        done=lambda _notice: redirect(_overview(access)),
        refused=refused_with_message(
            request, lambda: redirect(_overview(access)), invalid=_("Fill in who was told, the release date and when.")
        ),
    )


@case_view(Ability.MANAGE_GROUP)
@require_POST
def case_rule_set(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Make the case follow another rule set. The case's prison staff."""
    return post_form(
        request,
        CaseRuleSetForm(request.POST, country=access.case.country),
        lambda data: rule_set_choose_for_case(actor=request.user, case=access.case, **data),
        message=_("The case follows the chosen rule set."),
        done=lambda _chosen: redirect(_overview(access)),
        refused=refused_with_message(
            request, lambda: redirect(_overview(access)), invalid=_("Choose a rule set and give the reason.")
        ),
    )


def _before_start(user: User) -> list[Any]:
    """What is due before the sentence starts on the cases ``before_start_cases`` gives the user.

    Most users register no case before its start: it gives them no case (``none()``), and the
    list is then known to be empty without building its query (1.0 ms of CPU on every request of
    NAV, the municipality and the coordinator; measured at 50,000 cases).
    """
    cases = before_start_cases(user)
    return [] if isinstance(cases, EmptyQuerySet) else before_start_due(cases)


def _overview(access: CaseAccess) -> str:
    return reverse("timetable:case", kwargs={"code": access.case.code})
