"""The daily pages the benchmark opens, and which persona opens which (no Django needed here).

A page is a URL builder taking a target: a case code, or "code/meeting id" for a meeting.
"What is due" is every staff user's start page; the unit overview is the same address opened
by a reentry coordinator, who sees counts per stage for their prison (no case is listed).
"""

from collections.abc import Callable

DAILY_PAGES: dict[str, Callable[[str], str]] = {
    "my_cases": lambda code: "/cases/",
    "what_is_due": lambda code: "/due/",
    "case_overview": lambda code: f"/cases/{code}/",
    "needs_map": lambda code: f"/cases/{code}/needs/",
    "group": lambda code: f"/cases/{code}/group/",
    "consent": lambda code: f"/cases/{code}/consent/",
    "plan": lambda code: f"/cases/{code}/plan/",
    "meeting": lambda target: "/cases/{}/meetings/{}/".format(*target.split("/")),
    "unit": lambda code: "/due/",
    # The reentry map (issue 19): the coordinator's prison, and the whole country (counts only).
    "unit_map": lambda code: "/obstacles/map/?scope=prison",
    "country_map": lambda code: "/obstacles/map/?scope=country",
    # The report of benefits realisation (issue 22): the coordinator's prison over the last year.
    "unit_report": lambda code: "/report/",
    # The directory (issue 21): a contact officer looks for housing help in a town, among the
    # bench's 10,000 services (BENCH_SERVICES) and the seeded ones.
    "directory_search": lambda code: "/directory/?q=bolig&life_area=housing&municipality=Drammen",
    # The person's own road in plain words (issue 18). The printed plan is timed on its own
    # (django_tasks.py pdf): a person prints it now and then, not with every page they open.
    "my_road": lambda code: f"/cases/{code}/me/road/",
    # A programme's own view (issue 20): its adviser opens it; the target is the programme's slug.
    "programme": lambda slug: f"/programmes/{slug}/",
    # Issue 22: the analyst's indicators against the baseline and the report of benefits realisation,
    # for their first scope (the country), served from the measurements; the person's few questions.
    "indicators": lambda code: "/insight/",
    "country_report": lambda code: "/report/",
    "my_questions": lambda code: f"/cases/{code}/questions/",
}
#: Pages that read one case, and so write exactly one access event each.
CASE_PAGES = frozenset({"case_overview", "needs_map", "group", "consent", "plan", "meeting", "my_road", "my_questions"})
#: Pages that list cases, and so write one access event per case they show: page -> the
#: persona's field holding how many cases that page lists for them.
LIST_PAGES = {"my_cases": "caseload_size", "what_is_due": "due_cases"}
#: The floor: the analyst's start page, a signed-in page of the same stack that reads no case.
FLOOR = {"name": "floor", "url": "/"}

LEADS = {"contact_officer", "social_worker"}

#: Requests a second from Norway and Denmark together in the busiest minute of the busiest hour:
#: the open loop's rate (bench/notes.md, "The national peak rate", shows the arithmetic and its
#: sources; an estimate, rounded up).
NATIONAL_PEAK_RATE = 70.0


def case_pages_for(
    role: str, codes: list[str], covered: list[str], meetings: list[str] | None = None
) -> dict[str, list[str]]:
    """Return page -> targets this role opens it with.

    ``codes``: the cases the user works with (a programme's adviser: the programme's slug);
    ``covered``: the cases whose consent covers the user; ``meetings``: "code/id" of a meeting
    in each case (the plan and meeting pages exist once the plans and meetings apps are in).
    """
    if role == "reentry_coordinator":
        return {"unit": [""], "unit_map": [""], "country_map": [""], "unit_report": [""]}
    if role == "programme_staff":
        return {"programme": list(codes)}
    if role == "analyst":  # aggregated figures only: no case
        return {"indicators": [""], "country_report": [""]}
    if not codes:
        return {}
    pages: dict[str, list[str]] = {}
    if role != "person":
        pages["my_cases"] = [""]
        pages["what_is_due"] = [""]
    pages["case_overview"] = list(codes)
    if role in LEADS or role == "person":
        pages["needs_map"] = list(codes)
    elif covered:
        pages["needs_map"] = list(covered)
    pages["group"] = list(codes)
    if role in LEADS or role == "person":
        pages["consent"] = list(codes)
    pages["plan"] = list(codes)
    if role in LEADS:
        pages["directory_search"] = [""]
    if role == "person":
        pages["my_road"] = list(codes)
        pages["my_questions"] = list(codes)
    if meetings:
        pages["meeting"] = list(meetings)
    return pages
