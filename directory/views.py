"""The resource directory: search, one entry, a measure's service, referrals and their answers (issue 21)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import directory as rules
from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.policy import Ability, CaseAccess
from access.staff_pages import person_start
from core.paging import page_of, query_without
from core.posting import post_form, refused_with_message
from directory import selectors
from directory.forms import AnswerForm, DeclineForm, ReferralForm, SearchForm, VerifyForm
from directory.models import Referral, Setting
from directory.services import referral_accept, referral_decline, referral_send, service_verify
from journal.models import AccessPurpose
from journal.services import record_access
from plans.selectors import measure_for_case
from plans.services import measure_service_set


def _refuse_the_person(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """The person reaches no staff page (issue 18): their own page instead; else None if the user may search."""
    if start := person_start(request.user):
        return redirect(start)
    if not rules.sees_directory(request.user):
        raise PermissionDenied
    return None


def _search_context(request: AuthenticatedHttpRequest, home: str = "") -> dict[str, object]:
    form = SearchForm(
        request.GET or None,
        life_areas=selectors.taxonomy().life_areas,
        municipalities=selectors.municipalities(),
    )
    searched = form.is_bound
    results = selectors.search(form.filters(), home=home) if searched and form.is_valid() else []
    return {
        "form": form,
        "searched": searched,
        "results": results,
        "areas": selectors.areas_of(results),
        "terms": selectors.terms_of(results),
        # The labels once, not get_setting_display() on each result: it translates every label
        # on every call (0.3 ms for 50 results).
        "setting_names": dict(Setting.choices),
        "limit": selectors.RESULTS,
        "home": home,
        "today": timezone.localdate(),
    }


@signed_in
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search the directory. Every signed-in staff user (access.directory); the person goes to their own page."""
    if refusal := _refuse_the_person(request):
        return refusal
    return render(request, "directory/search.html", _search_context(request))


