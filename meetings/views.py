"""Meetings with the person and the group: agenda from the journal, attendance, minutes, decisions, .ics."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from accounts.models import User
from core.audience import audience_labels
from core.forms import asked_form
from core.posting import post_form
from meetings import selectors
from meetings.forms import (
    AttendanceForm,
    DecisionForm,
    DecisionNewMeasureForm,
    MeasureCloseForm,
    MeasureReassignForm,
    MinutesForm,
    NeedReviewForm,
)
from meetings.ics import meeting_ics
from meetings.models import Meeting, MeetingKind
from meetings.services import (
    attendance_record,
    decision_record,
    measure_handover_close,
    measure_handover_reassign,
    minutes_record,
    need_review_record,
)
from needs.selectors import need_for_case, needs_for_case
from obstacles.selectors import obstacles_for_agenda
from plans.models import OPEN_STATUSES, MeasureStatus
from plans.selectors import measures_for_case, responsible_candidates
from threads.selectors import audience_readers


@case_view(Ability.VIEW_MEETINGS)
def meeting_list(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """List the case's meetings. Anyone who sees the case; a volunteer if the person shares the meetings."""
    meetings = list(selectors.meetings_for_case(access))
    context = {"access": access, "case": access.case, "meetings": meetings, "manage": access.can(Ability.BOOK_MEETING)}
    return render(request, "meetings/list.html", context)


#: Measures a handover review can close: chosen or started (a proposal is the person's to reject).
CLOSABLE = frozenset({MeasureStatus.CHOSEN, MeasureStatus.STARTED})


def _review_context(access: CaseAccess, meeting: Meeting, manage: bool, bound: dict) -> dict:
    """The handover review's checklist, with a form per item for those who may act."""
    review = selectors.handover_review(access, meeting)
    needs = []
    for need, done in review.needs:
        form = bound.get(("need", need.pk)) or (
            NeedReviewForm(prefix=f"need-{need.pk}", initial={"note": done.note if done else ""}) if manage else None
        )
        needs.append((need, done, form))
    measures = []
    for row in review.measures:
        measure = row.measure
        reassign = close = None
        if manage and row.pending:
            reassign = bound.get(("reassign", measure.pk)) or MeasureReassignForm(
                prefix=f"reassign-{measure.pk}", takers=review.takers, initial={"version": measure.version}
            )
            if measure.status in CLOSABLE:
                close = bound.get(("close", measure.pk)) or MeasureCloseForm(
                    prefix=f"close-{measure.pk}", initial={"version": measure.version}
                )
        measures.append((row, reassign, close))
    return {"review": review, "review_needs": needs, "review_measures": measures}


def _detail(
    request: AuthenticatedHttpRequest, access: CaseAccess, meeting: Meeting, status: int = 200, **forms
) -> HttpResponse:
    manage = access.can(Ability.BOOK_MEETING)
    # The forms that list choices (members, measures, needs) are built when asked for
    # (``?form=attendance`` or ``?form=decision``; htmx swaps them in where the link was), or
    # when a submission of them failed. Most requests read the meeting and never submit them.
    asked = asked_form(request)
    show_attendance = manage and (asked == "attendance" or "attendance_form" in forms)
    show_decision = manage and (asked == "decision" or "decision_form" in forms or "new_measure_form" in forms)
    previous = selectors.previous_meeting(meeting)
    open_measures = measures_for_case(access).filter(status__in=OPEN_STATUSES) if show_decision else None
    # Read once for the agenda and for naming the decisions' measures.
    agenda, measures = selectors.agenda_and_measures(access, meeting, previous)
    # Minutes written for an audience the viewer is not in are neither shown nor offered for editing.
    minutes_readable = access.reads(meeting.minutes_audience)
    context = {
        "access": access,
        "case": access.case,
        "meeting": meeting,
        "previous": previous,
        "agenda": agenda,
        "agenda_obstacles": obstacles_for_agenda(access, meeting, previous),
        "attendance": selectors.attendance_for(meeting),
        "decisions": selectors.decisions_for(access, meeting, measures),
        # The members are read only for the form that lists them (a query, ~1 ms, on every page before).
        "attendance_form": forms.get("attendance_form")
        or (AttendanceForm(members=selectors.members_on(meeting)) if show_attendance else None),
        "minutes_readable": minutes_readable,
        "audience_labels": audience_labels(for_person=access.is_person),
        "readers": audience_readers(access.case) if manage else None,
        "minutes_form": forms.get("minutes_form")
        or (
            MinutesForm(
                initial={
                    "minutes": meeting.minutes,
                    "audience": meeting.minutes_audience,
                    "person_attended": meeting.person_attends,
                    "version": meeting.version,
                }
            )
            if manage and minutes_readable
            else None
        ),
        "decision_form": forms.get("decision_form")
        or (DecisionForm(measures=open_measures) if show_decision else None),
        "new_measure_form": forms.get("new_measure_form")
        or (
            DecisionNewMeasureForm(
                needs=needs_for_case(access),
                members=responsible_candidates(access.case),
                prefix="new",
            )
            if show_decision
            else None
        ),
        "conflict": forms.get("conflict"),
        "manage": manage,
    }
    if meeting.kind == MeetingKind.HANDOVER_REVIEW:
        context.update(_review_context(access, meeting, manage, forms.get("review_forms", {})))
    elif meeting.kind == MeetingKind.FAREWELL:
        context["farewell_incoming"] = selectors.incoming_members(selectors.transition_for(meeting))
    return render(request, "meetings/detail.html", context, status=status)


