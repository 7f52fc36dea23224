"""The plan: proposals (step 4), the person's choice (step 5), delivery (step 6) and plan versions (6.3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access import directory as directory_rules
from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.forms import asked_form
from core.paging import page_of, query_without
from core.posting import Refusal, post_form
from directory import selectors as directory_selectors
from directory.forms import ReferralForm
from journal.display import say
from needs.selectors import need_names, needs_for_case
from ownwords.selectors import words_on_measure
from plans import selectors
from plans.forms import MeasureEditForm, MoveForm, NoteForm, ProposalForm
from plans.models import PLAN_STATUSES, Measure, MeasureStatus
from plans.services import delivery_note_add, measure_move, measure_propose, measure_update
from timetable.engine import proposals_due


def _proposal_form(access: CaseAccess, data=None, **kwargs) -> ProposalForm:
    return ProposalForm(
        data,
        needs=needs_for_case(access),
        members=selectors.responsible_candidates(access.case),
        initial={"responsible_user": access.viewer.pk},
        **kwargs,
    )


def _annotate_rights(access: CaseAccess, measures: list[Measure]) -> None:
    for measure in measures:
        measure.allowed_moves = [
            (status, MeasureStatus(status).label)
            for status in measure.next_statuses
            if access.can_move_measure(measure, status)
        ]
        measure.can_note = access.can_deliver(measure) and measure.status in PLAN_STATUSES
        measure.can_edit = access.can_edit_measure(measure) and measure.status in {"proposed", "chosen", "started"}


def _plan_context(access: CaseAccess, asked: str | None = None, **extra) -> dict:
    needs = need_names(access)
    measures = selectors.measure_list(access, needs)
    _annotate_rights(access, measures)
    by_need = selectors.plan_by_need(access, measures, needs)
    can_propose = access.can(Ability.PROPOSE_MEASURE)
    held_on = selectors.needs_conversation_date(access.case)
    context = {
        "access": access,
        "case": access.case,
        "proposals": [m for m in measures if m.status == MeasureStatus.PROPOSED],
        "plan_measures": [m for m in measures if m.status in PLAN_STATUSES],
        "closed_measures": [m for m in measures if m.status in {MeasureStatus.REJECTED, MeasureStatus.CANCELLED}],
        "by_need": by_need,
        # Issue 21: the services of the measures this viewer sees (no query when none names one).
        "plan_services": directory_selectors.services_for_measures(measures),
        "plan_referrals": directory_selectors.referrals_for_measures(access, measures),
        "needs_without_measure": [need for need, answered in by_need.items() if not answered],
        "deadline": proposals_due(held_on, access.case.country),
        "conversation_held": held_on is not None,  # what needs_conversation_held asks, without a query
        "can_choose": access.can(Ability.CHOOSE_MEASURES),
        "can_propose": can_propose,
        # Built when asked for (``?form=proposal``; htmx swaps it in where the link was) or when
        # a proposal was just sent: its choice lists were a fifth of the page's CPU (bench/notes.md).
        "proposal_form": _proposal_form(access) if can_propose and asked == "proposal" else None,
    }
    context.update(extra)
    return context


def _plan_response(request: AuthenticatedHttpRequest, access: CaseAccess, status: int = 200, **extra) -> HttpResponse:
    template = "plans/_plan_body.html" if request.htmx else "plans/plan.html"
    return render(request, template, _plan_context(access, asked_form(request), **extra), status=status)


@case_view(Ability.VIEW_CASE)
def plan(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show proposals, the plan by need and closed measures.

    Anyone who sees the case; a member without consent sees only the measures they are responsible for.
    """
    return _plan_response(request, access)


