"""The person's own pages: the road in plain words (issue 18, point 2)."""

from django.http import HttpResponse
from django.shortcuts import render

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from personpages.selectors import road_for_person


@case_view(Ability.VIEW_PERSON_PAGES)
def my_road(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """The road written for the person. The person; the case's staff and lead, to see what the person sees."""
    context = {"access": access, "case": access.case, "road": road_for_person(access.case)}
    return render(request, "personpages/road.html", context)
