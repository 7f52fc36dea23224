"""Intake, caseload, case overview, the responsibility group and meetings."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_to_open_with_reason, case_view, signed_in
from access.forms import ReasonForm
from access.insight import sees_figures
from access.obstacles import sees_map
from access.policy import Ability, CaseAccess, access_by_code, can_open_cases, cases_visible_to, sees_unit
from access.selectors import emergencies_on
from access.services import reasoned_access_open
from access.staff_pages import person_start
from access.surveys import enters_paper
from achievements.selectors import achievements_for
from applications.selectors import late_applications
from cases import selectors
from cases.forms import (
    CarryOverAnswerForm,
    CarryOverAskForm,
    CloseCaseForm,
    FollowUpPhaseForm,
    IntakeForm,
    MeetingForm,
    MemberAddForm,
)
from cases.models import CarryOver, Case, Membership, Stage
from cases.services import (
    IntakeData,
    carry_over_ask,
    carry_over_holder_answer,
    carry_over_person_answer,
    case_follow_up_phase_set,
    case_open,
    membership_add,
    membership_decline,
    membership_end,
    membership_make_lead,
)
from consent import selectors as consent_selectors
from core.forms import asked_form
from core.paging import page_of
from core.posting import post_form, refused_with_message
from handover.services import case_close, membership_accept
from journal.selectors import access_log_page
from meetings.models import MeetingKind
from meetings.services import meeting_book
from needs import selectors as need_selectors
from needs.services import need_create
from ownwords.selectors import case_words
from release.selectors import readiness_summary
from surveys.selectors import due_moment, staff_survey_due
from timetable.engine import anonymise_on, proposals_due
from timetable.selectors import unit_overview_for

#: How many achievements the case's overview lists, the newest first; the rest are one link away.
OVERVIEW_ACHIEVEMENTS = 5


def search_text(request: HttpRequest) -> str:
    """The search of a list page: posted (an identity number must never be in an address), or a name in the address."""
    return (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""


@signed_in
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the signed-in user's cases, a page at a time, searched by name, identity number or case code.

    Any signed-in user; shows and finds only their own cases (``cases_visible_to``).
    """
    if start := person_start(request.user):  # the person reaches no staff page (issue 18)
        return redirect(start)
    listing = selectors.caseload_for(request.user, search=search_text(request), page_number=request.GET.get("page"))
    return render(
        request,
        "cases/caseload.html",
        {
            "cases": listing.cases,
            "listing": listing,
            "page_query": page_query(listing.search),
            "can_open_cases": can_open_cases(request.user),
            "sees_unit": sees_unit(request.user),
            "sees_map": sees_map(request.user),
            # Issue 22, point 5: the quarter's questions, paper forms, the figures, for those they are for.
            "staff_survey_due": staff_survey_due(request.user),
            "enters_paper": enters_paper(request.user),
            "sees_figures": sees_figures(request.user),
        },
    )


def page_query(search: str, **extra: str) -> str:
    """The address's query for the next or previous page: the search only if it cannot be an identity number."""
    from urllib.parse import urlencode

    params = {key: value for key, value in extra.items() if value}
    if search and not selectors.identity_digests(search) and not any(ch.isdigit() for ch in search):
        params["q"] = search
    return urlencode(params)


