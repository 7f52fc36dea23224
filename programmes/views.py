"""Programmes on a case (which may fit, and applying) and a programme's own view (issue 20)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import programmes as rules
from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.policy import Ability, CaseAccess
from core.paging import Counted, page_of
from core.posting import post_form, refused_with_message
from journal.models import AccessPurpose
from journal.services import record_access
from programmes import eligibility, selectors, services
from programmes.forms import ApplyForm, CloseForm, DecisionForm, FactsForm, InterviewForm, PhaseForm
from programmes.models import Enrolment, EnrolmentState


def _case_page(
    request: AuthenticatedHttpRequest, access: CaseAccess, form: FactsForm | None = None, status: int = 200
) -> HttpResponse:
    records = access.can(Ability.RECORD_PROGRAMME_FACTS)
    recorded = selectors.recorded_facts(access.case)
    if records and form is None:
        form = FactsForm(
            initial={
                "expulsion_order": recorded.expulsion_order if recorded else "",
                "gang_ties": recorded.gang_ties if recorded else "",
                "wants_to_leave_crime": recorded.wants_to_leave_crime if recorded else "",
                "earlier_sentences": recorded.earlier_sentences if recorded else None,
                "version": recorded.version if recorded else 0,
            }
        )
    context = {
        "access": access,
        "case": access.case,
        "fits": selectors.eligibility_for_case(access.case),
        "form": form if records else None,
        "applies": access.can(Ability.APPLY_TO_PROGRAMME),
        "statuses": eligibility.Status,
    }
    return render(request, "programmes/case.html", context, status=status)


@case_view(Ability.VIEW_PROGRAMMES)
def case_programmes(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Which programmes the person may fit and why, criterion by criterion. The person and those who run the case."""
    return _case_page(request, access)


@case_view(Ability.RECORD_PROGRAMME_FACTS)
@require_POST
def facts_set(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record what the programmes' criteria ask about the case. Those who run the case."""
    form = FactsForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: services.programme_facts_set(
            actor=request.user,
            case=access.case,
            expulsion_order=data["expulsion_order"],
            gang_ties=data["gang_ties"],
            wants_to_leave_crime=data["wants_to_leave_crime"],
            earlier_sentences=data["earlier_sentences"],
            version=data["version"],
        ),
        message=_("Saved. The programmes are checked again."),
        changed=_("the facts"),
        done=lambda _facts: redirect("programmes:case", code=access.case.code),
        refused=lambda refusal: _case_page(request, access, form, refusal.status),
    )


