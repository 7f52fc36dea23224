"""Record and withdraw the comprehensive consent."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess, case_staff_condition
from cases import selectors as case_selectors
from consent import selectors
from consent.forms import ConsentForm, WithdrawForm
from consent.services import consent_give, consent_withdraw
from core.forms import asked_form
from core.posting import Refusal, post_form


def _members(access: CaseAccess):
    return case_selectors.current_members(access.case)


def _consent_form(access: CaseAccess, data=None) -> ConsentForm:
    members = _members(access)
    # The one who explains is, unless chosen otherwise, the viewer: their own current membership.
    initial = {"given_on": timezone.localdate(), "explained_by": access.membership}
    form = ConsentForm(data, members=members, initial=initial)
    form.model_choice_field("scope").queryset = members.exclude(case_staff_condition(access.case))
    return form


def _page(
    request: AuthenticatedHttpRequest, access: CaseAccess, form=None, withdraw_form=None, status: int = 200
) -> HttpResponse:
    history = selectors.consent_history(access.case)
    # The active consent is the one of the history not withdrawn (at most one, by a constraint).
    consent = next((consent for consent in history if consent.withdrawn_at is None), None)
    may_record = access.can(Ability.RECORD_CONSENT)
    # Without an active consent, recording one is what the page is for. A new consent that
    # replaces the active one is rarer: its form (the members to cover) is built when asked for
    # (``?form=consent``, swapped in by htmx); it was a third of the page's CPU (bench/notes.md).
    if form is None and may_record and (consent is None or asked_form(request) == "consent"):
        form = _consent_form(access)
    context = {
        "access": access,
        "case": access.case,
        "consent": consent,
        "history": history,
        "form": form,
        "may_record": may_record,
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    return render(request, "consent/consent.html", context, status=status)


@case_view(Ability.VIEW_CONSENT)
def consent_page(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the consent and its history. The person and the case's prison staff."""
    return _page(request, access)


@case_view(Ability.RECORD_CONSENT)
@require_POST
def consent_give_view(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record the consent given at the end of the needs conversation. The case's prison staff."""
    form = _consent_form(access, request.POST)
    return post_form(
        request,
        form,
        lambda data: consent_give(
            actor=request.user,
            case=access.case,
            given_on=data["given_on"],
            explained_by=data["explained_by"].user,
            scope=data["scope"],
            note=data["note"],
        ),
        message=_("The consent is recorded."),
        done=lambda _consent: redirect("consent:page", code=access.case.code),
        refused=lambda refusal: _page(request, access, form=form, status=refusal.status),
    )


@case_view(Ability.WITHDRAW_CONSENT)
@require_POST
def consent_withdraw_view(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Withdraw the consent at once. The person themself and the case's prison staff."""
    form = WithdrawForm(request.POST)

    def refused(refusal: Refusal) -> HttpResponse:
        if refusal.message:  # the service refused: said above the consent page
            messages.error(request, refusal.message)
            return redirect("consent:page", code=access.case.code)
        return _page(request, access, withdraw_form=form, status=refusal.status)

    return post_form(
        request,
        form,
        lambda data: consent_withdraw(actor=request.user, case=access.case, note=data["note"]),
        message=_("The consent is withdrawn. The group can no longer see the needs."),
        done=lambda _consent: redirect("consent:page", code=access.case.code),
        refused=refused,
    )
