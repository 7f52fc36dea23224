"""The Django side of the benchmark: pick personas, count queries per page, count access events.

Run with the bench database in DATABASE_URL and the production settings in the
environment, e.g. ``python bench/django_tasks.py personas --out personas.json``.
Prints JSON on stdout (or writes it to --out).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overgang.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.pages import DAILY_PAGES, FLOOR, case_pages_for  # noqa: E402
from cases.models import Case, Membership, Stage, membership_is_current  # noqa: E402
from consent.models import Consent  # noqa: E402
from core.tests.second_factor import Client, give_known_authenticators  # noqa: E402 (passes the second factor)
from journal.models import AccessEvent, AccessPurpose  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from population.generator import USERNAME_PREFIX  # noqa: E402

#: Clients of the load run: (label, role, how many)
CLIENTS = [
    ("contact_officer", Role.CONTACT_OFFICER, 3),
    ("social_worker", Role.SOCIAL_WORKER, 1),
    ("nav_with_consent", Role.NAV, 1),
    ("municipality", Role.MUNICIPALITY, 1),
    ("person", Role.PERSON, 1),
    ("coordinator", Role.REENTRY_COORDINATOR, 1),
    ("programme_staff", Role.PROGRAMME_STAFF, 1),
    # Issue 22: the analyst reads the indicators and the report (bench.pages.case_pages_for); no case.
    ("analyst", Role.ANALYST, 1),
]
MAX_CASES_PER_PERSONA = 40


def current_counts(role: str):
    """Return users of the role with their number of current memberships, generated users only."""
    return (
        User.objects.filter(role=role, username__startswith=USERNAME_PREFIX)
        .annotate(
            current=Count("memberships", filter=Q(memberships__in=Membership.objects.filter(membership_is_current())))
        )
        .filter(current__gt=0)
        .order_by("username")
    )


def typical(users, how_many: int) -> list[User]:
    """Pick the users whose current caseload is closest to the median (ties by username)."""
    users = list(users)
    if not users:
        return []
    median = statistics.median(user.current for user in users)
    return sorted(users, key=lambda user: (abs(user.current - median), user.username))[:how_many]


def persona_cases(user: User) -> dict[str, list[str]]:
    """The case codes each daily page is opened with, for this user: pages they may open."""
    current = Membership.objects.filter(membership_is_current(), user=user).values("case_id")
    cases = list(Case.objects.filter(pk__in=current).order_by("code").values_list("code", "pk")[:MAX_CASES_PER_PERSONA])
    # Cases with an active consent first: the query count pass opens the first, the fullest page.
    consented = set(
        Consent.objects.filter(case_id__in=[pk for _code, pk in cases], withdrawn_at__isnull=True).values_list(
            "case_id", flat=True
        )
    )
    cases.sort(key=lambda item: (item[1] not in consented, item[0]))
    codes = [code for code, _pk in cases]
    covered = list(
        Consent.objects.filter(
            case_id__in=[pk for _code, pk in cases], withdrawn_at__isnull=True, scope__user=user
        ).values_list("case__code", flat=True)
    )
    return case_pages_for(user.role, codes, covered, meetings_of([pk for _code, pk in cases]))


def meetings_of(case_ids: list[int]) -> list[str]:
    """One meeting per case, the latest that has started, as "code/id"."""
    latest: dict[int, str] = {}
    for case_id, code, meeting_id in (
        Meeting.objects.filter(case_id__in=case_ids, starts_at__lte=timezone.now())
        .order_by("case_id", "starts_at", "pk")
        .values_list("case_id", "case__code", "pk")
    ):
        latest[case_id] = f"{code}/{meeting_id}"
    return [latest[case_id] for case_id in sorted(latest)]


def typical_coordinators(how_many: int) -> list[User]:
    """The coordinators of the prisons whose number of open cases is closest to the median."""
    users = list(
        User.objects.filter(role=Role.REENTRY_COORDINATOR, username__startswith=USERNAME_PREFIX)
        .annotate(current=Count("agency__cases", filter=~Q(agency__cases__stage=Stage.CLOSED)))
        .order_by("username")
    )
    return typical(users, how_many)


def cases_on_due_page(user: User) -> int:
    """How many cases the user's "what is due" page lists, and so logs one read of each (rolled back)."""
    from timetable.selectors import DUE_PAGE_SIZE, due_for

    with transaction.atomic():
        shown = len(due_for(user, per_page=DUE_PAGE_SIZE).logged_case_ids)
        transaction.set_rollback(True)
    return shown


