"""Meetings with the person and the group: agenda from the journal, attendance, minutes, decisions, .ics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import case_view
from access.policy import Ability, CaseAccess
from cases.models import Meeting
from core.errors import ConcurrentEditError
from meetings import selectors
from meetings.forms import AttendanceForm, DecisionForm, DecisionNewMeasureForm, MinutesForm
from meetings.ics import meeting_ics
from meetings.services import attendance_record, decision_record, minutes_record
from needs.selectors import needs_for_case
from plans.models import OPEN_STATUSES
from plans.selectors import measures_for_case, responsible_candidates


@case_view(Ability.VIEW_CASE)
def meeting_list(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """List the case's meetings. Anyone who sees the case."""
    meetings = list(selectors.meetings_for_case(access))
    return render(request, "meetings/list.html", {"access": access, "case": access.case, "meetings": meetings})


def _detail(request: HttpRequest, access: CaseAccess, meeting: Meeting, status: int = 200, **forms) -> HttpResponse:
    manage = access.can(Ability.BOOK_MEETING)
    previous = selectors.previous_meeting(meeting)
    members = list(selectors.members_on(meeting))
    open_measures = measures_for_case(access).filter(status__in=OPEN_STATUSES) if manage else None
    context = {
        "access": access,
        "case": access.case,
        "meeting": meeting,
        "previous": previous,
        "agenda": selectors.agenda(access, meeting, previous),
        "attendance": list(selectors.attendance_for(meeting)),
        "decisions": list(selectors.decisions_for(meeting)),
        "members": members,
        "attendance_form": forms.get("attendance_form") or (AttendanceForm(members=members) if manage else None),
        "minutes_form": forms.get("minutes_form")
        or (
            MinutesForm(
                initial={
                    "minutes": meeting.minutes,
                    "person_attended": meeting.person_attends,
                    "version": meeting.version,
                }
            )
            if manage
            else None
        ),
        "decision_form": forms.get("decision_form") or (DecisionForm(measures=open_measures) if manage else None),
        "new_measure_form": forms.get("new_measure_form")
        or (
            DecisionNewMeasureForm(
                needs=needs_for_case(access),
                members=responsible_candidates(access.case),
                prefix="new",
            )
            if manage
            else None
        ),
        "conflict": forms.get("conflict"),
    }
    return render(request, "meetings/detail.html", context, status=status)


@case_view(Ability.VIEW_CASE)
def meeting_detail(request: HttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Show a meeting: its agenda (changes since the previous meeting of the same kind), attendance,
    minutes and decisions. Anyone who sees the case; the agenda shows only what the viewer may see."""
    return _detail(request, access, selectors.meeting_for_case(access, meeting_id))


@case_view(Ability.VIEW_CASE)
def meeting_calendar(request: HttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Download the meeting as an .ics file. Anyone who sees the case."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    url = request.build_absolute_uri(
        reverse("meetings:detail", kwargs={"code": access.case.code, "meeting_id": meeting.pk})
    )
    summary = f"{meeting.get_kind_display()} ({_('case')} {access.case.code})"
    body = meeting_ics(meeting, summary=summary, url=url, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@case_view(Ability.BOOK_MEETING)
@require_POST
def attendance_add(request: HttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Record a member's attendance. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    form = AttendanceForm(request.POST, members=list(selectors.members_on(meeting)))
    if form.is_valid():
        try:
            attendance_record(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The attendance is recorded."))
            return redirect("meetings:detail", code=access.case.code, meeting_id=meeting.pk)
    return _detail(request, access, meeting, status=400, attendance_form=form)


@case_view(Ability.BOOK_MEETING)
@require_POST
def minutes_save(request: HttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Write the minutes, refusing a stale edit. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            minutes_record(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                person_attended=form.cleaned_data["person_attended"],
                version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as error:
            form.add_error(
                None,
                _(
                    "Someone else saved the minutes while you were writing. "
                    "Theirs are shown below; nothing of yours was saved."
                ),
            )
            return _detail(request, access, meeting, status=409, minutes_form=form, conflict=error.current)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("meetings:detail", code=access.case.code, meeting_id=meeting.pk)
    return _detail(request, access, meeting, status=400, minutes_form=form)


@case_view(Ability.BOOK_MEETING)
@require_POST
def decision_add(request: HttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Record a decision that may create or change a measure. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    if request.POST.get("creates") == "measure":
        form = DecisionNewMeasureForm(
            request.POST, needs=needs_for_case(access), members=responsible_candidates(access.case), prefix="new"
        )
        form_name = "new_measure_form"
        if form.is_valid():
            data = dict(form.cleaned_data)
            text = data.pop("decision")
            call = {"text": text, "new_measure": data}
    else:
        form = DecisionForm(request.POST, measures=measures_for_case(access).filter(status__in=OPEN_STATUSES))
        form_name = "decision_form"
        if form.is_valid():
            call = dict(form.cleaned_data)
    if form.is_valid():
        try:
            decision_record(actor=request.user, meeting=meeting, **call)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("meetings:detail", code=access.case.code, meeting_id=meeting.pk)
    return _detail(request, access, meeting, status=400, **{form_name: form})
