"""Before the sentence starts (issue 25): register, write and send the summons, print it, the person's list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access.decorators import AuthenticatedHttpRequest, case_view, signed_in
from access.policy import Ability, CaseAccess
from access.summons import manages_summons, reads_summons, registers_summoned, ticks_list
from cases.forms import member_candidates
from cases.models import Case
from cases.services import IntakeData
from core.pdf import render_pdf
from core.posting import post_form
from summons.forms import ExistingGroupForm, SummonedForm, SummonsForm, TickForm
from summons.letter import TOPIC_TEXT
from summons.models import Summons, Topic
from summons.selectors import (
    existing_group_of_case,
    existing_groups_for,
    group_starts_for,
    item_of_case,
    items_of,
    summons_for_case,
)
from summons.services import (
    SummonsData,
    existing_group_record,
    group_start_from_existing,
    item_tick,
    summoned_case_register,
    summons_save,
    summons_send,
)

STATIC_DIR = Path(settings.BASE_DIR) / "static"


@signed_in
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a sentenced person who waits to serve. Prison staff who may register a case at intake."""
    user = request.user
    if not registers_summoned(user) or user.agency is None:
        raise PermissionDenied
    form = SummonedForm(request.POST or None)

    def page(status: int = 200) -> HttpResponse:
        return render(request, "summons/register.html", {"form": form}, status=status)

    if request.method != "POST":
        return page()

    def save(data: dict[str, Any]) -> Case:
        return summoned_case_register(
            actor=user,
            data=IntakeData(
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                national_id=data["national_id"],
                home_municipality=data["home_municipality"],
                legal_status=data["legal_status"],
                intake_date=data["intake_date"],
                sentence_start=data["intake_date"],
                sentence_years=data["sentence_years"] or 0,
                sentence_months=data["sentence_months"] or 0,
                sentence_days=data["sentence_days"],
            ),
        )

    return post_form(
        request,
        form,
        save,
        message=_("The person is registered. Write the summons now."),
        done=lambda case: redirect("summons:case", code=case.code),
        refused=lambda refusal: page(refusal.status),
    )


def _initial(access: CaseAccess, summons: Summons | None) -> dict[str, Any]:
    if summons is not None:
        return {
            "meet_at": timezone.localtime(summons.meet_at).replace(tzinfo=None),
            "place": summons.place,
            "address": summons.address,
            "bring": summons.bring,
            "contact_name": summons.contact_name,
            "contact_phone": summons.contact_phone,
            "contact_hours": summons.contact_hours,
            "language": summons.language,
            "topics": [item.topic for item in items_of(summons)],
            "version": summons.version,
        }
    case, viewer = access.case, access.viewer
    return {
        "place": case.institution.name,
        "contact_name": viewer.get_full_name(),
        "language": "da" if case.country == "DK" else "nb",
        "topics": list(Topic.values),
    }


def _summons_form(access: CaseAccess, summons: Summons | None, data: Any = None) -> SummonsForm | None:
    """The form to write the summons, until it is sent; None once it is."""
    if summons is not None and summons.sent_at is not None:
        return None
    return SummonsForm(data, initial=_initial(access, summons))


def _case_page(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    summons: Summons | None,
    form: SummonsForm | None,
    existing_form: ExistingGroupForm | None,
    status: int = 200,
) -> HttpResponse:
    case = access.case
    context = {
        "access": access,
        "case": case,
        "summons": summons,
        "items": items_of(summons),
        "form": form,
        "existing_groups": list(existing_groups_for(case)),
        "started_ids": {start.existing_id for start in group_starts_for(case)},
        "existing_form": existing_form or ExistingGroupForm(candidates=member_candidates(case)),
    }
    return render(request, "summons/case.html", context, status=status)


