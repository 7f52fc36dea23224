"""The handover page: transitions, incoming actors and whether the outgoing may let go."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.errors import ConcurrentEditError
from handover import rules
from handover.forms import CancelForm, CompleteForm, InviteForm, TransitionForm
from handover.models import Transition
from handover.services import transition_cancel, transition_complete, transition_invite, transition_plan
from meetings.selectors import farewell_held


def _context(request: AuthenticatedHttpRequest, access: CaseAccess, **forms) -> dict:
    case = access.case
    manage = access.can(Ability.MANAGE_HANDOVER)
    current = rules.open_transition(case.pk)
    outgoing = []
    if current is not None:
        blocked = None
        for member in rules.outgoing_members(current):
            member.case = case
            blocked = rules.leave_blocked(member)
            outgoing.append((member, blocked))
    search = request.GET.get("q", "").strip()[:100]
    return {
        "access": access,
        "case": case,
        "manage": manage,
        "current": current,
        "incoming": rules.incoming_status(current) if current else [],
        "outgoing": outgoing,
        "history": list(
            Transition.objects.filter(case=case)
            .exclude(pk=getattr(current, "pk", None))
            .select_related("from_agency", "to_agency")
        ),
        "search": search,
        "farewell": farewell_held(case),
        "plan_form": forms.get("plan_form") or (TransitionForm(case=case) if manage and current is None else None),
        "invite_form": forms.get("invite_form")
        or (InviteForm(case=case, search=search) if manage and current is not None else None),
        "complete_form": forms.get("complete_form") or (CompleteForm() if manage and current is not None else None),
        "cancel_form": forms.get("cancel_form")
        or (CancelForm(initial={"version": current.version}) if manage and current is not None else None),
    }


@case_view(Ability.VIEW_HANDOVER)
def handover_page(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the planned transition and who has taken hold. Anyone who sees the case; the lead changes it."""
    return render(request, "handover/page.html", _context(request, access))


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def transition_new(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Plan a transition. The case's prison staff and its lead."""
    form = TransitionForm(request.POST, case=access.case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            transition_plan(
                actor=request.user,
                case=access.case,
                kind=data["kind"],
                planned_date=data["planned_date"],
                to_agency=data["to_agency"],
                to_unit=data["to_unit"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The transition is planned. Invite the incoming actors next."))
            return redirect("handover:page", code=access.case.code)
    return render(request, "handover/page.html", _context(request, access, plan_form=form), status=400)


def _open_transition(access: CaseAccess, transition_id: int) -> Transition:
    return get_object_or_404(Transition.objects.select_related("case"), pk=transition_id, case=access.case)


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def invite(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Invite an incoming actor. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = InviteForm(request.POST, case=access.case)
    if form.is_valid():
        try:
            membership = transition_invite(
                actor=request.user,
                transition=transition,
                user=form.cleaned_data["user"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s is invited for the transition.") % {"name": membership.user.display_name},
            )
            return redirect("handover:page", code=access.case.code)
    return render(request, "handover/page.html", _context(request, access, invite_form=form), status=400)


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def complete(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Record that the transition happened. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            transition_complete(
                actor=request.user,
                transition=transition,
                on=form.cleaned_data["on"],
                early_reason=form.cleaned_data["early_reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The transition is recorded as done."))
            return redirect("handover:page", code=access.case.code)
    return render(request, "handover/page.html", _context(request, access, complete_form=form), status=400)


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def cancel(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Cancel a planned transition with a reason. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            transition_cancel(
                actor=request.user,
                transition=transition,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ConcurrentEditError:
            form.add_error(None, _("Someone else changed the transition while you were working. Look again."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The transition is cancelled."))
            return redirect("handover:page", code=access.case.code)
    return render(request, "handover/page.html", _context(request, access, cancel_form=form), status=400)