@case_view(Ability.PROPOSE_MEASURE)
@require_POST
def propose(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Propose a measure; htmx swaps the plan. The case leads and members covered by consent."""
    form = _proposal_form(access, request.POST)
    saved = _("The proposal is saved. Everyone in the group sees it.")
    return post_form(
        request,
        form,
        lambda data: measure_propose(actor=request.user, case=access.case, **data),
        message=saved,
        done=lambda _measure: redirect("plans:plan", code=access.case.code),
        # An empty form stays open for the next proposal.
        partial=lambda _measure: _plan_response(request, access, notice=saved, proposal_form=_proposal_form(access)),
        refused=lambda refusal: _plan_response(request, access, status=refusal.status, proposal_form=form),
    )


@case_view(Ability.VIEW_CASE)
def measure_detail(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Show one measure with its delivery notes and its change log. Anyone who may see the measure."""
    measure = selectors.measure_for_case(access, measure_id)
    _annotate_rights(access, [measure])
    return _measure_page(request, access, measure)


#: Changes on one page of a measure's log.
HISTORY_PAGE_SIZE = 50


def _measure_page(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    measure: Measure,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan_services = directory_selectors.services_for_measures([measure])
    sends = directory_rules.sends_referral(access)
    history = page_of(selectors.measure_history(access, measure), request.GET.get("history"), HISTORY_PAGE_SIZE)
    context = {
        "access": access,
        "case": access.case,
        "measure": measure,
        # Issue 21: the service that delivers the measure, its referrals, and who may link or refer.
        "plan_service": plan_services.get(measure.pk),
        "referrals": directory_selectors.referrals_for_measures(access, [measure]).get(measure.pk, []),
        "links_service": directory_rules.links_service(access, measure),
        "referral_form": ReferralForm() if sends and measure.service_id else None,
        "notes": list(measure.notes.select_related("written_by", "written_by__agency")),
        # Issue 18, point 3: what the person wrote about it, for those who see the measure.
        "measure_words": words_on_measure(access, measure.pk),
        # Issue 17, point 9: the change log is paged by its own parameter (it stopped at 100).
        "history": say(list(history.object_list)),
        "history_page": history,
        "history_query": query_without(request.GET, "history"),
        "note_form": note_form or (NoteForm() if measure.can_note else None),
    }
    return render(request, "plans/measure_detail.html", context, status=status)


@case_view(Ability.VIEW_CASE)
def measure_edit(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Change a measure's details, refusing a stale edit. The case leads, the responsible actor, the proposer."""
    measure = selectors.measure_for_case(access, measure_id)
    if not access.can_edit_measure(measure):
        raise PermissionDenied
    initial = {
        "title": measure.title,
        "needs": [need.pk for need in measure.visible_needs],
        "responsible_user": measure.responsible_user_id,
        "start_date": measure.start_date,
        "due_date": measure.due_date,
        "requires_of_person": measure.requires_of_person,
        "description": measure.description,
        "version": measure.version,
    }
    form = MeasureEditForm(
        request.POST or None,
        needs=needs_for_case(access),
        members=selectors.responsible_candidates(access.case),
        initial=initial,
    )

    def page(status: int = 200, conflict: Measure | None = None) -> HttpResponse:
        # On a conflict the measure as it is saved now is shown above the form.
        context = {"access": access, "case": access.case, "measure": measure, "form": form, "conflict": conflict}
        return render(request, "plans/measure_edit.html", context, status=status)

    if request.method != "POST":
        return page()

    def save(data: dict) -> Measure:
        data = dict(data)
        version = data.pop("version")
        # Needs hidden from this editor stay linked: nobody drops what they cannot see.
        hidden = [need for need in measure.needs.all() if need.pk not in {n.pk for n in measure.visible_needs}]
        data["needs"] = [*data["needs"], *hidden]
        return measure_update(actor=request.user, measure=measure, version=version, **data)

    return post_form(
        request,
        form,
        save,
        message=_("The measure is updated."),
        done=lambda _measure: redirect("plans:measure", code=access.case.code, measure_id=measure.pk),
        refused=lambda refusal: page(refusal.status, refusal.current),
        changed=pgettext("what someone else changed", "this measure"),
        conflict_status=409,
    )


@case_view(Ability.VIEW_CASE)
@require_POST
def measure_move_view(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Choose, reject, start, finish or cancel a measure; htmx swaps the plan.

    Choosing and rejecting: the person and the case leads. The rest: the responsible actor and the case leads.
    """
    measure = selectors.measure_for_case(access, measure_id)

    def save(data: dict) -> str:
        status = data["status"]
        if not access.can_move_measure(measure, status):
            raise PermissionDenied
        measure_move(
            actor=request.user,
            measure=measure,
            status=status,
            reason=data["reason"],
            with_person=data["with_person"] or access.is_person,
        )
        return _("“%(title)s” is now %(status)s.") % {
            "title": measure.title,
            "status": MeasureStatus(status).label.lower(),
        }

    def refused(refusal: Refusal) -> HttpResponse:
        message = refusal.message or _("Choose what should happen to the measure.")
        if request.htmx:
            return _plan_response(request, access, status=400, error=message)
        messages.error(request, message)
        return redirect("plans:plan", code=access.case.code)

    return post_form(
        request,
        MoveForm(request.POST),
        save,
        message=lambda notice: notice,
        done=lambda _notice: redirect("plans:plan", code=access.case.code),
        partial=lambda notice: _plan_response(request, access, notice=notice),
        refused=refused,
    )


@case_view(Ability.VIEW_CASE)
@require_POST
def note_add(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Write a delivery note. Only the responsible actor and the case leads."""
    measure = selectors.measure_for_case(access, measure_id)
    if not access.can_deliver(measure):
        raise PermissionDenied
    _annotate_rights(access, [measure])
    form = NoteForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: delivery_note_add(actor=request.user, measure=measure, text=data["text"]),
        message=_("The delivery note is saved."),
        done=lambda _note: redirect("plans:measure", code=access.case.code, measure_id=measure.pk),
        refused=lambda refusal: _measure_page(request, access, measure, note_form=form, status=refusal.status),
    )


@case_view(Ability.VIEW_CASE)
def versions(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """List the versions of the plan. Anyone who sees the case; each sees only the measures they may see."""
    found = list(selectors.plan_versions(access))
    visible = set(selectors.measures_for_case(access).values_list("pk", flat=True))
    for version in found:
        version.visible_count = sum(1 for row in version.measures if row["id"] in visible)
    return render(request, "plans/versions.html", {"access": access, "case": access.case, "versions": found})


@case_view(Ability.VIEW_CASE)
def compare(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Compare two versions of the plan side by side. Anyone who sees the case, limited to visible measures."""
    available = selectors.plan_versions(access)
    try:
        left_number = int(request.GET.get("a", ""))
        right_number = int(request.GET.get("b", ""))
    except ValueError:
        newest = list(available[:2])
        if not newest:
            raise Http404 from None
        right_number = newest[0].number
        left_number = newest[-1].number
    left = get_object_or_404(available, number=left_number)
    right = get_object_or_404(available, number=right_number)
    rows = selectors.compare_versions(access, left, right)
    return render(
        request,
        "plans/compare.html",
        {
            "access": access,
            "case": access.case,
            "left": left,
            "right": right,
            "rows": rows,
            "numbers": list(available.values_list("number", flat=True)),
        },
    )
