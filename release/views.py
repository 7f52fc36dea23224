"""The release checklist (readiness) and the release at short notice."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from cases.models import Membership
from cases.selectors import current_members
from core.posting import post_form
from handover.services import release_sudden
from notices.selectors import notices_for
from release import selectors
from release.forms import SuddenForm, item_form
from release.services import readiness_item_update


def _render(request: AuthenticatedHttpRequest, access: CaseAccess, *, bound=None, sudden_form=None, status: int = 200):
    case = access.case
    readiness = selectors.readiness_for(access)
    editable = [item for item in readiness.items if access.can_edit_readiness(item)]
    members = list(current_members(case)) if editable else []
    forms = {item.pk: item_form(item, members) for item in editable}
    if bound is not None:
        forms[bound.item_id] = bound
    manage = access.can(Ability.MANAGE_HANDOVER)
    if sudden_form is None and manage and case.released_on is None:
        sudden_form = SuddenForm()
    context = {
        "access": access,
        "case": case,
        "readiness": readiness,
        "rows": [(item, forms.get(item.pk)) for item in readiness.items],
        "told": readiness.told_dates,
        "manage": manage,
        "sudden_form": sudden_form,
        "notices": notices_for(access) if manage else [],
    }
    return render(request, "release/readiness.html", context, status=status)


@case_view(Ability.VIEW_READINESS)
def readiness(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the release checklist: all of it to the person, staff, lead and covered members; others their own items."""
    return _render(request, access)


@case_view(Ability.EDIT_READINESS)
@require_POST
def item_update(request: AuthenticatedHttpRequest, access: CaseAccess, item_id: int) -> HttpResponse:
    """Change an item's owner, state and note. The case staff and the lead any item, a member the items they own."""
    item = selectors.item_for(access, item_id)
    if item is None:
        raise Http404
    if not access.can_edit_readiness(item):
        raise PermissionDenied
    members = list(current_members(access.case))
    form = item_form(item, members, request.POST)
    form.item_id = item.pk
    readiness_url = reverse("release:readiness", kwargs={"code": access.case.code})

    def save(data: dict) -> object:
        owner = None
        if data["owner"] is not None:
            owner = Membership.objects.filter(pk=data["owner"], case=access.case).first()
            if owner is None:
                raise ValidationError({"owner": _("The owner must be a current member of the group.")})
        return readiness_item_update(
            actor=request.user, item=item, owner=owner, state=data["state"], note=data["note"], version=data["version"]
        )

    return post_form(
        request,
        form,
        save,
        message=_("Saved: %(item)s.") % {"item": item.get_key_display()},
        done=lambda _item: redirect(f"{readiness_url}#item-{item.key}"),
        refused=lambda refusal: _render(request, access, bound=form, status=refusal.status),
        changed=pgettext("what someone else changed", "this item"),
        conflict_status=409,
    )


@case_view(Ability.MANAGE_HANDOVER)
@require_POST
def sudden(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record a release at short notice; alerts every member. The case's prison staff and its lead."""
    form = SuddenForm(request.POST)

    def done(result) -> HttpResponse:
        # A release recorded twice is no success: it is said as information, and no one is alerted again.
        if result.repeated:
            messages.info(request, _("This release was already recorded at short notice. No one is alerted twice."))
        else:
            messages.success(
                request,
                ngettext(
                    "The release is recorded. %(n)s missing item is now urgent for its owner.",
                    "The release is recorded. %(n)s missing items are now urgent for their owners.",
                    result.urgent,
                )
                % {"n": result.urgent}
                + " "
                + _("Every member of the group gets an e-mail now."),
            )
        return redirect("release:readiness", code=access.case.code)

    return post_form(
        request,
        form,
        lambda data: release_sudden(
            actor=request.user,
            case=access.case,
            on=data["on"],
            reason=data["reason"],
            base_url=request.build_absolute_uri("/"),
        ),
        done=done,
        refused=lambda refusal: _render(request, access, sudden_form=form, status=refusal.status),
    )