@signed_in
def unit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's prison: cases per stage, and its cases with stage, overdue deadlines and risks.

    Reentry coordinators of a prison (``access.policy.sees_unit``); anyone else 403. Every
    case on the page is an access event the person sees; opening one needs a reason.
    """
    if not sees_unit(request.user):
        raise PermissionDenied
    stage = request.GET.get("stage", "")
    only_overdue = request.GET.get("overdue") == "1"
    overview = unit_overview_for(
        request.user,
        search=search_text(request),
        stage=stage,
        only_overdue=only_overdue,
        page_number=request.GET.get("page"),
    )
    if overview is None:  # sees_unit said yes above
        raise PermissionDenied
    return render(
        request,
        "cases/unit.html",
        {
            "overview": overview,
            "listing": overview,
            "stages": Stage,
            "page_query": page_query(overview.search, stage=overview.stage, overdue="1" if only_overdue else ""),
        },
    )


@case_to_open_with_reason
def open_with_reason(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    """Open a case of one's own prison with a reason from the list, for a while (``access.policy``).

    A reentry coordinator of the case's prison (the unit's reasons and emergencies); its
    contact officers and social workers outside the group (emergencies only). Anyone else,
    and any other case, 404. Those who already see the case are sent to it.
    """
    if access_by_code(request.user, case.code) is not None:
        return redirect("cases:overview", code=case.code)
    form = ReasonForm(request.POST or None, user=request.user)

    def page(status: int = 200) -> HttpResponse:
        return render(request, "cases/open_with_reason.html", {"case": case, "form": form}, status=status)

    if request.method != "POST":
        return page()
    return post_form(
        request,
        form,
        lambda data: reasoned_access_open(actor=request.user, case=case, reason=data["reason"]),
        message=lambda grant: (
            _("You can read the case until %(end)s. The person sees that you looked, and why.")
            % {"end": date_format(timezone.localtime(grant.expires_at), "j. F Y H:i")}
        ),
        done=lambda _grant: redirect("cases:overview", code=case.code),
        refused=lambda refusal: page(refusal.status),
    )


@signed_in
def intake(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a person and a case. Contact officers and social workers of a prison."""
    if not can_open_cases(request.user) or request.user.agency is None:
        raise PermissionDenied
    country = request.user.agency.country
    form = IntakeForm(
        request.POST or None, country=country, initial={"security_level": request.user.agency.security_level}
    )

    def page(status: int = 200) -> HttpResponse:
        return render(request, "cases/intake.html", {"form": form}, status=status)

    if request.method != "POST":
        return page()

    @transaction.atomic
    def save(data: dict) -> Case:
        case = case_open(
            actor=request.user,
            data=IntakeData(
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                national_id=data["national_id"],
                home_municipality=data["home_municipality"],
                unit=data["unit"],
                security_level=data["security_level"],
                legal_status=data["legal_status"],
                intake_date=data["intake_date"],
                sentence_start=data["sentence_start"],
                sentence_years=data["sentence_years"] or 0,
                sentence_months=data["sentence_months"] or 0,
                sentence_days=data["sentence_days"],
                remand_days=data["remand_days"],
                isolation_days=data["isolation_days"],
                expected_release=data["expected_release"],
            ),
        )
        if data["acute_need"]:
            need_create(
                actor=request.user,
                case=case,
                life_area=data["acute_life_area"],
                summary=data["acute_need"],
                acute=True,
            )
        if data["next_meeting_at"]:
            meeting_book(
                actor=request.user,
                case=case,
                kind=MeetingKind.NEEDS_CONVERSATION,
                starts_at=data["next_meeting_at"],
                place=data["next_meeting_place"],
            )
        return case

    return post_form(
        request,
        form,
        save,
        message=_("The case is registered."),
        done=lambda case: redirect("cases:overview", code=case.code),
        refused=lambda refusal: page(refusal.status),
    )