@case_view(Ability.VIEW_MEETINGS)
def meeting_detail(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Show a meeting: its agenda (changes since the previous meeting of the same kind), attendance,
    minutes and decisions. Anyone who sees the case (a volunteer if the person shares the meetings); the agenda,
    the minutes and the decisions show only what the viewer may read."""
    return _detail(request, access, selectors.meeting_for_case(access, meeting_id))


@case_view(Ability.VIEW_MEETINGS)
def meeting_calendar(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Download the meeting as an .ics file. Anyone who sees the meetings."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    url = request.build_absolute_uri(
        reverse("meetings:detail", kwargs={"code": access.case.code, "meeting_id": meeting.pk})
    )
    summary = f"{meeting.get_kind_display()} ({_('case')} {access.case.code})"
    body = meeting_ics(meeting, summary=summary, url=url, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def _done(access: CaseAccess, meeting: Meeting) -> HttpResponse:
    return redirect("meetings:detail", code=access.case.code, meeting_id=meeting.pk)


@case_view(Ability.BOOK_MEETING)
@require_POST
def attendance_add(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Record a member's attendance. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    form = AttendanceForm(request.POST, members=selectors.members_on(meeting))
    return post_form(
        request,
        form,
        lambda data: attendance_record(actor=request.user, meeting=meeting, **data),
        message=_("The attendance is recorded."),
        done=lambda _attendance: _done(access, meeting),
        refused=lambda refusal: _detail(request, access, meeting, status=refusal.status, attendance_form=form),
    )


@case_view(Ability.BOOK_MEETING)
@require_POST
def minutes_save(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Write the minutes, refusing a stale edit. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    if not access.reads(meeting.minutes_audience):
        raise PermissionDenied
    form = MinutesForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: minutes_record(
            actor=request.user,
            meeting=meeting,
            minutes=data["minutes"],
            person_attended=data["person_attended"],
            version=data["version"],
            audience=data["audience"],
        ),
        message=_("The minutes are saved."),
        done=lambda _meeting: _done(access, meeting),
        # On a conflict the minutes as they are saved now are shown above the form.
        refused=lambda refusal: _detail(
            request, access, meeting, status=refusal.status, minutes_form=form, conflict=refusal.current
        ),
        changed=pgettext("what someone else changed", "the minutes"),
        conflict_status=409,
    )


@case_view(Ability.BOOK_MEETING)
@require_POST
def decision_add(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int) -> HttpResponse:
    """Record a decision that may create or change a measure. The case's prison staff."""
    meeting = selectors.meeting_for_case(access, meeting_id)
    form: DecisionNewMeasureForm | DecisionForm
    if request.POST.get("creates") == "measure":
        form = DecisionNewMeasureForm(
            request.POST, needs=needs_for_case(access), members=responsible_candidates(access.case), prefix="new"
        )
        form_name = "new_measure_form"

        def save(data: dict) -> object:
            new_measure = dict(data)
            text = new_measure.pop("decision")
            audience = new_measure.pop("audience")
            return decision_record(
                actor=request.user, meeting=meeting, text=text, audience=audience, new_measure=new_measure
            )

    else:
        form = DecisionForm(request.POST, measures=measures_for_case(access).filter(status__in=OPEN_STATUSES))
        form_name = "decision_form"

        def save(data: dict) -> object:
            return decision_record(actor=request.user, meeting=meeting, **data)

    return post_form(
        request,
        form,
        save,
        message=_("The decision is recorded."),
        done=lambda _decision: _done(access, meeting),
        refused=lambda refusal: _detail(request, access, meeting, status=refusal.status, **{form_name: form}),
    )


def _review_done(access: CaseAccess, meeting: Meeting) -> HttpResponse:
    url = reverse("meetings:detail", kwargs={"code": access.case.code, "meeting_id": meeting.pk})
    return redirect(f"{url}#review")


@case_view(Ability.BOOK_MEETING)
@require_POST
def review_need(request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int, need_id: int) -> HttpResponse:
    """Mark a need as reviewed at a handover review, with a note. The case's prison staff and its lead."""
    meeting = selectors.review_for_case(access, meeting_id)
    need = need_for_case(access, need_id)
    form = NeedReviewForm(request.POST, prefix=f"need-{need.pk}")
    return post_form(
        request,
        form,
        lambda data: need_review_record(actor=request.user, meeting=meeting, need=need, note=data["note"]),
        message=_("The need is marked as reviewed."),
        done=lambda _review: _review_done(access, meeting),
        refused=lambda refusal: _detail(
            request, access, meeting, status=refusal.status, review_forms={("need", need.pk): form}
        ),
    )


def _pending_measure(access: CaseAccess, meeting: Meeting, measure_id: int):
    """The checklist row of a measure whose responsible member leaves, or 404."""
    review = selectors.handover_review(access, meeting)
    for row in review.measures:
        if row.pending and row.measure.pk == measure_id:
            return review, row.measure
    raise Http404


@case_view(Ability.BOOK_MEETING)
@require_POST
def review_reassign(
    request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int, measure_id: int
) -> HttpResponse:
    """Give a measure whose responsible member leaves to a member who stays. The case's prison staff and its lead."""
    meeting = selectors.review_for_case(access, meeting_id)
    review, measure = _pending_measure(access, meeting, measure_id)
    form = MeasureReassignForm(request.POST, prefix=f"reassign-{measure.pk}", takers=review.takers)

    def save(data: dict) -> User:
        taker = next(member.user for member in review.takers if member.user_id == data["responsible_user"])
        measure_handover_reassign(
            actor=request.user, meeting=meeting, measure=measure, responsible_user=taker, version=data["version"]
        )
        return taker

    return post_form(
        request,
        form,
        save,
        message=lambda taker: _("The measure is now the responsibility of %(name)s.") % {"name": taker.display_name},
        done=lambda _taker: _review_done(access, meeting),
        refused=lambda refusal: _detail(
            request, access, meeting, status=refusal.status, review_forms={("reassign", measure.pk): form}
        ),
        changed=pgettext("what someone else changed", "the measure"),
    )


@case_view(Ability.BOOK_MEETING)
@require_POST
def review_close(
    request: AuthenticatedHttpRequest, access: CaseAccess, meeting_id: int, measure_id: int
) -> HttpResponse:
    """Close a measure whose responsible member leaves, with the reason. The case's prison staff and its lead."""
    meeting = selectors.review_for_case(access, meeting_id)
    _review, measure = _pending_measure(access, meeting, measure_id)
    form = MeasureCloseForm(request.POST, prefix=f"close-{measure.pk}")
    return post_form(
        request,
        form,
        lambda data: measure_handover_close(
            actor=request.user, meeting=meeting, measure=measure, reason=data["reason"], version=data["version"]
        ),
        message=_("The measure is closed."),
        done=lambda _measure: _review_done(access, meeting),
        refused=lambda refusal: _detail(
            request, access, meeting, status=refusal.status, review_forms={("close", measure.pk): form}
        ),
        changed=pgettext("what someone else changed", "the measure"),
    )
