"""The needs map: needs, resources and needs-conversation sessions."""

from itertools import chain

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.posting import Refusal, post_form
from needs import selectors
from needs.forms import ConversationForm, NeedForm, ResourceForm, VolunteerSharingForm, life_area_choices
from needs.models import Need
from needs.services import conversation_record, need_create, need_update, resource_create, volunteer_sharing_set


def _page(request: AuthenticatedHttpRequest, access: CaseAccess, status: int = 200, **forms) -> HttpResponse:
    editable = access.can(Ability.EDIT_NEEDS)
    # The need and the strength forms offer the same life areas: read once (0.4 ms of CPU a query).
    life_areas = life_area_choices() if editable else None
    needs_by_tangle = selectors.needs_by_tangle(access, words_marked=True)
    context = {
        "access": access,
        "case": access.case,
        "needs_by_tangle": needs_by_tangle,
        # Issue 18, point 3: the person's own words under each need, for those who see the need.
        "words_by_need": selectors.words_by_need(access, chain.from_iterable(needs_by_tangle.values())),
        "resources": list(selectors.resources_for_case(access)),
        "conversations": list(selectors.conversations_for_case(access)),
        "need_form": forms.get("need_form") or (NeedForm(life_areas=life_areas) if editable else None),
        "resource_form": forms.get("resource_form") or (ResourceForm(life_areas=life_areas) if editable else None),
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

    def refused(refusal: Refusal) -> HttpResponse:
        if request.htmx:
            return _needs_fragment(request, access, form, status=refusal.status)
        return _page(request, access, status=refusal.status, need_form=form)

    return post_form(
        request,
        form,
        lambda data: need_create(
            actor=request.user,
            case=access.case,
            life_area=data["life_area"],
            knot=data["knot"],
            own_words=data["own_words"],
            summary=data["summary"],
            acute=data["acute"],
            status=data["status"],
            private=data["private"],
            conversation=selectors.conversations_for_case(access).last(),
        ),
        message=_("The need is recorded."),
        done=lambda _need: redirect("needs:map", code=access.case.code),
        partial=lambda _need: _needs_fragment(request, access, NeedForm(), saved=True),
        refused=refused,
    )


def _needs_fragment(
    request: AuthenticatedHttpRequest, access: CaseAccess, form: NeedForm, status: int = 200, saved: bool = False
) -> HttpResponse:
    needs_by_tangle = selectors.needs_by_tangle(access, words_marked=True)
    context = {
        "access": access,
        "case": access.case,
        "needs_by_tangle": needs_by_tangle,
        "words_by_need": selectors.words_by_need(access, chain.from_iterable(needs_by_tangle.values())),
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

    def page(status: int = 200, conflict: Need | None = None) -> HttpResponse:
        # On a conflict the need as it is saved now is shown above the form.
        context = {"access": access, "case": access.case, "need": need, "form": form, "conflict": conflict}
        return render(request, "needs/need_edit.html", context, status=status)

    if request.method != "POST":
        return page()

    def save(data: dict) -> Need:
        data = dict(data)
        version = data.pop("version") or 0
        return need_update(actor=request.user, need=need, version=version, **data)

    return post_form(
        request,
        form,
        save,
        message=_("The need is updated."),
        done=lambda _need: redirect("needs:map", code=access.case.code),
        refused=lambda refusal: page(refusal.status, refusal.current),
        changed=pgettext("what someone else changed", "this need"),
        conflict_status=409,
    )


@case_view(Ability.EDIT_NEEDS)
@require_POST
def resource_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a strength. The case's prison staff."""
    form = ResourceForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: resource_create(actor=request.user, case=access.case, **data),
        message=_("The strength is recorded."),
        done=lambda _resource: redirect("needs:map", code=access.case.code),
        refused=lambda refusal: _page(request, access, status=refusal.status, resource_form=form),
    )


@case_view(Ability.EDIT_NEEDS)
@require_POST
def conversation_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a session of the needs conversation. The case's prison staff."""
    form = ConversationForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: conversation_record(actor=request.user, case=access.case, **data),
        message=_("The conversation session is recorded."),
        done=lambda _conversation: redirect("needs:map", code=access.case.code),
        refused=lambda refusal: _page(request, access, status=refusal.status, conversation_form=form),
    )


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

    def page(status: int = 200) -> HttpResponse:
        context = {
            "access": access,
            "case": access.case,
            "form": form,
            "volunteers": selectors.volunteers_in_group(access),
        }
        return render(request, "needs/volunteers.html", context, status=status)

    if request.method != "POST":
        return page()
    return post_form(
        request,
        form,
        lambda data: volunteer_sharing_set(
            actor=request.user, case=access.case, items=data["items"], needs=data["needs"]
        ),
        message=_("Your choice is saved. Volunteers see only what you ticked."),
        done=lambda _sharing: redirect("needs:volunteers", code=access.case.code),
        refused=lambda refusal: page(refusal.status),
    )