def cmd_personas(args) -> dict:
    """Choose the bench personas, give them the bench password, and describe their pages."""
    password = os.environ["BENCH_PASSWORD"]
    hashed = make_password(password)
    clients = []
    chosen: list[User] = []
    for label, role, how_many in CLIENTS:
        if role == Role.PERSON:
            people = list(
                User.objects.filter(role=Role.PERSON, username__startswith=USERNAME_PREFIX)
                .filter(person__cases__stage=Stage.CARRY_OUT)
                .order_by("username")[:how_many]
            )
        elif role == Role.NAV:
            covered = Consent.objects.filter(withdrawn_at__isnull=True).values("scope__user")
            people = typical(current_counts(role).filter(pk__in=covered), how_many)
        elif role == Role.REENTRY_COORDINATOR:
            people = typical_coordinators(how_many)
        elif role == Role.PROGRAMME_STAFF:
            # The adviser of the programme with the most enrolments (Exit, at any size).
            from programmes.models import ProgrammeStaff

            posts = ProgrammeStaff.objects.filter(ended_at__isnull=True, user__username__startswith=USERNAME_PREFIX)
            busiest = posts.annotate(n=Count("programme__enrolments")).order_by("-n", "pk")[:how_many]
            people = [post.user for post in busiest]
        elif role == Role.ANALYST:
            people = [User.objects.get(username=f"{USERNAME_PREFIX}analyst")]
        else:
            people = typical(current_counts(role), how_many)
        for user in people:
            pages = persona_cases(user)
            if user.role == Role.PROGRAMME_STAFF:
                pages = case_pages_for(Role.PROGRAMME_STAFF, [user.programme_posts.get().programme.slug], [])
            if user.role == Role.PERSON:
                own = Case.objects.filter(person__user=user).order_by("-intake_date").first()
                pages = case_pages_for(Role.PERSON, [own.code], [own.code], meetings_of([own.pk]))
            clients.append(
                {
                    "label": label,
                    "username": user.username,
                    "role": user.role,
                    "pages": pages,
                    "due_cases": cases_on_due_page(user) if "what_is_due" in pages else 0,
                }
            )
            chosen.append(user)
    floor_user = User.objects.get(username=f"{USERNAME_PREFIX}analyst")
    chosen.append(floor_user)
    User.objects.filter(pk__in=[user.pk for user in chosen]).update(password=hashed)
    # Staff sign in with a second factor: authenticators whose codes the load generator computes
    # from the same secret (core.tests.totp_codes).
    give_known_authenticators(password, [user.username for user in chosen])
    caseload_sizes = {
        client["username"]: len(
            Case.objects.filter(
                pk__in=Membership.objects.filter(membership_is_current(), user__username=client["username"]).values(
                    "case_id"
                )
            )
        )
        if client["role"] != Role.PERSON
        else Case.objects.filter(person__user__username=client["username"]).count()
        for client in clients
    }
    for client in clients:
        client["caseload_size"] = caseload_sizes[client["username"]]
    return {"clients": clients, "floor_user": floor_user.username, "floor_url": FLOOR["url"]}