@signed_in
def service(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """One entry: what, for whom, where, how to refer, its source and when it was checked. Every staff user."""
    if refusal := _refuse_the_person(request):
        return refusal
    found = selectors.service_detail(service_id)
    context = {
        "service": found,
        "keeps": rules.keeps_service(request.user, found),
        "needs_verifying": found.needs_verifying(timezone.localdate()),
    }
    return render(request, "directory/service.html", context)


@signed_in
@require_POST
def service_verify_view(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Mark the entry as checked today. Its keepers and the administrator; others get 403."""
    if refusal := _refuse_the_person(request):
        return refusal
    found = selectors.service_detail(service_id)
    if not rules.keeps_service(request.user, found):
        raise PermissionDenied
    return post_form(
        request,
        VerifyForm(request.POST),
        lambda _data: service_verify(actor=request.user, service=found),
        message=_("The entry is marked as checked today."),
        done=lambda _saved: redirect("directory:service", service_id=found.pk),
        refused=refused_with_message(request, lambda: redirect("directory:service", service_id=found.pk)),
    )


@case_view(Ability.VIEW_CASE)
def measure_service(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Find the service that delivers a measure, the person's home municipality first, and link it.

    Whoever may change the measure (access.directory.links_service); others get 403.
    """
    measure = measure_for_case(access, measure_id)
    if not rules.links_service(access, measure):
        raise PermissionDenied
    if request.method == "POST":
        chosen = request.POST.get("service", "")
        found = None if chosen == "none" else selectors.active_service(chosen)
        back = lambda: redirect("plans:measure", code=access.case.code, measure_id=measure.pk)  # noqa: E731
        if found is None and chosen != "none":
            messages.error(request, _("Choose a service from the list."))
            return back()
        return post_form(
            request,
            None,
            lambda _data: measure_service_set(actor=request.user, measure=measure, service=found),
            message=_("The measure's service is saved.") if found else _("The measure names no service now."),
            done=lambda _saved: back(),
            refused=refused_with_message(request, back),
        )
    context = {
        "access": access,
        "case": access.case,
        "measure": measure,
        **_search_context(request, home=access.case.home_municipality),
    }
    return render(request, "directory/measure_service.html", context)


@case_view(Ability.VIEW_CASE)
@require_POST
def refer(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Send the measure's service a referral. The case's prison staff and its lead; others get 403."""
    measure = measure_for_case(access, measure_id)
    if not rules.sends_referral(access):
        raise PermissionDenied
    back = lambda: redirect("plans:measure", code=access.case.code, measure_id=measure.pk)  # noqa: E731
    return post_form(
        request,
        ReferralForm(request.POST),
        lambda data: referral_send(
            actor=request.user, measure=measure, shared=data["shared"], person_agreed=data["person_agreed"]
        ),
        message=_("The referral is sent. You see the answer here."),
        done=lambda _referral: back(),
        refused=refused_with_message(request, back, invalid=_("Write what the person agreed to share.")),
    )


def _log_reads(request: AuthenticatedHttpRequest, referrals: list[Referral], view: str) -> None:
    if referrals:
        record_access(
            viewer=request.user,
            case_ids=[referral.case_id for referral in referrals],
            purpose=AccessPurpose.CASELOAD,
            view=view,
        )


#: Referrals on one page of the agency's list (issue 17, point 9: every list is paged).
REFERRALS_PAGE_SIZE = 50


@signed_in
def referrals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrals to the user's agency, those waiting first. Any signed-in user; only their agency's."""
    if refusal := _refuse_the_person(request):
        return refusal
    page = page_of(selectors.incoming_referrals(request.user), request.GET.get("page"), REFERRALS_PAGE_SIZE)
    found = list(page.object_list)
    _log_reads(request, found, "directory:referrals")
    context = {"referrals": found, "page": page, "page_query": query_without(request.GET, "page")}
    return render(request, "directory/referrals.html", context)


def _referral_page(
    request: AuthenticatedHttpRequest, referral: Referral, decline_form: DeclineForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "referral": referral,
        "accept_form": AnswerForm(initial={"version": referral.version}),
        "decline_form": decline_form or DeclineForm(initial={"version": referral.version}),
    }
    return render(request, "directory/referral.html", context, status=status)


@signed_in
def referral(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """One referral to the user's agency: what the person agreed to share. Its users; anyone else 404."""
    found = rules.referral_for(request.user, referral_id)
    _log_reads(request, [found], "directory:referral")
    return _referral_page(request, found)


@signed_in
@require_POST
def referral_accept_view(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """Accept: join the group as the measure's deliverer. The service's agency's users; anyone else 404."""
    found = rules.referral_for(request.user, referral_id)
    back = lambda: redirect("directory:referral", referral_id=found.pk)  # noqa: E731

    def done(accepted: Referral) -> HttpResponse:
        return redirect("plans:measure", code=accepted.case.code, measure_id=accepted.measure_id)

    return post_form(
        request,
        AnswerForm(request.POST),
        lambda data: referral_accept(actor=request.user, referral=found, version=data["version"]),
        message=_("You have accepted the referral. You are now in the group and responsible for the measure."),
        done=done,
        refused=refused_with_message(request, back, invalid=_("Open the referral again and answer it.")),
        changed=_("this referral"),
    )


@signed_in
@require_POST
def referral_decline_view(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """Decline with a reason the contact officer and the person see. The service's agency's users; others 404."""
    found = rules.referral_for(request.user, referral_id)
    form = DeclineForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: referral_decline(
            actor=request.user, referral=found, version=data["version"], reason=data["reason"]
        ),
        message=_("You have declined the referral. The contact officer and the person see why."),
        done=lambda _declined: redirect("directory:referrals"),
        refused=lambda refusal: _referral_page(request, found, decline_form=form, status=refusal.status),
        changed=_("this referral"),
    )
