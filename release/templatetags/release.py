"""Template helpers for release readiness: plain words for the person, urgent tasks on "what is due"."""

from django import template
from django.utils.translation import gettext_lazy as _

from journal.models import AccessPurpose
from journal.services import record_access
from release.models import ReadinessKey
from release.selectors import urgent_for

register = template.Library()

#: What each item means, said to the person: short, kind, no agency words.
FOR_PERSON = {
    ReadinessKey.HOUSING: _("A place to live"),
    ReadinessKey.INCOME: _("Money to live on from the first day"),
    ReadinessKey.BANK: _("A bank account and BankID"),
    ReadinessKey.ID_PAPERS: _("ID papers"),
    ReadinessKey.TAX_CARD: _("A tax card"),
    ReadinessKey.HEALTH: _("Health care after you get out"),
    ReadinessKey.MUNICIPAL_CONTACT: _("A contact person in your municipality"),
    ReadinessKey.PROBATION_PLAN: _("A plan with probation"),
    ReadinessKey.FIRST_MEETING: _("Your first meeting after you get out"),
    ReadinessKey.TOLD: _("NAV and your municipality know the date"),
}


@register.filter
def for_person(key: str) -> str:
    return FOR_PERSON.get(key, "")


@register.simple_tag(takes_context=True)
def urgent_readiness(context):
    """The signed-in user's urgent release tasks; logs the read of cases the page has not logged yet."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    items = urgent_for(request.user)
    due = context.get("due")
    logged = getattr(due, "logged_case_ids", frozenset())
    unlogged = sorted({item.transition.case_id for item in items} - set(logged))
    if unlogged:
        record_access(viewer=request.user, case_ids=unlogged, purpose=AccessPurpose.CASELOAD, view="timetable:due")
    return items