def count_queries(client: Client, url: str) -> tuple[int, int]:
    """Return (status, queries) of one GET, without the test's own savepoint statements.

    The page is opened once first, uncounted: a worker serving the day's pages keeps reference data
    (the directory's taxonomy, ``reference.names``) that a fresh process reads at its first use, so
    the count is the warm worker's, the same whichever target happens to come first.
    """
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = [q for q in captured.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    return response.status_code, len(queries)


def cmd_queries(args) -> dict:
    """Count the queries of every daily page for each persona and each of its targets, rolled back.

    ``queries`` is the first target's count (a case with consent); ``min`` and ``max`` span
    every target of every persona with that label.
    """
    personas = json.loads(Path(args.personas).read_text())
    result: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        for client_spec in personas["clients"]:
            user = User.objects.get(username=client_spec["username"])
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(user)
            for page, codes in client_spec["pages"].items():
                if not codes:
                    continue
                # Every target: a page's count depends on the case's state (a returning person's
                # case lists the earlier ones), so the range over the persona's cases is reported.
                counted = [count_queries(client, DAILY_PAGES[page](code)) for code in codes]
                key = f"{page}@{client_spec['label']}"
                entry = result.setdefault(
                    key,
                    {"page": page, "persona": client_spec["label"], "status": counted[0][0], "queries": counted[0][1]},
                )
                counts = [queries for _status, queries in counted] + [entry.get("min", counted[0][1])]
                entry["min"] = min(counts)
                entry["max"] = max([*counts, entry.get("max", counted[0][1])])
                entry["targets"] = entry.get("targets", 0) + len(counted)
                entry["statuses"] = sorted({*entry.get("statuses", []), *(status for status, _q in counted)})
        analyst = User.objects.get(username=personas["floor_user"])
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(analyst)
        status, queries = count_queries(client, reverse("home"))
        result["floor@analyst"] = {"page": "floor", "persona": "analyst", "status": status, "queries": queries}
        transaction.set_rollback(True)
    return result


def cmd_events(args) -> dict:
    """Count access events after a given id, by purpose."""
    events = AccessEvent.objects.filter(pk__gt=args.after)
    by_purpose = {row["purpose"]: row["n"] for row in events.values("purpose").annotate(n=Count("pk")).order_by()}
    last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return {
        "last_id": last,
        "case_pages": by_purpose.get(AccessPurpose.CASE_WORK, 0) + by_purpose.get(AccessPurpose.OWN_CASE, 0),
        "caseload": by_purpose.get(AccessPurpose.CASELOAD, 0),
    }


def cmd_directory(args) -> dict:
    """Load ``--services`` generated services through the HSDS import, then import them again.

    The directory search page then searches them. Issue 21: the first import under 60 s, and the
    rerun changes nothing."""
    import time

    from bench.hsds_data import generate
    from directory.hsds import import_services
    from directory.models import TaxonomyTerm

    codes = sorted(TaxonomyTerm.objects.filter(life_area__isnull=False).values_list("code", flat=True))
    data = generate(args.services, codes)
    actor = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    result: dict = {"services": args.services}
    for label in ("first_import", "rerun"):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_services(data, actor=actor, every=1000)
        result[label] = {
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "created": report.created,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "rejected": len(report.rejected),
        }
    return result


def cmd_eligibility(args) -> dict:
    """The nightly count of who in each programme's catchment may fit it (issue 20), timed.

    What ``manage.py count_catchments`` does: every open case of each catchment judged, the counts
    kept for the programme's view. Outside its catchment a case fits no programme by the place
    criterion, so this is every open case's eligibility that can come out other than "not
    eligible". Target: within the nightly timetable run's limit (60 s at 50,000 cases)."""
    import time

    from accounts.services import system_user
    from programmes.models import Programme
    from programmes.services import catchment_count

    result: dict = {"programmes": {}}
    actor = system_user()
    started = time.perf_counter()
    for programme in Programme.objects.prefetch_related("criteria").order_by("slug"):
        began = time.perf_counter()
        count = catchment_count(actor=actor, programme=programme)
        result["programmes"][programme.slug] = {
            "cases": count.cases,
            "seconds": round(time.perf_counter() - began, 2),
            "by_status": count.by_status,
        }
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["cases"] = sum(entry["cases"] for entry in result["programmes"].values())
    return result


def cmd_pdf(args) -> dict:
    """Time "Print my plan" (issue 18: under 2 s at 50,000 cases): the person persona's plan, ``--repeat`` times."""
    import time

    personas = json.loads(Path(args.personas).read_text())
    spec = next(client for client in personas["clients"] if client["role"] == Role.PERSON)
    code = spec["pages"]["case_overview"][0]
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=spec["username"]))
    url = f"/cases/{code}/me/plan.pdf"
    walls, cpus, sizes = [], [], []
    with transaction.atomic():  # the access events these renders write are rolled back
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            if response.status_code != 200 or response["Content-Type"] != "application/pdf":
                return {"error": f"{url} answered {response.status_code} {response['Content-Type']}"}
            sizes.append(len(response.content))
        transaction.set_rollback(True)
    return {
        "renders": args.repeat,
        "median_seconds": round(statistics.median(walls), 3),
        "max_seconds": round(max(walls), 3),
        "median_cpu_seconds": round(statistics.median(cpus), 3),
        "bytes": max(sizes),
    }


