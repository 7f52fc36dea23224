"""Render bench/RESULTS.md from a results dictionary (see bench/run.py)."""

from __future__ import annotations

try:
    from bench.pages import NATIONAL_PEAK_RATE
except ImportError:  # run as a script: bench/ is the first entry of sys.path
    from pages import NATIONAL_PEAK_RATE

PAGE_ORDER = [
    "my_cases",
    "what_is_due",
    "case_overview",
    "needs_map",
    "plan",
    "meeting",
    "group",
    "consent",
    "unit",
    "unit_map",
    "country_map",
    "unit_report",
    "directory_search",
    "my_road",
    "programme",
    "indicators",
    "country_report",
    "my_questions",
]
TARGET_P95_MS = 100
TARGET_FLOOR_RATIO = 4  # issue 6's target for the closed loop
TARGET_OPEN_FLOOR_RATIO = 1.5  # issue 15's, at the national peak rate
TARGET_GROWTH = 1.5
TARGET_LOAD_SECONDS = 15 * 60


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def page_queries(size: dict, page: str) -> str:
    """Query count of a page at one size: the range over the contact officers' cases (the unit
    overview: the coordinator; the floor: the analyst; the person's road: the person; a programme's
    view: its adviser). A case's state, not the data's size, moves it within the range (an active
    consent, a returning person's earlier cases)."""
    for persona in ("contact_officer", "coordinator", "analyst", "person", "programme_staff"):
        for entry in size["queries"].values():
            if entry["page"] == page and entry["persona"] == persona:
                low, high = entry.get("min", entry["queries"]), entry.get("max", entry["queries"])
                return str(low) if low == high else f"{low}–{high}"
    return "–"


def summarise(results: dict) -> list[dict]:
    sizes = sorted(results["sizes"], key=int)
    small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    floor_small = small["load"]["pages"].get("floor", {}).get("p95_ms")
    floor_large = large["load"]["pages"].get("floor", {}).get("p95_ms")
    rows = []
    pages = [page for page in PAGE_ORDER if page in large["load"]["pages"]] + ["floor"]
    for page in pages:
        a, b = small["load"]["pages"].get(page, {}), large["load"]["pages"].get(page, {})
        growth = b.get("p95_ms") / a["p95_ms"] if a.get("p95_ms") and b.get("p95_ms") else None
        to_floor = b.get("p95_ms") / floor_large if floor_large and b.get("p95_ms") else None
        queries_small, queries_large = page_queries(small, page), page_queries(large, page)
        met = page == "floor" or (
            b.get("p95_ms", 1e9) <= TARGET_P95_MS
            and (to_floor or 1e9) <= TARGET_FLOOR_RATIO
            and (growth or 1e9) <= TARGET_GROWTH
            and queries_small == queries_large
            and b.get("errors", 1) == 0
        )
        rows.append(
            {
                "page": page,
                "p50_small": a.get("p50_ms"),
                "p95_small": a.get("p95_ms"),
                "p50_large": b.get("p50_ms"),
                "p95_large": b.get("p95_ms"),
                "p99_large": b.get("p99_ms"),
                "growth": growth,
                "to_floor": to_floor,
                "to_floor_small": a.get("p95_ms") / floor_small if floor_small and a.get("p95_ms") else None,
                "rps_large": b.get("req_per_s"),
                "queries_small": queries_small,
                "queries_large": queries_large,
                "errors": (a.get("errors") or 0) + (b.get("errors") or 0),
                "met": met,
            }
        )
    return rows