@case_view(Ability.VIEW_CASE)
def case_summons(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The summons of a case before the sentence: write it, send it, start the group. Those who run the case."""
    if not manages_summons(access):
        raise PermissionDenied
    case = access.case
    summons = summons_for_case(case)
    form = _summons_form(access, summons, request.POST or None)

    def page(status: int = 200) -> HttpResponse:
        return _case_page(request, access, summons, form, None, status)

    if request.method != "POST" or form is None:
        if request.method == "POST":
            raise PermissionDenied
        return page()

    def save(data: dict[str, Any]) -> Summons:
        return summons_save(
            actor=request.user,
            case=case,
            data=SummonsData(
                meet_at=data["meet_at"],
                place=data["place"],
                address=data["address"],
                bring=data["bring"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_hours=data["contact_hours"],
                language=data["language"],
                topics=tuple(data["topics"]),
            ),
            version=data["version"],
        )

    return post_form(
        request,
        form,
        save,
        message=_("The summons is saved."),
        done=lambda _summons: redirect("summons:case", code=case.code),
        refused=lambda refusal: page(refusal.status),
        changed=_("the summons"),
    )


@case_view(Ability.VIEW_CASE)
def send(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record that the summons is printed and posted. Those who run the case."""
    if not manages_summons(access):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    summons = summons_for_case(access.case)
    if summons is None:
        raise Http404
    return post_form(
        request,
        None,
        lambda _data: summons_send(actor=request.user, summons=summons),
        message=_("The summons is recorded as sent."),
        done=lambda _summons: redirect("summons:case", code=access.case.code),
        refused=lambda _refusal: redirect("summons:case", code=access.case.code),
    )


@case_view(Ability.VIEW_CASE)
def letter_pdf(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The summons as a letter to print and post, in its language. The person; those who run the case."""
    if not reads_summons(access):
        raise PermissionDenied
    summons = summons_for_case(access.case)
    if summons is None:
        raise Http404
    with translation.override(summons.language):
        html = render_to_string(
            "summons/letter_pdf.html",
            {
                "summons": summons,
                "case": access.case,
                "items": items_of(summons),
                "language": summons.language,
                "texts": TOPIC_TEXT,
            },
            request=request,
        )
    # The stylesheet is read from the static files on disk: no request to the server itself.
    pdf = render_pdf(html, base_url=STATIC_DIR.as_uri() + "/")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="summons-{access.case.code}.pdf"'
    return response


@case_view(Ability.VIEW_CASE)
def existing_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record the group the home municipality already has around the person. Those who run the case."""
    if not manages_summons(access):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = access.case
    form = ExistingGroupForm(request.POST, candidates=member_candidates(case))

    def refused(status: int) -> HttpResponse:
        summons = summons_for_case(case)
        return _case_page(request, access, summons, _summons_form(access, summons), form, status)

    return post_form(
        request,
        form,
        lambda data: existing_group_record(
            actor=request.user,
            case=case,
            kind=data["kind"],
            members=data["members"],
            coordinator=data["coordinator"],
        ),
        message=_("The municipality's group is recorded. You can start the group from it."),
        done=lambda _existing: redirect("summons:case", code=case.code),
        refused=lambda refusal: refused(refusal.status),
    )


@case_view(Ability.VIEW_CASE)
def group_start(request: AuthenticatedHttpRequest, access: CaseAccess, existing_group_id: int) -> HttpResponse:
    """Start the group from the municipality's existing group: invite its members in one step."""
    if not manages_summons(access):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    existing = existing_group_of_case(access.case, existing_group_id)
    if existing is None:  # another person's group answers as a missing one
        raise Http404
    back = redirect("summons:case", code=access.case.code)
    return post_form(
        request,
        None,
        lambda _data: group_start_from_existing(actor=request.user, case=access.case, existing=existing),
        message=_("The members are invited. Each of them accepts."),
        done=lambda _start: back,
        refused=lambda refusal: render(
            request,
            "summons/refused.html",
            {"case": access.case, "access": access, "message": refusal.message},
            status=400,
        ),
    )


@case_view(Ability.VIEW_CASE)
def mine(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The summons on the person's page, with the list to tick off. The person; those who run the case see it."""
    if not reads_summons(access):
        raise PermissionDenied
    summons = summons_for_case(access.case)
    context = {
        "access": access,
        "case": access.case,
        "summons": summons,
        "items": items_of(summons),
        "ticks": ticks_list(access),
        "texts": TOPIC_TEXT,
    }
    return render(request, "summons/mine.html", context)


@case_view(Ability.VIEW_CASE)
def tick(request: AuthenticatedHttpRequest, access: CaseAccess, prep_item_id: int) -> HttpResponse:
    """The person ticks an item of their own list off, or back on."""
    if not ticks_list(access):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = item_of_case(access.case, prep_item_id)
    if item is None:  # an item of another case answers as a missing one
        raise Http404
    form = TickForm(request.POST)
    back = redirect("summons:mine", code=access.case.code)

    def save(data: dict[str, Any]) -> object:
        return item_tick(actor=request.user, item=item, done=data["done"])

    return post_form(
        request,
        form,
        save,
        message=_("Saved."),
        done=lambda _item: back,
        refused=lambda refusal: render(
            request,
            "summons/refused.html",
            {"case": access.case, "access": access, "message": refusal.message},
            status=400,
        ),
    )