def cmd_rows(args) -> dict:
    """Count the rows of the main tables."""
    from population.generator import counts

    return counts()


def cmd_explain(args) -> dict:
    """EXPLAIN ANALYZE the slowest query of one page for one persona."""
    personas = json.loads(Path(args.personas).read_text())
    spec = next(client for client in personas["clients"] if client["label"] == args.persona)
    user = User.objects.get(username=spec["username"])
    url = DAILY_PAGES[args.page](spec["pages"][args.page][0])
    client = Client(SERVER_NAME="127.0.0.1")
    with transaction.atomic():
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return {"url": url, "sql": slowest["sql"], "seconds": float(slowest["time"]), "plan": plan}


def cmd_profile(args) -> dict:
    """Profile one page for one persona with cProfile (standard library): the top functions by time."""
    import cProfile
    import io
    import pstats

    personas = json.loads(Path(args.personas).read_text())
    spec = next(client for client in personas["clients"] if client["label"] == args.persona)
    user = User.objects.get(username=spec["username"])
    url = DAILY_PAGES[args.page](spec["pages"][args.page][0])
    client = Client(SERVER_NAME="127.0.0.1")
    with transaction.atomic():
        client.force_login(user)
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(url)
        profiler.disable()
        transaction.set_rollback(True)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(re.escape(str(BASE_DIR)) + r"/(?!\.venv)", 25)
    stats.sort_stats("tottime").print_stats(12)
    return {"url": url, "repeat": args.repeat, "top": out.getvalue()}


def _database_cpu_reader():
    """Return a function giving (backend pid, CPU ms) of this connection's PostgreSQL backend, or None.

    Reads /proc/<pid>/stat, so only for a PostgreSQL on this machine that this user may inspect.
    """
    if connection.vendor != "postgresql":
        return lambda: None
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")

    def read() -> tuple[int, float] | None:
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return pid, (int(fields[11]) + int(fields[12])) * tick_ms

    return read