@case_view(Ability.VIEW_CASE)
def overview(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the case: stage, needs by tangle, consent, group, changes. Anyone who sees the case."""
    return _render_overview(request, access)


def _render_overview(request: AuthenticatedHttpRequest, access: CaseAccess, status: int = 200, **forms) -> HttpResponse:
    case = access.case
    context: dict[str, Any] = {
        "access": access,
        "case": case,
        "members": selectors.members_in_brief(case),
        "meetings": selectors.next_meetings(case),
        "needs_by_tangle": need_selectors.needs_by_tangle(access) if access.sees_needs else None,
        "consent": consent_selectors.active_consent(case)
        if access.consent_active and access.can(Ability.VIEW_CONSENT)
        else None,
        "changes": selectors.latest_changes(access),
        "readiness": readiness_summary(access) if not access.is_person else None,
        # Issue 17, point 9: paged by their own parameter (they stopped at 20).
        "emergencies_page": page_of(emergencies_on(access), request.GET.get("emergencies")),
        # Issue 18: the case's staff see the applications whose answer is late.
        "late_applications": late_applications(access) if access.can(Ability.RECORD_APPLICATIONS) else [],
        # Issue 18, point 4: staff see the newest achievements; the person has their own page.
        # Only what the list shows: no description or hours (0.31 -> 0.25 ms CPU).
        "achievements": list(
            achievements_for(access).only("title", "kind", "issuer", "achieved_on")[:OVERVIEW_ACHIEVEMENTS]
        )
        if access.sees_achievements and not access.is_person
        else None,
        # Issue 18, point 3: the person's own words (needs, wishes, meeting requests) as this viewer reads them.
        "words": case_words(access),
        "answers_requests": access.can(Ability.BOOK_MEETING),
        # Issue 22, point 5: a few questions when a moment of the case has come (the person's own page).
        "survey_due": due_moment(case) if access.can(Ability.ANSWER_SURVEY) else None,
    }
    # Each page reads only what it shows (a query of about 0.4 ms CPU each): the person's page
    # lists the resources, the staff's page gives the deadline for proposals instead.
    if access.is_person:
        context["resources"] = list(need_selectors.resources_for_case(access))
    else:
        conversations = need_selectors.conversations_for_case(access)
        context["proposals_deadline"] = proposals_due(need_selectors.part_one_held(conversations), case.country)
    context.update(_carry_over_context(access, **forms))
    if not access.is_person:
        context.update(_follow_up_context(access, **forms))
    template = "cases/person_overview.html" if access.is_person else "cases/overview.html"
    return render(request, template, context, status=status)


def _follow_up_context(access: CaseAccess, **forms) -> dict:
    """After release, closure and the person's other cases, for the overview (issue 5, points 6-7)."""
    case = access.case
    open_case = case.stage != Stage.CLOSED
    runs = access.can(Ability.CLOSE_CASE) and open_case
    # Only the cases this viewer may see: an earlier case is never revealed by its link.
    # Looked for only when there is an earlier case, so the usual overview costs no query.
    other_cases = []
    if case.previous_case_id is not None:
        other_cases = list(
            cases_visible_to(access.viewer)
            .filter(person_id=case.person_id)
            .exclude(pk=case.pk)
            .select_related("institution")
            .order_by("intake_date", "pk")
        )
    return {
        "other_cases": other_cases,
        "phase_form": forms.get("phase_form")
        or (
            FollowUpPhaseForm(initial={"phase": case.follow_up_phase, "version": case.version})
            if runs and case.stage == Stage.AFTER_RELEASE
            else None
        ),
        "close_form": forms.get("close_form") or (CloseCaseForm(initial={"version": case.version}) if runs else None),
        "anonymise_if_closed_today": anonymise_on(timezone.localdate()),
    }


def _carry_over_context(access: CaseAccess, **forms) -> dict:
    """What the overview shows of carrying over an earlier case: to its asker, the person, and the earlier case's staff.

    Nothing of the earlier case is shown in the new one, not even where it is; the staff
    of the earlier case see which prison asks, so that they can answer.
    """
    case = access.case
    context: dict = {}
    if access.is_person:
        if case.previous_case_id is None:  # only a case with an earlier one is ever carried over to
            return context
        context["carry_overs_for_person"] = [
            carry_over
            for carry_over in CarryOver.objects.filter(case=case, person_answer="").order_by("pk")
            if carry_over.waiting_for_person
        ]
        return context
    if not access.can(Ability.TAKE_OVER_PLAN) or case.stage == Stage.CLOSED:
        return context
    # The carry-overs this case asked for and those it is asked to answer, in one query; of
    # the asking case the answer shows only its prison's name, read without the case's row
    # (0.6 -> 0.3 ms CPU).
    to_answer = Q(earlier_case=case, holder_asked=True, holder_answer="")
    wanted = to_answer if case.previous_case_id is None else to_answer | Q(case=case)
    carry_overs = list(
        CarryOver.objects.filter(wanted).annotate(asking_prison=F("case__institution__name")).order_by("pk")
    )
    if case.previous_case_id is not None:
        asked = next((carry_over for carry_over in reversed(carry_overs) if carry_over.case_id == case.pk), None)
        context["carry_over"] = asked
        context["carry_over_form"] = forms.get("carry_over_form") or (
            CarryOverAskForm() if asked is None or asked.declined else None
        )
    context["carry_overs_to_answer"] = [
        carry_over
        for carry_over in carry_overs
        if carry_over.earlier_case_id == case.pk and carry_over.waiting_for_holder
    ]
    context["carry_over_answer_form"] = forms.get("carry_over_answer_form")
    return context


@case_view(Ability.FOLLOW_UP)
@require_POST
def follow_up_phase(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Set the phase of the follow-up after release. The case's prison staff and its lead."""
    form = FollowUpPhaseForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: case_follow_up_phase_set(
            actor=request.user, case=access.case, phase=data["phase"], version=data["version"]
        ),
        message=_("The phase of the follow-up is changed."),
        done=lambda _case: redirect("cases:overview", code=access.case.code),
        refused=lambda refusal: _render_overview(request, access, status=refusal.status, phase_form=form),
        changed=pgettext("what someone else changed", "the case"),
    )


def _closed_message(case: Case) -> str:
    # The group's access ended with the case (issue 16): the overview is no longer theirs.
    closed = Case.objects.get(pk=case.pk)
    return _("The case %(code)s is closed. The group no longer has access; it will be anonymised on %(date)s.") % {
        "code": closed.code,
        "date": date_format(closed.anonymise_on, "j. F Y") if closed.anonymise_on else "",
    }


@case_view(Ability.CLOSE_CASE)
@require_POST
def close(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Close the case with a reason; the group's memberships end. The case's prison staff and its lead."""
    form = CloseCaseForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: case_close(actor=request.user, case=access.case, reason=data["reason"], version=data["version"]),
        message=lambda _case: _closed_message(access.case),
        done=lambda _case: redirect("cases:caseload"),
        refused=lambda refusal: _render_overview(request, access, status=refusal.status, close_form=form),
        changed=pgettext("what someone else changed", "the case"),
    )


@case_view(Ability.TAKE_OVER_PLAN)
@require_POST
def carry_over_ask_view(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Ask the person (and the earlier case's staff) to carry over the earlier case. The case's staff and lead."""
    form = CarryOverAskForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: carry_over_ask(
            actor=request.user, case=access.case, needs_and_plan=data["needs_and_plan"], group=data["group"]
        ),
        message=_("The person is asked. Nothing is carried over before they agree."),
        done=lambda _asked: redirect("cases:overview", code=access.case.code),
        refused=lambda refusal: _render_overview(request, access, status=refusal.status, carry_over_form=form),
    )


@case_view(Ability.ANSWER_CARRY_OVER_AS_PERSON)
@require_POST
def carry_over_person_view(request: AuthenticatedHttpRequest, access: CaseAccess, carry_over_id: int) -> HttpResponse:
    """The person agrees or not to carry over their earlier case. The person only."""
    carry_over = get_object_or_404(CarryOver, pk=carry_over_id, case=access.case)
    # The person's page has no form to show again: a refusal is said above the overview.
    return post_form(
        request,
        CarryOverAnswerForm(request.POST),
        lambda data: carry_over_person_answer(actor=request.user, carry_over=carry_over, agree=data["agree"]),
        message=_("Thank you. Your answer is saved."),
        done=lambda _answered: redirect("cases:overview", code=access.case.code),
        refused=refused_with_message(request, lambda: _render_overview(request, access, status=400)),
    )


@case_view(Ability.ANSWER_CARRY_OVER)
@require_POST
def carry_over_holder_view(request: AuthenticatedHttpRequest, access: CaseAccess, carry_over_id: int) -> HttpResponse:
    """The staff of the earlier case agree or refuse with a reason. The earlier case's staff and lead."""
    carry_over = get_object_or_404(CarryOver, pk=carry_over_id, earlier_case=access.case)
    form = CarryOverAnswerForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: carry_over_holder_answer(
            actor=request.user, carry_over=carry_over, agree=data["agree"], reason=data["reason"]
        ),
        message=_("Your answer is saved, and the new prison and the person see it."),
        done=lambda _answered: redirect("cases:overview", code=access.case.code),
        refused=lambda refusal: _render_overview(request, access, status=refusal.status, carry_over_answer_form=form),
    )