@case_view(Ability.APPLY_TO_PROGRAMME)
@require_POST
def apply(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Apply to a programme: the person, or those who run the case on the person's behalf with their agreement."""
    back = redirect("programmes:case", code=access.case.code)

    def save(data: dict[str, object]) -> Enrolment:
        programme = selectors.programme_by_slug(str(data["programme"]))
        return services.enrolment_apply(
            actor=request.user,
            case=access.case,
            programme=programme,
            by_person=access.is_person,
            person_agrees=bool(data["person_agrees"]),
        )

    return post_form(
        request,
        ApplyForm(request.POST),
        save,
        message=_("The application is sent. The programme will invite you to an intake conversation.")
        if access.is_person
        else _("The application is sent on the person's behalf."),
        done=lambda _enrolment: back,
        refused=refused_with_message(request, lambda: back, _("Choose a programme.")),
    )


@signed_in
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programmes, their target groups and sources; each programme's staff find their own view here. Signed in."""
    listed = list(selectors.programmes())
    criteria = {
        programme.pk: [(eligibility.label_for(rule), rule.citation) for rule in selectors.rules_of(programme)]
        for programme in listed
    }
    context = {"programmes": listed, "criteria": criteria, "mine": set(rules.programmes_of(request.user))}
    return render(request, "programmes/index.html", context)


@signed_in
def programme_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The programme's own view: participants by phase, waiting list, places, deadlines, cohorts. Its staff only."""
    programme = selectors.programme_to_run(slug)
    if not rules.works_for(request.user, programme):
        raise PermissionDenied
    view = selectors.programme_overview(programme)
    # Issue 17, point 9: each list that names persons is paged by its own parameter; only those
    # on the pages shown are logged as read.
    lists: dict[str, Sequence[Any] | QuerySet[Any]] = {
        "applicants": view.applicants,
        "waiting": view.waiting,
        **{f"phase-{group.phase.key}": group.participants for group in view.phases},
        "deadlines": view.deadlines,
        "closed": Counted(view.closed, view.closed_count),
    }
    pages = {name: page_of(rows, request.GET.get(name)) for name, rows in lists.items()}
    named = [
        row.enrolment if isinstance(row, selectors.Deadline) else row
        for page in pages.values()
        for row in page.object_list
    ]
    if named:
        record_access(
            viewer=request.user,
            case_ids=sorted({enrolment.case_id for enrolment in named}),
            purpose=AccessPurpose.PROGRAMME,
            view="programmes:detail",
        )
    context = {"programme": programme, "view": view, "pages": pages, "today": timezone.localdate()}
    return render(request, "programmes/programme.html", context)


def _enrolment_or_404(request: AuthenticatedHttpRequest, enrolment_id: int) -> Enrolment:
    enrolment = rules.enrolment_for(request.user, enrolment_id)
    if enrolment is None:
        raise Http404
    return enrolment


def _enrolment_page(
    request: AuthenticatedHttpRequest, enrolment: Enrolment, forms: dict[str, object] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    forms = dict(forms or {})
    if enrolment.state == EnrolmentState.APPLIED:
        forms.setdefault(
            "interview",
            InterviewForm(
                prefix="interview",
                initial={
                    "held_on": enrolment.interview_on or today,
                    "note": enrolment.interview_note,
                    "version": enrolment.version,
                },
            ),
        )
        if enrolment.interview_on is not None:
            forms.setdefault(
                "decide", DecisionForm(prefix="decide", initial={"decided_on": today, "version": enrolment.version})
            )
    if enrolment.state == EnrolmentState.PARTICIPANT:
        later = selectors.later_phases(enrolment)
        if later:
            forms.setdefault(
                "phase",
                PhaseForm(
                    phases=later,
                    prefix="phase",
                    initial={"on": today, "version": enrolment.version, "phase": later[0][0]},
                ),
            )
        forms.setdefault("close", CloseForm(prefix="close", initial={"on": today, "version": enrolment.version}))
    record_access(
        viewer=request.user, case_ids=[enrolment.case_id], purpose=AccessPurpose.PROGRAMME, view="programmes:enrolment"
    )
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "fit": selectors.fit_of(enrolment),
        "steps": selectors.steps_of(enrolment),
        "position": selectors.waiting_position(enrolment),
        "forms": forms,
    }
    return render(request, "programmes/enrolment.html", context, status=status)


@signed_in
def enrolment_view(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """One applicant or participant of the programme: intake, decision, phases, closing. The programme's staff."""
    return _enrolment_page(request, _enrolment_or_404(request, enrolment_id))


@signed_in
@require_POST
def interview(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """Record the intake conversation. The programme's staff."""
    enrolment = _enrolment_or_404(request, enrolment_id)
    form = InterviewForm(request.POST, prefix="interview")
    return post_form(
        request,
        form,
        lambda data: services.enrolment_interview(
            actor=request.user, enrolment=enrolment, held_on=data["held_on"], note=data["note"], version=data["version"]
        ),
        message=_("The intake conversation is recorded."),
        changed=_("the application"),
        done=lambda saved: redirect("programmes:enrolment", enrolment_id=saved.pk),
        refused=lambda refusal: _enrolment_page(request, enrolment, {"interview": form}, refusal.status),
    )


@signed_in
@require_POST
def decide(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """Accept or refuse, with a reason the person reads. The programme's staff."""
    enrolment = _enrolment_or_404(request, enrolment_id)
    form = DecisionForm(request.POST, prefix="decide")
    return post_form(
        request,
        form,
        lambda data: services.enrolment_decide(
            actor=request.user,
            enrolment=enrolment,
            accept=data["decision"] == "accept",
            decided_on=data["decided_on"],
            reason=data["reason"],
            version=data["version"],
        ),
        message=lambda saved: (
            _("The person has a place.")
            if saved.state == EnrolmentState.PARTICIPANT
            else _("The person is on the waiting list.")
            if saved.state == EnrolmentState.WAITING
            else _("The refusal is recorded with its reason.")
        ),
        changed=_("the application"),
        done=lambda saved: redirect("programmes:enrolment", enrolment_id=saved.pk),
        refused=lambda refusal: _enrolment_page(request, enrolment, {"decide": form}, refusal.status),
    )


@signed_in
@require_POST
def phase_move(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """Move a participant on to a later phase. The programme's staff."""
    enrolment = _enrolment_or_404(request, enrolment_id)
    form = PhaseForm(request.POST, phases=selectors.later_phases(enrolment), prefix="phase")

    def save(data: dict[str, object]) -> Enrolment:
        phase = selectors.phase_of(enrolment, str(data["phase"]))
        return services.enrolment_phase_move(
            actor=request.user,
            enrolment=enrolment,
            phase=phase,
            on=data["on"],  # type: ignore[arg-type]
            version=int(str(data["version"])),
        )

    return post_form(
        request,
        form,
        save,
        message=_("The participant is in the next phase."),
        changed=_("the participant"),
        done=lambda saved: redirect("programmes:enrolment", enrolment_id=saved.pk),
        refused=lambda refusal: _enrolment_page(request, enrolment, {"phase": form}, refusal.status),
    )


@signed_in
@require_POST
def close(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """Close the place: completed, or left early with a reason. The programme's staff."""
    enrolment = _enrolment_or_404(request, enrolment_id)
    form = CloseForm(request.POST, prefix="close")
    return post_form(
        request,
        form,
        lambda data: services.enrolment_close(
            actor=request.user,
            enrolment=enrolment,
            completed=data["ending"] == "completed",
            on=data["on"],
            reason=data["reason"],
            version=data["version"],
        ),
        message=_("The place is closed."),
        changed=_("the participant"),
        done=lambda saved: redirect("programmes:enrolment", enrolment_id=saved.pk),
        refused=lambda refusal: _enrolment_page(request, enrolment, {"close": form}, refusal.status),
    )