def cmd_cpu(args) -> dict:
    """CPU milliseconds per request of every daily page and the floor, in this process (no load generator).

    Each persona's pages are opened ``--repeat`` times in turn (cycling through its targets),
    after ``--warmup`` rounds, through the Django test client against the database in
    DATABASE_URL. ``cpu_ms`` is time.process_time (this Python process only; PostgreSQL's
    share is not in it); ``wall_ms`` includes the round trips to PostgreSQL. The requests are
    committed, as in production (they write access events). With ``--profile PAGE`` the
    requests of that page run under cProfile and the top functions are returned.
    """
    import cProfile
    import io
    import pstats
    import time

    personas = json.loads(Path(args.personas).read_text())
    floor_user = User.objects.get(username=personas["floor_user"])
    # One client per persona label (the first of each), plus the floor as the analyst.
    plan: list[tuple[str, str, User, list[str]]] = []
    seen: set[str] = set()
    for spec in personas["clients"]:
        if spec["label"] in seen:
            continue
        seen.add(spec["label"])
        user = User.objects.get(username=spec["username"])
        for page, targets in spec["pages"].items():
            if targets and (not args.pages or page in args.pages):
                plan.append((page, spec["label"], user, [DAILY_PAGES[page](target) for target in targets]))
    if not args.pages or FLOOR["name"] in args.pages:
        plan.append((FLOOR["name"], "analyst", floor_user, [FLOOR["url"]]))
    clients: dict[int, Client] = {}
    database_cpu = _database_cpu_reader()
    # Timed by CPU, not wall clock: on a shared machine the wall clock counts other processes too.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    samples: dict[str, dict[str, list[float]]] = {}
    for page, label, user, urls in plan:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client(SERVER_NAME="127.0.0.1")
            client.force_login(user)
        for url in urls[: args.warmup]:
            client.get(url)
        entry = samples.setdefault(
            page, {"cpu": [], "wall": [], "personas": [], "by_persona": {}, "db_cpu": 0.0, "db_requests": 0}
        )
        entry["personas"].append(label)
        own = entry["by_persona"].setdefault(label, [])
        profiling = profiler is not None and page == args.profile
        db_before = database_cpu()
        for number in range(args.repeat):
            url = urls[number % len(urls)]
            wall, cpu = time.perf_counter(), time.process_time()
            if profiling:
                profiler.enable()
            response = client.get(url)
            if profiling:
                profiler.disable()
            entry["cpu"].append((time.process_time() - cpu) * 1000)
            own.append(entry["cpu"][-1])
            entry["wall"].append((time.perf_counter() - wall) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} as {label}: {response.status_code}")
        db_after = database_cpu()
        if db_before is not None and db_after is not None and db_after[0] == db_before[0]:
            entry["db_cpu"] += db_after[1] - db_before[1]
            entry["db_requests"] += args.repeat
    result: dict = {"repeat": args.repeat, "pages": {}}
    for page, entry in samples.items():
        result["pages"][page] = {
            "requests": len(entry["cpu"]),
            "personas": entry["personas"],
            "cpu_ms_median": round(statistics.median(entry["cpu"]), 2),
            # The low decile: on a busy machine other processes only ever add to a request's time.
            "cpu_ms_p10": round(statistics.quantiles(entry["cpu"], n=10)[0], 2),
            "cpu_ms_mean": round(statistics.fmean(entry["cpu"]), 2),
            # Each persona's own median: a page staff and the person both open differs by who reads it.
            "cpu_ms_median_by_persona": {
                label: round(statistics.median(values), 2) for label, values in entry["by_persona"].items()
            },
            "wall_ms_median": round(statistics.median(entry["wall"]), 2),
            # PostgreSQL's own CPU for these requests (its backend process, in clock ticks: coarse).
            "db_cpu_ms_mean": round(entry["db_cpu"] / entry["db_requests"], 2) if entry["db_requests"] else None,
        }
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        result["profile"] = out.getvalue()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    personas = sub.add_parser("personas")
    personas.add_argument("--out")
    queries = sub.add_parser("queries")
    queries.add_argument("--personas", required=True)
    queries.add_argument("--out")
    events = sub.add_parser("events")
    events.add_argument("--after", type=int, default=0)
    events.add_argument("--out")
    directory = sub.add_parser("directory")
    directory.add_argument("--services", type=int, default=10_000)
    directory.add_argument("--out")
    eligibility = sub.add_parser("eligibility")
    eligibility.add_argument("--out")
    pdf = sub.add_parser("pdf")
    pdf.add_argument("--personas", required=True)
    pdf.add_argument("--repeat", type=int, default=5)
    pdf.add_argument("--out")
    rows = sub.add_parser("rows")
    rows.add_argument("--out")
    explain = sub.add_parser("explain")
    explain.add_argument("--personas", required=True)
    explain.add_argument("--page", required=True)
    explain.add_argument("--persona", default="contact_officer")
    explain.add_argument("--out")
    profile = sub.add_parser("profile")
    profile.add_argument("--personas", required=True)
    profile.add_argument("--page", required=True)
    profile.add_argument("--persona", default="contact_officer")
    profile.add_argument("--repeat", type=int, default=5)
    profile.add_argument("--out")
    cpu = sub.add_parser("cpu")
    cpu.add_argument("--personas", required=True)
    cpu.add_argument("--repeat", type=int, default=40)
    cpu.add_argument("--warmup", type=int, default=3)
    cpu.add_argument("--pages", nargs="*", help="only these pages (default: every daily page and the floor)")
    cpu.add_argument("--profile", help="run this page's requests under cProfile")
    cpu.add_argument("--top", type=int, default=40)
    cpu.add_argument("--out")
    args = parser.parse_args()
    handler = {
        "cpu": cmd_cpu,
        "profile": cmd_profile,
        "personas": cmd_personas,
        "queries": cmd_queries,
        "events": cmd_events,
        "rows": cmd_rows,
        "directory": cmd_directory,
        "pdf": cmd_pdf,
        "eligibility": cmd_eligibility,
        "explain": cmd_explain,
    }[args.command]
    result = handler(args)
    text = json.dumps(result, indent=2, default=str)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
