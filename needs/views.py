"""The needs map: needs, resources and needs-conversation sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.errors import ConcurrentEditError
from needs import selectors
from needs.forms import ConversationForm, NeedForm, ResourceForm, VolunteerSharingForm
from needs.services import conversation_record, need_create, need_update, resource_create, volunteer_sharing_set


def _page(request: AuthenticatedHttpRequest, access: CaseAccess, status: int = 200, **forms) -> HttpResponse:
    editable = access.can(Ability.EDIT_NEEDS)
    context = {
        "access": access,
        "case": access.case,
        "needs_by_tangle": selectors.needs_by_tangle(access),
        "resources": list(selectors.resources_for_case(access)),
        "conversations": list(selectors.conversations_for_case(access)),
        "need_form": forms.get("need_form") or (NeedForm() if editable else None),
        "resource_form": forms.get("resource_form") or (ResourceForm() if editable else None),
        "conversation_form": forms.get("conversation_form")
        or (ConversationForm(initial={"held_on": timezone.localdate()}) if editable else None),
    }
    return render(request, "needs/needs_map.html", context, status=status)


@case_view(Ability.VIEW_NEEDS)
def needs_map(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the needs map. The person, the case's prison staff, members covered by consent."""
    return _page(request, access)


@case_view(Ability.EDIT_NEEDS)
@require_POST
def need_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a need; htmx swaps the needs section. The case's prison staff."""
    form = NeedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        conversation = selectors.conversations_for_case(access).last()
        try:
            need_create(
                actor=request.user,
                case=access.case,
                life_area=data["life_area"],
                knot=data["knot"],
                own_words=data["own_words"],
                summary=data["summary"],
                acute=data["acute"],
                status=data["status"],
                private=data["private"],
                conversation=conversation,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if request.htmx:
                return _needs_fragment(request, access, NeedForm(), saved=True)
            messages.success(request, _("The need is recorded."))
            return redirect("needs:map", code=access.case.code)
    if request.htmx:
        return _needs_fragment(request, access, form, status=400)
    return _page(request, access, status=400, need_form=form)


def _needs_fragment(
    request: AuthenticatedHttpRequest, access: CaseAccess, form: NeedForm, status: int = 200, saved: bool = False
) -> HttpResponse:
    context = {
        "access": access,
        "case": access.case,
        "needs_by_tangle": selectors.needs_by_tangle(access),
        "need_form": form,
        "saved": saved,
    }
    return render(request, "needs/_needs_section.html", context, status=status)


@case_view(Ability.EDIT_NEEDS)
def need_edit(request: AuthenticatedHttpRequest, access: CaseAccess, need_id: int) -> HttpResponse:
    """Change a need, refusing a stale edit. The case's prison staff."""
    need = selectors.need_for_case(access, need_id)
    initial = {
        "life_area": need.life_area_id,
        "knot": need.knot_id,
        "own_words": need.own_words,
        "summary": need.summary,
        "acute": need.acute,
        "status": need.status,
        "private": need.private,
        "version": need.version,
    }
    form = NeedForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            need_update(actor=request.user, need=need, version=version, **data)
        except ConcurrentEditError as error:
            conflict = error.current
            form.add_error(
                None,
                _(
                    "Someone else changed this need while you were editing. Their version is shown below; "
                    "nothing of yours was saved. Make your change again on top of it."
                ),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The need is updated."))
            return redirect("needs:map", code=access.case.code)
    status = 409 if conflict else (400 if form.errors else 200)
    return render(
        request,
        "needs/need_edit.html",
        {"access": access, "case": access.case, "need": need, "form": form, "conflict": conflict},
        status=status,
    )


@case_view(Ability.EDIT_NEEDS)
@require_POST
def resource_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a strength. The case's prison staff."""
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            resource_create(actor=request.user, case=access.case, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The strength is recorded."))
            return redirect("needs:map", code=access.case.code)
    return _page(request, access, status=400, resource_form=form)


@case_view(Ability.EDIT_NEEDS)
@require_POST
def conversation_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a session of the needs conversation. The case's prison staff."""
    form = ConversationForm(request.POST)
    if form.is_valid():
        try:
            conversation_record(actor=request.user, case=access.case, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The conversation session is recorded."))
            return redirect("needs:map", code=access.case.code)
    return _page(request, access, status=400, conversation_form=form)


@case_view(Ability.SHARE_WITH_VOLUNTEERS)
def volunteers(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Choose, item by item, what the volunteers in the group see. The person only."""
    shareable = selectors.needs_for_case(access).filter(private=False)
    sharing = selectors.volunteer_sharing(access)
    initial = {
        "needs": [need.pk for need in shareable if need.shared_with_volunteers],
        "items": sharing.items if sharing else [],
    }
    form = VolunteerSharingForm(request.POST or None, needs=shareable, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_sharing_set(
                actor=request.user, case=access.case, items=form.cleaned_data["items"], needs=form.cleaned_data["needs"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your choice is saved. Volunteers see only what you ticked."))
            return redirect("needs:volunteers", code=access.case.code)
    context = {
        "access": access,
        "case": access.case,
        "form": form,
        "volunteers": selectors.volunteers_in_group(access),
    }
    return render(request, "needs/volunteers.html", context, status=400 if form.errors else 200)