def think_section(large: dict, large_n: int) -> list[str]:
    """The second load pass at the largest size: the same clients, pausing after each answer."""
    think = large.get("load_think")
    if not think:
        return []
    lines = [
        f"### The same {think['clients']} clients pausing after each answer, at {large_n:,} cases",
        "",
        f"Not the targets' load model (that is the closed loop above): each client waits "
        f"{0.5 * think['think_seconds']:g}–{1.5 * think['think_seconds']:g} s after every answer, as someone "
        f"reading the page would, so the machine is no longer saturated and a page's time is its own "
        f"work plus what it meets of the others'. {think['req_per_s']} req/s in all, {think['errors']} errors.",
        "",
        "| page | p50 / p95 / p99 (ms) | p95 ≤ 100 ms |",
        "|---|---:|---|",
    ]
    for page in [page for page in PAGE_ORDER if page in think["pages"]] + ["floor"]:
        entry = think["pages"].get(page)
        if not entry:
            continue
        lines.append(
            f"| {page} | {_fmt(entry['p50_ms'])} / {_fmt(entry['p95_ms'])} / {_fmt(entry['p99_ms'])} | "
            f"{'yes' if entry['p95_ms'] <= TARGET_P95_MS else '**no**'} |"
        )
    return [*lines, ""]


def cpu_section(results: dict, sizes: list[str]) -> list[str]:
    """CPU per request measured in one process without the load generator (bench/django_tasks.py cpu)."""
    measured = [key for key in sizes if results["sizes"][key].get("cpu", {}).get("pages")]
    if not measured:
        return []
    lines = [
        "## CPU per request, in-process",
        "",
        "Django's CPU (time.process_time, median and low decile) and PostgreSQL's (its backend process) per "
        "request, through the Django test client with no load generator; every persona opening the page. "
        "On 2 cores, 8 closed-loop clients wait on average about 8 × (total CPU per request) ÷ 2.",
        "",
        "| page | " + " | ".join(f"Django median / p10 at {int(key):,} (ms) | PostgreSQL" for key in measured) + " |",
        "|---|" + "---:|---:|" * len(measured),
    ]
    pages = [page for page in [*PAGE_ORDER, "floor"] if page in results["sizes"][measured[0]]["cpu"]["pages"]]
    for page in pages:
        cells = []
        for key in measured:
            entry = results["sizes"][key]["cpu"]["pages"].get(page, {})
            cells.append(f"{_fmt(entry.get('cpu_ms_median'))} / {_fmt(entry.get('cpu_ms_p10'))}")
            cells.append(_fmt(entry.get("db_cpu_ms_mean")))
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def per_core(size: dict, cores: int) -> float | None:
    rate = size.get("load", {}).get("req_per_s")
    return rate / cores if rate and cores else None


def capacity_section(results: dict, sizes: list[str]) -> list[str]:
    """Closed-loop capacity: what the machine serves with clients that never pause, per core."""
    cores = results["machine"]["cores"]
    lines = [
        "## Closed-loop capacity",
        "",
        f"{results['settings']['clients']} clients that never pause; every core of the machine serves gunicorn, "
        f"PostgreSQL and the load generator alike, so per core is the total ÷ {cores}.",
        "",
        "| cases | requests/s | requests/s per core | errors |",
        "|---:|---:|---:|---:|",
    ]
    for key in sizes:
        size = results["sizes"][key]
        lines.append(
            f"| {int(key):,} | {_fmt(size['load']['req_per_s'])} | {_fmt(per_core(size, cores))} | "
            f"{size['load']['errors']} |"
        )
    return [*lines, ""]


def target_misses(
    entry: dict, floor: float | None, first: float | None, same_queries: bool, smallest: str
) -> list[str]:
    """The issue-15 targets one page's open-loop figures miss at one size ([] = all met).

    ``first``: the page's p95 at the smallest size (None at the smallest size itself);
    ``same_queries``: whether its query counts are those of the smallest size.
    """
    misses = []
    p95 = entry["p95_ms"]
    if not p95 <= TARGET_P95_MS:
        misses.append(f"p95 {p95:.0f} > {TARGET_P95_MS} ms")
    if floor and p95 / floor > TARGET_OPEN_FLOOR_RATIO:
        misses.append(f"{p95 / floor:.2f} × floor")
    if entry["errors"]:
        misses.append(f"{entry['errors']} errors")
    if first and p95 / first > TARGET_GROWTH:
        misses.append(f"{p95 / first:.2f} × the p95 at {int(smallest):,}")
    if not same_queries:
        misses.append("query counts differ")
    return misses


