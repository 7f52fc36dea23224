"""What the person has achieved: certificates and documented skills (issue 18, point 4; seed 002 §5.14)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.achievements import can_correct
from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from achievements import selectors
from achievements.forms import AchievementForm, CorrectionForm, WithdrawForm
from achievements.models import Achievement
from achievements.services import achievement_correct, achievement_record, achievement_withdraw
from core.pdf import render_pdf
from core.posting import post_form
from personpages.views import PRINT_LANGUAGES, STATIC_DIR

FIELDS = ("kind", "title", "issuer", "achieved_on", "hours", "level", "description")


@case_view(Ability.VIEW_ACHIEVEMENTS)
def achievement_list(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """What I have achieved, written for the person. The person (all of theirs), the case's staff and
    lead and covered members who are not volunteers (the case's own): access.achievements."""
    achievements = list(selectors.achievements_for(access))
    context = {
        "access": access,
        "case": access.case,
        "achievements": achievements,
        "records": access.can(Ability.RECORD_ACHIEVEMENTS),
        "prints": access.can(Ability.VIEW_PERSON_PAGES),
        "correctable": {achievement.pk for achievement in achievements if can_correct(access, achievement)},
    }
    return render(request, "achievements/list.html", context)


def _form_page(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    form: AchievementForm,
    achievement: Achievement | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if achievement is not None and withdraw_form is None:
        withdraw_form = WithdrawForm(initial={"version": achievement.version})
    context = {
        "access": access,
        "case": access.case,
        "form": form,
        "achievement": achievement,
        "withdraw_form": withdraw_form,
    }
    return render(request, "achievements/form.html", context, status=status)


@case_view(Ability.RECORD_ACHIEVEMENTS)
def achievement_add(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Record an achievement. The case's prison staff and lead, and a school contact the consent covers."""
    if request.method != "POST":
        form = AchievementForm(initial={"achieved_on": timezone.localdate()})
        return _form_page(request, access, form)
    form = AchievementForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: achievement_record(
            actor=request.user, case=access.case, **{field: data[field] for field in FIELDS}
        ),
        message=_("The achievement is recorded."),
        done=lambda _saved: redirect("achievements:list", code=access.case.code),
        refused=lambda refusal: _form_page(request, access, form, status=refusal.status),
    )


def _to_correct(access: CaseAccess, achievement_id: int) -> Achievement:
    """The case's achievement, if this viewer may correct it: another case's is 404, another's record 403."""
    achievement = selectors.achievement_to_correct(access, achievement_id)
    if not can_correct(access, achievement):
        raise PermissionDenied
    return achievement


@case_view(Ability.RECORD_ACHIEVEMENTS)
def achievement_edit(request: AuthenticatedHttpRequest, access: CaseAccess, achievement_id: int) -> HttpResponse:
    """Correct an achievement. The case's staff and lead; a covered school contact what it recorded itself."""
    achievement = _to_correct(access, achievement_id)
    if request.method != "POST":
        initial = {field: getattr(achievement, field) for field in FIELDS}
        return _form_page(
            request, access, CorrectionForm(initial={**initial, "version": achievement.version}), achievement
        )
    form = CorrectionForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: achievement_correct(
            actor=request.user,
            achievement=achievement,
            version=data["version"],
            **{field: data[field] for field in FIELDS},
        ),
        message=_("The achievement is corrected."),
        changed=_("the achievement"),
        done=lambda _saved: redirect("achievements:list", code=access.case.code),
        refused=lambda refusal: _form_page(
            request, access, form, refusal.current or achievement, status=refusal.status
        ),
    )


@case_view(Ability.RECORD_ACHIEVEMENTS)
@require_POST
def achievement_withdraw_view(
    request: AuthenticatedHttpRequest, access: CaseAccess, achievement_id: int
) -> HttpResponse:
    """Withdraw an achievement recorded by mistake, with a reason. As the correction."""
    achievement = _to_correct(access, achievement_id)
    form = WithdrawForm(request.POST)
    return post_form(
        request,
        form,
        lambda data: achievement_withdraw(
            actor=request.user, achievement=achievement, version=data["version"], reason=data["reason"]
        ),
        message=_("The achievement is withdrawn."),
        changed=_("the achievement"),
        done=lambda _saved: redirect("achievements:list", code=access.case.code),
        refused=lambda refusal: _form_page(
            request,
            access,
            CorrectionForm(initial={**{f: getattr(achievement, f) for f in FIELDS}, "version": achievement.version}),
            refusal.current or achievement,
            withdraw_form=form,
            status=refusal.status,
        ),
    )


@case_view(Ability.VIEW_PERSON_PAGES)
def achievements_pdf(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """What I have achieved, on paper to hand to a school or an employer, in Norwegian, Danish or English.

    The person (all of theirs); the case's staff and lead print it for the person (the case's own)."""
    asked = request.GET.get("language", "")
    language = asked if asked in PRINT_LANGUAGES else translation.get_language()
    with translation.override(language):
        context = {
            "case": access.case,
            "achievements": list(selectors.achievements_for(access)),
            "printed_on": timezone.localdate(),
            "language": language,
        }
        html = render_to_string("achievements/pdf.html", context, request=request)
    pdf = render_pdf(html, base_url=STATIC_DIR.as_uri() + "/")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="achievements-{access.case.code}.pdf"'
    return response