@case_view(Ability.VIEW_GROUP)
def group(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show the responsibility group. Anyone who sees the case; the case staff may change it."""
    search = request.GET.get("q", "").strip()[:100]
    # The add form (its list of people to offer) is built when asked for: ``?form=member``,
    # swapped in by htmx, or a search. It was a third of the page's CPU (bench/notes.md).
    asked = asked_form(request) == "member" or "q" in request.GET
    form = MemberAddForm(case=access.case, search=search) if asked and access.can(Ability.MANAGE_GROUP) else None
    return _render_group(request, access, form, search=search)


def _render_group(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    form: MemberAddForm | None,
    status: int = 200,
    search: str = "",
) -> HttpResponse:
    manage = access.can(Ability.MANAGE_GROUP)
    context = {
        "search": search,
        "access": access,
        "case": access.case,
        "manage": manage,
        "members": list(selectors.current_members(access.case)),
        "past_members": list(selectors.past_members(access.case)) if manage else [],
        "invited": list(selectors.pending_invitations(access.case)) if manage else [],
        "form": form,
    }
    return render(request, "cases/group.html", context, status=status)


@case_view(Ability.MANAGE_GROUP)
@require_POST
def member_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Add a member to the group. The case's prison staff."""
    form = MemberAddForm(request.POST, case=access.case)

    def added(_membership: Membership) -> str:
        if form.cleaned_data["user"].agency_id == access.case.institution_id:
            return _("The member is added to the group.")
        return _("The member is added to the group. They count as a member once they accept the invitation.")

    return post_form(
        request,
        form,
        lambda data: membership_add(
            actor=request.user,
            case=access.case,
            user=data["user"],
            purpose=data["purpose"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
        ),
        message=added,
        done=lambda _membership: redirect("cases:group", code=access.case.code),
        refused=lambda refusal: _render_group(request, access, form, status=refusal.status),
    )


@case_view(Ability.MANAGE_GROUP)
@require_POST
def member_end(request: AuthenticatedHttpRequest, access: CaseAccess, membership_id: int) -> HttpResponse:
    """End a membership or withdraw an open invitation; the record is kept. The case's prison staff."""
    membership = get_object_or_404(selectors.open_memberships(access.case).select_related("user"), pk=membership_id)
    return _post_to_group(
        request,
        access,
        lambda _data: membership_end(actor=request.user, membership=membership),
        _("%(name)s has left the group.") % {"name": membership.user.display_name},
    )


@case_view(Ability.MANAGE_GROUP)
@require_POST
def member_make_lead(request: AuthenticatedHttpRequest, access: CaseAccess, membership_id: int) -> HttpResponse:
    """Hand the lead to another member of the case's prison staff. The case's prison staff."""
    membership = get_object_or_404(selectors.current_members(access.case), pk=membership_id)
    return _post_to_group(
        request,
        access,
        lambda _data: membership_make_lead(actor=request.user, membership=membership),
        _("%(name)s now leads the group.") % {"name": membership.user.display_name},
    )


def _post_to_group(request: AuthenticatedHttpRequest, access: CaseAccess, save, message: str) -> HttpResponse:
    """A button on the group page: the answer, saved or refused, is said above the group page."""

    def group() -> HttpResponse:
        return redirect("cases:group", code=access.case.code)

    return post_form(
        request, None, save, message=message, done=lambda _saved: group(), refused=refused_with_message(request, group)
    )


@signed_in
def invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the signed-in user's open invitations to groups. Any signed-in user; only their own."""
    if start := person_start(request.user):  # the person reaches no staff page (issue 18)
        return redirect(start)
    return render(request, "cases/invitations.html", {"invitations": selectors.invitations_for(request.user)})


def _own_invitation(request: AuthenticatedHttpRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(user=request.user, accepted_at__isnull=True, end_date__isnull=True),
        pk=membership_id,
    )


@signed_in
@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Accept an invitation to a group. Only the invited user; anyone else gets 404."""
    membership = _own_invitation(request, membership_id)

    def done(accepted: Membership) -> HttpResponse:
        if accepted.start_date > timezone.localdate():
            return redirect("cases:invitations")
        return redirect("cases:overview", code=accepted.case.code)

    return post_form(
        request,
        None,
        lambda _data: membership_accept(actor=request.user, membership=membership),
        message=_("You are now a member of the group."),
        done=done,
        refused=refused_with_message(request, lambda: redirect("cases:invitations")),
    )


@signed_in
@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Decline an invitation to a group. Only the invited user; anyone else gets 404."""
    membership = _own_invitation(request, membership_id)
    return post_form(
        request,
        None,
        lambda _data: membership_decline(actor=request.user, membership=membership),
        message=_("You have declined the invitation."),
        done=lambda _declined: redirect("cases:invitations"),
        refused=refused_with_message(request, lambda: redirect("cases:invitations")),
    )


@case_view(Ability.BOOK_MEETING)
def meeting_new(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Book a meeting. The case's prison staff."""
    form = MeetingForm(request.POST or None)

    def page(status: int = 200) -> HttpResponse:
        return render(
            request, "cases/meeting_form.html", {"access": access, "case": access.case, "form": form}, status=status
        )

    if request.method != "POST":
        return page()
    return post_form(
        request,
        form,
        lambda data: meeting_book(actor=request.user, case=access.case, **data),
        message=_("The meeting is booked."),
        done=lambda _meeting: redirect("meetings:list", code=access.case.code),
        refused=lambda refusal: page(refusal.status),
    )


@case_view(Ability.VIEW_JOURNAL)
def changes(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show every change to the case with old and new values. The case's prison staff."""
    page, entries = selectors.changes_page(access, request.GET.get("page"))
    return render(
        request,
        "cases/changes.html",
        {"access": access, "case": access.case, "entries": entries, "page": page, "page_query": ""},
    )


@case_view(Ability.VIEW_ACCESS_LOG)
def access_log(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Show who has looked at the case, a page at a time. The person and the case's prison staff."""
    log = access_log_page(access, request.GET.get("page"))
    return render(request, "cases/access_log.html", {"access": access, "case": access.case, "log": log})