def open_verdicts(results: dict) -> dict[str, dict[str, list[str]]]:
    """size -> page -> the issue-15 targets the page misses at the national peak rate ([] = all met)."""
    sizes = sorted((key for key in results["sizes"] if results["sizes"][key].get("open", {}).get("pages")), key=int)
    verdicts: dict[str, dict[str, list[str]]] = {}
    if not sizes:
        return verdicts
    small = results["sizes"][sizes[0]]
    for key in sizes:
        size = results["sizes"][key]
        pages = size["open"]["pages"]
        floor = pages.get("floor", {}).get("p95_ms")
        verdicts[key] = {}
        for page, entry in pages.items():
            if page == "floor":
                continue
            first = small["open"]["pages"].get(page, {}).get("p95_ms") if key != sizes[0] else None
            same = page_queries(small, page) == page_queries(size, page)
            verdicts[key][page] = target_misses(entry, floor, first, same, sizes[0])
    return verdicts


def open_section(results: dict) -> list[str]:
    """The open loop at the national peak rate, with issue 15's targets."""
    sizes = sorted((key for key in results["sizes"] if results["sizes"][key].get("open", {}).get("pages")), key=int)
    if not sizes:
        return []
    first = results["sizes"][sizes[0]]["open"]
    verdicts = open_verdicts(results)
    lines = [
        f"## Open loop at {first['rate']:g} requests/s ({first['arrivals']} arrivals)"
        + (
            ": the national peak rate"
            if first["rate"] == NATIONAL_PEAK_RATE
            else f", not the national peak rate ({NATIONAL_PEAK_RATE:g}/s)"
        ),
        "",
        "Requests arrive on a fixed schedule whatever the server does (bench/notes.md derives the rate and says "
        "why Poisson); each one's latency runs from its *intended* send time, so the requests queued behind a "
        f"slow answer carry the wait. {first['senders']} sender threads; {first['warmup_seconds']:g} s warm-up, "
        f"then {first['seconds']:g} s measured. Service time is the answer less the actual send. Targets: every "
        f"daily page p95 ≤ {TARGET_P95_MS} ms, p95 ≤ {TARGET_OPEN_FLOOR_RATIO:g} × the floor's at the same size, "
        f"0 errors, p95 at the largest size ≤ {TARGET_GROWTH:g} × at the smallest, the same query counts.",
        "",
        "| cases | intended | scheduled | sent | answered | late (> "
        f"{first['late_ms']:g} ms) | send lag p99 / max (ms) | most in flight | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sizes:
        run = results["sizes"][key]["open"]
        lag = run["send_lag_ms"]
        lines.append(
            f"| {int(key):,} | {run['rate']:g}/s | {run['scheduled_per_s']:g}/s | {run['sent_per_s']:g}/s | "
            f"{run['answered_per_s']:g}/s | {run['late']:,} | {_fmt(lag['p99'])} / {_fmt(lag['max'])} | "
            f"{run['max_in_flight']} | {run['errors']} |"
        )
    header = " | ".join(f"p50 / p95 / p99 at {int(key):,} (ms)" for key in sizes)
    lines += [
        "",
        f"| page | {header} | service p95 at {int(sizes[-1]):,} | p95 ÷ floor | queries | targets |",
        "|---|" + "---:|" * len(sizes) + "---:|---:|---:|---|",
    ]
    large = results["sizes"][sizes[-1]]
    floor_large = large["open"]["pages"].get("floor", {}).get("p95_ms")
    pages = [page for page in [*PAGE_ORDER, "floor"] if page in large["open"]["pages"]]
    for page in pages:
        cells = []
        for key in sizes:
            entry = results["sizes"][key]["open"]["pages"].get(page, {})
            cells.append(f"{_fmt(entry.get('p50_ms'))} / {_fmt(entry.get('p95_ms'))} / {_fmt(entry.get('p99_ms'))}")
        entry = large["open"]["pages"][page]
        ratio = entry["p95_ms"] / floor_large if floor_large else None
        misses = sorted({miss for key in sizes for miss in verdicts[key].get(page, [])})
        verdict = "–" if page == "floor" else ("met" if not misses else "**missed**: " + "; ".join(misses))
        queries = " / ".join(dict.fromkeys(page_queries(results["sizes"][key], page) for key in sizes))
        lines.append(
            f"| {page} | {' | '.join(cells)} | {_fmt(entry.get('service_p95_ms'))} | {_fmt(ratio, 2)} | "
            f"{queries} | {verdict} |"
        )
    met = all(not misses for pages in verdicts.values() for misses in pages.values())
    lines += [
        "",
        f"At {first['rate']:g} requests/s: **{'every target met' if met else 'targets missed (see the table)'}**"
        + ("" if len(sizes) > 1 else f" (one size only, {int(sizes[0]):,} cases: no growth check)")
        + ".",
        "",
    ]
    return lines


def persona_queries(size: dict, page: str, persona: str) -> str:
    """A page's query count for one persona at one size: the range over that persona's targets."""
    entry = size["queries"].get(f"{page}@{persona}")
    if entry is None:
        return "–"
    low, high = entry.get("min", entry["queries"]), entry.get("max", entry["queries"])
    return str(low) if low == high else f"{low}–{high}"


def persona_verdicts(results: dict) -> dict[tuple[str, str], list[str]]:
    """(page, persona) -> the targets that persona's version of the page misses ([] = all met),
    over every size, for the pages more than one persona opens and every page of the person."""
    sizes = sorted(
        (key for key in results["sizes"] if results["sizes"][key].get("open", {}).get("by_persona")), key=int
    )
    if not sizes:
        return {}
    small = results["sizes"][sizes[0]]
    openers: dict[str, set[str]] = {}
    for persona, pages in small["open"]["by_persona"].items():
        for page in pages:
            openers.setdefault(page, set()).add(persona)
    verdicts: dict[tuple[str, str], list[str]] = {}
    for page in [p for p in PAGE_ORDER if p in openers]:
        for persona in sorted(openers[page], key=lambda label: (label != "person", label)):
            if len(openers[page]) < 2 and persona != "person":
                continue
            misses: list[str] = []
            for key in sizes:
                size = results["sizes"][key]
                entry = size["open"]["by_persona"].get(persona, {}).get(page)
                if entry is None:
                    continue
                floor = size["open"]["pages"].get("floor", {}).get("p95_ms")
                first = small["open"]["by_persona"].get(persona, {}).get(page, {}).get("p95_ms")
                same = persona_queries(small, page, persona) == persona_queries(size, page, persona)
                found = target_misses(entry, floor, first if key != sizes[0] else None, same, sizes[0])
                misses += [f"{int(key):,}: {miss}" for miss in found]
            verdicts[(page, persona)] = misses
    return verdicts


def persona_section(results: dict) -> list[str]:
    """The open loop's latency per page and persona: a page several personas open is one line of the
    table above, its heaviest version setting the p95; here each persona's own (issue 18 asks it of
    the person's pages)."""
    verdicts = persona_verdicts(results)
    if not verdicts:
        return []
    sizes = sorted(
        (key for key in results["sizes"] if results["sizes"][key].get("open", {}).get("by_persona")), key=int
    )
    header = " | ".join(f"p50 / p95 at {int(key):,} (ms)" for key in sizes)
    lines = [
        "### Per persona",
        "",
        "The same requests split by who opened them, for the pages more than one persona opens and every "
        "page of the person (each persona's p95 is over fewer requests than the page's: the person's about "
        "one in eighty of the arrivals, so their p95 is about their third slowest). The same targets, "
        "each against the floor of its size; the query counts are that persona's, over its targets.",
        "",
        f"| page | persona | {header} | p95 ÷ floor | queries | targets |",
        "|---|---|" + "---:|" * len(sizes) + "---:|---:|---|",
    ]
    large = results["sizes"][sizes[-1]]
    floor_large = large["open"]["pages"].get("floor", {}).get("p95_ms")
    for (page, persona), misses in verdicts.items():
        cells = []
        for key in sizes:
            entry = results["sizes"][key]["open"]["by_persona"].get(persona, {}).get(page, {})
            cells.append(f"{_fmt(entry.get('p50_ms'))} / {_fmt(entry.get('p95_ms'))}")
        entry = large["open"]["by_persona"].get(persona, {}).get(page, {})
        ratio = entry["p95_ms"] / floor_large if floor_large and entry else None
        queries = " / ".join(dict.fromkeys(persona_queries(results["sizes"][key], page, persona) for key in sizes))
        verdict = "met" if not misses else "**missed**: " + "; ".join(misses)
        lines.append(f"| {page} | {persona} | {' | '.join(cells)} | {_fmt(ratio, 2)} | {queries} | {verdict} |")
    person = [misses for (page, persona), misses in verdicts.items() if persona == "person"]
    if person:
        lines += [
            "",
            "The person's pages: **"
            + ("every target met" if not any(person) else "targets missed (see the table)")
            + "**.",
        ]
    return [*lines, ""]


def _describe(results: dict) -> str:
    """The run's label, commit and start: `label` `abc1234567` (subject…), started."""
    commit = results.get("git", {})
    label = f"`{results['label']}` " if results.get("label") else ""
    if not commit:
        return f"{label}run of {results.get('started', results['date'])}"
    dirty = " + uncommitted changes" if commit.get("uncommitted_changes") else ""
    subject = commit["subject"] if len(commit["subject"]) <= 72 else commit["subject"][:71] + "…"
    return f"{label}commit `{commit['commit'][:10]}`{dirty} ({subject}), started {results.get('started', '')}"


def compare(before: dict, after: dict) -> str:
    """Two runs side by side: closed-loop capacity per core, the open loop's p95, the query counts."""
    sizes = sorted(set(before["sizes"]) & set(after["sizes"]), key=int)
    cores_b, cores_a = before["machine"]["cores"], after["machine"]["cores"]
    lines = [
        "## Before and after",
        "",
        f"- before: {_describe(before)}",
        f"- after: {_describe(after)}",
        "",
        "| cases | closed loop before (req/s) | per core | closed loop after (req/s) | per core | change |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    # Where the after side opens more pages, it was also measured on the before side's mix (bench.run,
    # same_mix_of): those passes are the ones compared.
    same_mix = {key: after["sizes"][key].get("load_same_mix") is not None for key in sizes}
    for key in sizes:
        b, a = before["sizes"][key], after["sizes"][key]
        rb, ra = b["load"]["req_per_s"], a.get("load_same_mix", a["load"])["req_per_s"]
        change = f"{(ra / rb - 1) * 100:+.0f} %" if rb else "–"
        lines.append(
            f"| {int(key):,} | {_fmt(rb)} | {_fmt(rb / cores_b)} | {_fmt(ra)} | {_fmt(ra / cores_a)} | {change} |"
        )
    if any(same_mix.values()):
        mixed = [
            f"{int(key):,} cases {_fmt(after['sizes'][key]['load']['req_per_s'])} req/s "
            f"({_fmt(per_core(after['sizes'][key], cores_a))} per core)"
            for key in sizes
            if same_mix[key]
        ]
        lines += [
            "",
            "The after side opens pages the before side did not have, so it was measured a second time on the "
            'before side\'s pages and clients: those passes are the "after" above and below. On its own, '
            f"larger mix it answered {'; '.join(mixed)}.",
        ]

    def after_open(key: str) -> dict:
        return after["sizes"][key].get("open_same_mix") or after["sizes"][key].get("open") or {}

    opened = [key for key in sizes if before["sizes"][key].get("open") and after_open(key)]
    if opened:
        rates = {before["sizes"][opened[0]]["open"]["rate"], after_open(opened[0])["rate"]}
        header = " | ".join(f"before / after at {int(key):,}" for key in opened)
        lines += [
            "",
            f"Open loop at {' and '.join(f'{rate:g}' for rate in sorted(rates))} requests/s, p95 (ms), "
            "and query counts at the largest size:",
            "",
            f"| page | {header} | queries before / after |",
            "|---|" + "---:|" * len(opened) + "---:|",
        ]
        pages = [p for p in [*PAGE_ORDER, "floor"] if p in after_open(opened[-1])["pages"]]
        for page in pages:
            cells = [
                f"{_fmt(before['sizes'][key]['open']['pages'].get(page, {}).get('p95_ms'))} / "
                f"{_fmt(after_open(key)['pages'].get(page, {}).get('p95_ms'))}"
                for key in opened
            ]
            queries = (
                f"{page_queries(before['sizes'][opened[-1]], page)} / {page_queries(after['sizes'][opened[-1]], page)}"
            )
            lines.append(f"| {page} | {' | '.join(cells)} | {queries} |")
        errors = [
            f"{int(key):,}: {before['sizes'][key]['open']['errors']} / {after_open(key)['errors']}" for key in opened
        ]
        lines += ["", f"Open-loop errors before / after: {'; '.join(errors)}."]
    return "\n".join(lines) + "\n"


def render(results: dict, json_name: str) -> str:
    sizes = sorted(results["sizes"], key=int)
    small_n, large_n = int(sizes[0]), int(sizes[-1])
    small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    m = results["machine"]
    s = results["settings"]
    rows = summarise(results)
    lines = [
        "# Benchmark results",
        "",
        f"Run of {results['date']} (`make bench`; raw figures in `bench/results/{json_name}`)"
        + (f"; {_describe(results)}" if results.get("git") else "")
        + ".",
        "",
        "## Machine and set-up",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, Linux {m['kernel']}; "
        f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}",
        f"- PostgreSQL {m['postgresql']} on 127.0.0.1; Python {m['python']}, Django {m['django']}, "
        f"gunicorn {m['gunicorn']} with {s['gunicorn_workers']} {s.get('gunicorn_worker_class', 'sync')} workers"
        + (f" of {s['gunicorn_threads']} threads" if s.get("gunicorn_threads", 1) > 1 else "")
        + f"; {s['environment']}",
        f"- load generator: a separate process, {s['clients']} client threads on loopback, closed loop "
        f"(no think time), {s['warmup']} s warm-up then {s['seconds']} s measured per size (at most "
        f"{s['max_requests']:,} requests); personas log in through the login form"
        + (
            f"; then an open loop at {s['open_rate']:g} requests/s ({s['open_arrivals']} arrivals, "
            f"{s['open_senders']} sender threads, {s['open_seconds']} s measured)"
            if s.get("open_rate")
            else ""
        ),
        f"- population seed {s['seed']}; the floor is the analyst's start page (signed in, base layout, no case)",
        "",
        "## Loading the population",
        "",
        "| cases | generate | VACUUM ANALYZE | again before the load | journal rows | access events | needs "
        "| meetings |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sizes:
        size = results["sizes"][key]
        rows_count = size["rows"]
        meetings = rows_count.get("meetings.Meeting", rows_count.get("cases.Meeting", 0))  # its app before issue #15
        # VACUUM ANALYZE again after the nightly passes and imports, before the load (bench.run; not in older runs).
        again = size.get("vacuum_before_load_seconds")
        lines.append(
            f"| {int(key):,} | {size['generate_seconds']:.0f} s | {size['vacuum_analyze_seconds']:.0f} s | "
            f"{'–' if again is None else f'{again:.0f} s'} | "
            f"{rows_count.get('journal.JournalEntry', 0):,} | {rows_count.get('journal.AccessEvent', 0):,} | "
            f"{rows_count.get('needs.Need', 0):,} | {meetings:,} |"
        )
    load_ok = large["generate_seconds"] <= TARGET_LOAD_SECONDS
    for key in sizes:
        timetable = results["sizes"][key].get("timetable")
        if timetable:
            lines.append(
                f"\nTimetable nightly computation at {int(key):,} cases: "
                + (
                    f"{timetable['seconds']:.0f} s ({timetable['output']})"
                    if "seconds" in timetable
                    else timetable["error"]
                )
                + (" (target 60 s at 50,000)" if int(key) == 50000 else "")
            )
        detection = results["sizes"][key].get("obstacles")
        if detection:
            lines.append(
                f"\nObstacle detection at {int(key):,} cases: "
                + (
                    f"{detection['seconds']:.0f} s ({detection['output']})"
                    if "seconds" in detection
                    else detection["error"]
                )
                + (" (target 60 s at 50,000)" if int(key) == 50000 else "")
            )
        measured = results["sizes"][key].get("measurement")
        if measured:
            lines.append(
                f"\nA full national measurement (issue 22) at {int(key):,} cases: "
                + (
                    f"{measured['seconds']:.1f} s ({measured['output']})"
                    if "seconds" in measured
                    else measured["error"]
                )
                + (" (target 10 s at 50,000)" if int(key) == 50000 else "")
            )
        fit = results["sizes"][key].get("eligibility")
        if fit:
            lines.append(
                f"\nProgramme eligibility at {int(key):,} cases: "
                + (
                    f"{fit['seconds']:.1f} s over the {fit['cases']:,} open cases of the catchments"
                    if "seconds" in fit
                    else fit["error"]
                )
                + (" (target 60 s at 50,000)" if int(key) == 50000 else "")
            )
        directory = results["sizes"][key].get("directory")
        if directory:
            writes = directory["rerun"]["created"] + directory["rerun"]["changed"] if "rerun" in directory else 0
            lines.append(
                f"\nDirectory at {int(key):,} cases: "
                + (
                    f"{directory['services']:,} services imported (HSDS 3.0) in "
                    f"{directory['first_import']['seconds']:.0f} s (target 60 s), again in "
                    f"{directory['rerun']['seconds']:.0f} s changing {writes} "
                    f"(target 0)"
                    if "services" in directory
                    else directory["error"]
                )
            )
        replay = results["sizes"][key].get("api_replay")
        if replay:
            lines.append(
                f"\nThe integration API at {int(key):,} cases: "
                + (
                    f"{replay['first']['events']:,} events (intakes and releases) at "
                    f"{replay['first']['events_per_second']:.1f} events/s (target 500/s, on 100,000 events), "
                    f"{sum(replay['first']['statuses'].values()):,} answered; the same again at "
                    f"{replay['replay']['events_per_second']:.1f} events/s, changing "
                    f"{replay['replay']['rows_changed']} rows (target 0)"
                    if "first" in replay
                    else replay["error"]
                )
            )
        pdf = results["sizes"][key].get("pdf")
        if pdf:
            lines.append(
                f"\nThe person's printed plan at {int(key):,} cases: "
                + (
                    f"median {pdf['median_seconds']:.2f} s, slowest {pdf['max_seconds']:.2f} s of {pdf['renders']} "
                    f"renders ({pdf['median_cpu_seconds']:.2f} s CPU; target 2 s at 50,000)"
                    if "renders" in pdf
                    else pdf["error"]
                )
            )
    lines += [
        "",
        f"Target: {large_n:,} cases load in under 15 minutes: **{'met' if load_ok else 'missed'}** "
        f"({large['generate_seconds'] / 60:.1f} min).",
        "",
        *capacity_section(results, sizes),
        *open_section(results),
        *persona_section(results),
        f"## Closed loop: pages at {small_n:,} and {large_n:,} cases ({s['clients']} concurrent clients; "
        "issue 6's targets)",
        "",
        f"| page | p50 / p95 at {small_n:,} (ms) | p50 / p95 / p99 at {large_n:,} (ms) | p95 {large_n:,} ÷ {small_n:,} "
        f"| p95 ÷ floor at {large_n:,} | req/s at {large_n:,} | queries at {small_n:,} | queries at {large_n:,} "
        "| errors | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {_fmt(row['p50_small'])} / {_fmt(row['p95_small'])} | "
            f"{_fmt(row['p50_large'])} / {_fmt(row['p95_large'])} / {_fmt(row['p99_large'])} | "
            f"{_fmt(row['growth'], 2)} | {_fmt(row['to_floor'], 2)} | {_fmt(row['rps_large'])} | "
            f"{row['queries_small']} | {row['queries_large']} | {row['errors']} | "
            f"{'–' if row['page'] == 'floor' else ('met' if row['met'] else '**missed**')} |"
        )
    lines += [
        "",
        f"Throughput, all pages: {small['load']['req_per_s']} req/s at {small_n:,} cases, "
        f"{large['load']['req_per_s']} req/s at {large_n:,}. Errors: {small['load']['errors']} and "
        f"{large['load']['errors']}.",
        "",
        *think_section(large, large_n),
        "Query counts are per request including the session and user queries, the range over every case of "
        "the contact officer personas (a case's state moves a page within the range: an active consent is "
        "shown with whom it covers, and a returning person's case lists the earlier ones), counted with the Django "
        "test client in a rolled-back transaction "
        "against the same database (every persona's counts are in the JSON file; the tests in "
        "`population/tests/test_query_counts.py` pin them at two data sizes).",
        "",
        *cpu_section(results, sizes),
        "## Access events",
        "",
        "| cases | case pages read | events written for them | cases listed (my cases, what is due) "
        "| events written for them | equal |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for key in sizes:
        events = results["sizes"][key]["access_events"]
        lines.append(
            f"| {int(key):,} | {events['read_case_pages']:,} | {events['written_case_pages']:,} | "
            f"{events['listed_in_caseloads']:,} | {events['written_caseload']:,} | "
            f"{'yes' if events['match'] else '**no**'} |"
        )
    lines += ["", "## Personas", ""]
    for key in sizes:
        personas = results["sizes"][key]["personas"]
        described = ", ".join(f"{p['label']} ({p['caseload_size']} cases)" for p in personas)
        lines.append(f"- {int(key):,} cases: {described}")
    explain = large.get("explain")
    if explain:
        lines += [
            "",
            f"## Slowest query of the slowest case page ({explain['page']}) at {large_n:,} cases",
            "",
            "```sql",
            explain["sql"][:2000],
            "```",
            "",
            "```",
            explain["plan"][:4000],
            "```",
        ]
    profile = large.get("profile")
    if profile:
        lines += [
            "",
            f"## Profile of the slowest case page ({profile['page']}) at {large_n:,} cases",
            "",
            f"cProfile over {profile['repeat']} requests of `{profile['url'].split('/')[1]}/…` as a contact officer "
            "(Django test client, same database):",
            "",
            "```",
            profile["top"][:6000].strip(),
            "```",
        ]
    notes = results.get("notes")
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Re-render bench/RESULTS.md from a results file and bench/notes.md: ``python bench/report.py <json>``;
    or print two runs side by side: ``python bench/report.py --compare before.json after.json``."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("results", nargs="?", help="a results file to render bench/RESULTS.md from")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="print two runs side by side")
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(Path(name).read_text()) for name in args.compare)
        before.setdefault("label", "before")
        after.setdefault("label", "after")
        print(compare(before, after))
        return
    if not args.results:
        parser.error("give a results file, or --compare BEFORE AFTER")
    json_path = Path(args.results)
    results = json.loads(json_path.read_text())
    notes = Path(__file__).resolve().parent / "notes.md"
    if notes.exists():
        results["notes"] = notes.read_text()
    (Path(__file__).resolve().parent / "RESULTS.md").write_text(render(results, json_path.name))


if __name__ == "__main__":
    main()
