"""The handover page: transitions, incoming actors and whether the outgoing may let go."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.posting import post_form
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
    history = Transition.objects.filter(case=case)
    if current is not None:
        history = history.exclude(pk=current.pk)
    return {
        "access": access,
        "case": case,
        "manage": manage,
        "current": current,
        "incoming": rules.incoming_status(current) if current else [],
        "outgoing": outgoing,
        "history": list(history.select_related("from_agency", "to_agency")),
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
    """Show the planned transition and who has taken hold. Anyone who sees the case but the person, who is
    sent to their own page (issue 18: the person reaches no staff page); the lead changes it."""
    if access.is_person:
        return redirect("cases:overview", code=access.case.code)
    return render(request, "handover/page.html", _context(request, access))


def _page(request: AuthenticatedHttpRequest, access: CaseAccess, status: int = 200, **forms) -> HttpResponse:
    return render(request, "handover/page.html", _context(request, access, **forms), status=status)


def _done(access: CaseAccess) -> HttpResponse:
    return redirect("handover:page", code=access.case.code)


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def transition_new(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Plan a transition. The case's prison staff and its lead."""
    form = TransitionForm(request.POST, case=access.case)
    return post_form(
        request,
        form,
        lambda data: transition_plan(
            actor=request.user,
            case=access.case,
            kind=data["kind"],
            planned_date=data["planned_date"],
            to_agency=data["to_agency"],
            to_unit=data["to_unit"],
            reason=data["reason"],
        ),
        message=_("The transition is planned. Invite the incoming actors next."),
        done=lambda _transition: _done(access),
        refused=lambda refusal: _page(request, access, refusal.status, plan_form=form),
    )


def _open_transition(access: CaseAccess, transition_id: int) -> Transition:
    return get_object_or_404(Transition.objects.select_related("case"), pk=transition_id, case=access.case)


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def invite(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Invite an incoming actor. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = InviteForm(request.POST, case=access.case)
    return post_form(
        request,
        form,
        lambda data: transition_invite(
            actor=request.user, transition=transition, user=data["user"], purpose=data["purpose"]
        ),
        message=lambda membership: (
            _("%(name)s is invited for the transition.") % {"name": membership.user.display_name}
        ),
        done=lambda _membership: _done(access),
        refused=lambda refusal: _page(request, access, refusal.status, invite_form=form),
    )


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def complete(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Record that the transition happened. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = CompleteForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: transition_complete(
            actor=request.user, transition=transition, on=data["on"], early_reason=data["early_reason"]
        ),
        message=_("The transition is recorded as done."),
        done=lambda _transition: _done(access),
        refused=lambda refusal: _page(request, access, refusal.status, complete_form=form),
    )


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def cancel(request: AuthenticatedHttpRequest, access: CaseAccess, transition_id: int) -> HttpResponse:
    """Cancel a planned transition with a reason. The case's prison staff and its lead."""
    transition = _open_transition(access, transition_id)
    form = CancelForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: transition_cancel(
            actor=request.user, transition=transition, reason=data["reason"], version=data["version"]
        ),
        message=_("The transition is cancelled."),
        done=lambda _transition: _done(access),
        refused=lambda refusal: _page(request, access, refusal.status, cancel_form=form),
        changed=pgettext("what someone else changed", "the transition"),
    )
