"""The person's applications and the decisions on them (issue 18, point 1)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from applications import selectors
from applications.forms import ApplicationForm, DecisionForm
from applications.models import Application
from applications.services import application_decide, application_record
from core.posting import post_form


def _list(
    request: AuthenticatedHttpRequest, access: CaseAccess, form: ApplicationForm | None = None, status: int = 200
) -> HttpResponse:
    records = access.can(Ability.RECORD_APPLICATIONS)
    if records and form is None:
        form = ApplicationForm(
            agencies=selectors.deciding_agencies(access.case),
            initial={"applied_on": timezone.localdate(), "decides": access.case.institution_id},
        )
    earliest = selectors.earliest_dates(access.case)
    context = {
        "access": access,
        "case": access.case,
        "rows": selectors.applications_for_case(access),
        "earliest": sorted(earliest.values(), key=lambda item: item.date),
        "today": timezone.localdate(),
        "form": form if records else None,
    }
    return render(request, "applications/list.html", context, status=status)


@case_view(Ability.VIEW_APPLICATIONS)
def application_list(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The case's applications: the person's own, the case staff and lead, covered members (access.applications)."""
    return _list(request, access)


@case_view(Ability.RECORD_APPLICATIONS)
@require_POST
def application_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record an application. The case's prison staff and lead."""
    form = ApplicationForm(request.POST, agencies=selectors.deciding_agencies(access.case))
    return post_form(
        request,
        form,
        lambda data: application_record(
            actor=request.user,
            case=access.case,
            kind=data["kind"],
            by_person=data["who"] == "person",
            applied_on=data["applied_on"],
            decides=data["decides"],
            expected_answer=data["expected_answer"],
            next_step=data["next_step"],
        ),
        message=_("The application is recorded."),
        done=lambda application: redirect("applications:detail", code=access.case.code, application_id=application.pk),
        refused=lambda refusal: _list(request, access, form, refusal.status),
    )


def _detail(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    application: Application,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    records = access.can(Ability.RECORD_APPLICATIONS)
    if records and form is None:
        form = DecisionForm(
            initial={
                "outcome": application.outcome or None,
                "decided_on": application.decided_on,
                "reached_on": application.reached_on,
                "reason": application.reason,
                "next_step": application.next_step,
                "version": application.version,
            }
        )
    row = selectors.row_for(application, access.case, selectors.earliest_dates(access.case), timezone.localdate())
    context = {"access": access, "case": access.case, "row": row, "application": application, "form": form}
    return render(request, "applications/detail.html", context, status=status)


@case_view(Ability.VIEW_APPLICATIONS)
def application_detail(request: AuthenticatedHttpRequest, access: CaseAccess, application_id: int) -> HttpResponse:
    """One application in plain words, with its decision, reason and appeal deadline. As the list."""
    return _detail(request, access, selectors.application_for_case(access, application_id))


@case_view(Ability.RECORD_APPLICATIONS)
@require_POST
def application_decide_view(request: AuthenticatedHttpRequest, access: CaseAccess, application_id: int) -> HttpResponse:
    """Record the decision; a refusal needs its reason. The case's prison staff and lead."""
    application = selectors.application_for_case(access, application_id)
    form = DecisionForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: application_decide(
            actor=request.user,
            application=application,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            reached_on=data["reached_on"],
            reason=data["reason"],
            next_step=data["next_step"],
            version=data["version"],
        ),
        message=_("The decision is recorded."),
        changed=_("the application"),
        done=lambda saved: redirect("applications:detail", code=access.case.code, application_id=saved.pk),
        refused=lambda refusal: _detail(request, access, refusal.current or application, form, refusal.status),
    )
