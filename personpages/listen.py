"""The pages that can be read aloud (issue 18, point 6): every page the person reaches.

``personpages/tests/test_listen.py`` holds this list to the person's pages of the URL walk
(``access/tests/test_url_walk.py``): a new page the person reaches fails there until it is
here. Who hears a page is decided by the page's own view (``personpages.views.listen``).
"""

from django.http import HttpRequest
from django.urls import reverse

#: URL names of the pages with a "Listen" button: HTML pages only (not the plan's PDF or a calendar file).
LISTEN_PAGES = frozenset(
    {
        "accessibility",
        "achievements:list",
        "applications:detail",
        "applications:list",
        "cases:access_log",
        "cases:group",
        "cases:overview",
        "consent:page",
        "help",
        "meetings:detail",
        "meetings:list",
        "needs:map",
        "needs:volunteers",
        "obstacles:case",
        "ownwords:meeting",
        "ownwords:need",
        "ownwords:proposal",
        "ownwords:wish",
        "password_reset_complete",
        "password_reset_confirm",
        "personpages:road",
        "plans:compare",
        "plans:measure",
        "plans:plan",
        "plans:versions",
        "privacy",
        "programmes:case",
        "programmes:index",
        "release:readiness",
        "summons:mine",
        "surveys:answer",
        "threads:thread",
        "timetable:calendar",
    }
)


def listen_url(request: HttpRequest) -> str | None:
    """The address of this page read aloud, for a signed-in user on a page of the list; else None."""
    match = request.resolver_match
    if match is None or match.view_name not in LISTEN_PAGES or not request.user.is_authenticated:
        return None
    url = reverse("listen", kwargs={"page": request.path_info.removeprefix("/")})
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


def listen(request: HttpRequest) -> dict[str, str | None]:
    """Context processor: ``listen_url`` for the layout's "Listen" button."""
    return {"listen_url": listen_url(request)}
