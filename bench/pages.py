"""The daily pages the benchmark opens, and which persona opens which (no Django needed here).

A page is a URL builder taking a target: a case code, or "code/meeting id" for a meeting.
When the what-is-due and unit pages land, they are added to DAILY_PAGES and to the roles in
case_pages_for.
"""

from collections.abc import Callable

DAILY_PAGES: dict[str, Callable[[str], str]] = {
    "my_cases": lambda code: "/cases/",
    "case_overview": lambda code: f"/cases/{code}/",
    "needs_map": lambda code: f"/cases/{code}/needs/",
    "group": lambda code: f"/cases/{code}/group/",
    "consent": lambda code: f"/cases/{code}/consent/",
    "plan": lambda code: f"/cases/{code}/plan/",
    "meeting": lambda target: "/cases/{}/meetings/{}/".format(*target.split("/")),
}
#: Pages that read one case, and so write exactly one access event each.
CASE_PAGES = frozenset({"case_overview", "needs_map", "group", "consent", "plan", "meeting"})
#: The floor: the analyst's start page, a signed-in page of the same stack that reads no case.
FLOOR = {"name": "floor", "url": "/"}

LEADS = {"contact_officer", "social_worker"}


def case_pages_for(
    role: str, codes: list[str], covered: list[str], meetings: list[str] | None = None
) -> dict[str, list[str]]:
    """Return page -> targets this role opens it with.

    ``covered``: the cases whose consent covers the user; ``meetings``: "code/id" of a meeting
    in each case (the plan and meeting pages exist once the plans and meetings apps are in).
    """
    if not codes:
        return {}
    pages: dict[str, list[str]] = {}
    if role != "person":
        pages["my_cases"] = [""]
    pages["case_overview"] = list(codes)
    if role in LEADS or role == "person":
        pages["needs_map"] = list(codes)
    elif covered:
        pages["needs_map"] = list(covered)
    pages["group"] = list(codes)
    if role in LEADS or role == "person":
        pages["consent"] = list(codes)
    pages["plan"] = list(codes)
    if meetings:
        pages["meeting"] = list(meetings)
    return pages
