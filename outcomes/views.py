"""The case's outcomes after release: the three-month follow-up and new charges (issue 22, point 3)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.posting import post_form
from outcomes import selectors
from outcomes.forms import ChargeForm, FollowUpForm, RemoveChargeForm
from outcomes.services import charge_record, charge_remove, follow_up_record


def _page(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    *,
    follow_up_form: FollowUpForm | None = None,
    charge_form: ChargeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    outcomes = selectors.outcomes_for(access, today)
    records = access.can(Ability.RECORD_OUTCOMES)
    if follow_up_form is None:
        current = outcomes.follow_up
        initial = (
            {"situation": current.situation, "assessed_on": current.assessed_on, "version": current.version}
            if current is not None
            else {"assessed_on": today}
        )
        follow_up_form = FollowUpForm(initial=initial)
    context = {
        "access": access,
        "case": access.case,
        "outcomes": outcomes,
        "records": records,
        "today": today,
        "follow_up_form": follow_up_form,
        "charge_form": charge_form or ChargeForm(),
        "remove_forms": {
            charge.pk: RemoveChargeForm(initial={"version": charge.version}, prefix=f"c{charge.pk}")
            for charge in outcomes.charges
        },
    }
    return render(request, "outcomes/case.html", context, status=status)


@case_view(Ability.VIEW_OUTCOMES)
def case_outcomes(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The follow-up three months after release and the new charges within a year.
    The case's prison staff and lead see them; the lead records them (access.outcomes)."""
    return _page(request, access)


def _back(access: CaseAccess) -> HttpResponse:
    return redirect("outcomes:case", code=access.case.code)


@case_view(Ability.RECORD_OUTCOMES)
@require_POST
def follow_up(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record or correct the situation three months after release. The case's lead."""
    form = FollowUpForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: follow_up_record(
            actor=request.user,
            case=access.case,
            situation=data["situation"],
            assessed_on=data["assessed_on"],
            version=data["version"],
        ),
        message=_("The situation three months after release is recorded."),
        changed=_("the follow-up"),
        done=lambda _saved: _back(access),
        refused=lambda refusal: _page(request, access, follow_up_form=form, status=max(refusal.status, 400)),
    )


@case_view(Ability.RECORD_OUTCOMES)
@require_POST
def charge_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a new charge within a year after release (its day only). The case's lead."""
    form = ChargeForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: charge_record(actor=request.user, case=access.case, charged_on=data["charged_on"]),
        message=_("The new charge is recorded."),
        done=lambda _saved: _back(access),
        refused=lambda refusal: _page(request, access, charge_form=form, status=max(refusal.status, 400)),
    )


@case_view(Ability.RECORD_OUTCOMES)
@require_POST
def charge_remove_view(request: AuthenticatedHttpRequest, access: CaseAccess, charge_id: int) -> HttpResponse:
    """Remove a charge recorded by mistake. The case's lead; another case's charge is 404."""
    charge = selectors.charge_to_remove(access, charge_id)
    form = RemoveChargeForm(request.POST, prefix=f"c{charge.pk}")
    return post_form(
        request,
        form,
        lambda data: charge_remove(actor=request.user, charge=charge, version=data["version"]),
        message=_("The charge is removed."),
        changed=_("the charge"),
        done=lambda _saved: _back(access),
        refused=lambda refusal: _page(request, access, status=max(refusal.status, 400)),
    )
