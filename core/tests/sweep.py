"""The date sweep's share of the slow tests (issue 14, point 4: CI stays under 60 minutes).

CI runs the whole suite on the real date on SQLite and on PostgreSQL, then once more on SQLite
for each of five fragile days (``.ci/run``). Seven whole runs took 82 minutes in CI on
2026-12-05. On a swept day (``OVERGANG_SWEEP=k/n``, day k of n) every test runs except:

- the **browser and live-server tests** (issue 14 allows fewer of them on swept days), and the
  slow tests listed in ``SLOW_AND_DAY_FREE``, whose checks do not turn on the day. They are
  dealt out over the n days, the heaviest first to the lightest day, so each runs on one
  fragile day, besides the real date on both databases. Measured on 2026-12-06: a swept day
  with only the live-server tests and four slow ones dealt out still took 65 % of a whole
  run's CPU, which put CI at about 63 minutes on that day's slow machine; hence the longer list;
- of those, the ones in ``REAL_DATE_ONLY`` run on no swept day: what they check cannot turn on
  the day (access by ids and sessions, escaping, wording, money and interval arithmetic, a
  generator with a fixed day of its own), and a swept day only repeats the real date's run.
  CI took 3,562 s on 2026-12-06 (59 min), with 59 % of a swept day's CPU in dealt-out files;
  these took about half of it. They run on the real date on SQLite and on PostgreSQL;
- the reference-policy property test (ASSURANCE #5) draws ``SWEEP_POLICY_WORLDS`` worlds on a
  swept day instead of its 200: the 200 run on the real date, on both databases. 12 since
  2026-12-06 (25 before; 31 s of a swept day): issue 22 added 250 tests to every run.

Without ``OVERGANG_SWEEP`` (``make test``, ``make suite``) every test runs in full.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

#: The slow tests whose checks do not turn on the day, with their CPU seconds on 2026-12-05
#: (the weight that deals them out). Each runs on the real date and on one swept day.
SLOW_AND_DAY_FREE = {
    # Who may open which address, every address with every persona. The date windows of a
    # membership (started, ended, invited, starting later) are held every day by
    # access/tests/test_membership_states.py and the policy property test.
    "access/tests/test_url_walk.py": 68,
    "access/tests/test_url_walk_reasons.py": 33,
    "access/tests/test_idor_swap.py": 64,  # another case's ids under one's own case code
    "core/tests/test_templates.py": 61,  # hostile text comes back escaped
    "journal/tests/test_sentences.py": 39,  # the wording of journal entries
    "accounts/tests/test_admin.py": 32,  # what the administrator may do to accounts
    "population/tests/test_query_counts.py": 13,  # queries per page at two data sizes
    "personpages/tests/test_listen.py": 12,  # the spoken page (espeak-ng)
    "obstacles/tests/test_suppression.py": 9,  # small counts hidden, drawn counts
    "accounts/tests/test_lockout.py": 8,  # five wrong passwords lock for minutes, not days
    # Every address at the password step, as every staff persona (ASSURANCE #3); h23-mfa, 94 s wall here.
    "access/tests/test_url_walk_second_factor.py": 25,
    # The restore drill (issue 24): a backup, a restore and two manage.py processes; restoring
    # does not turn on the day. 4 CPU seconds on SQLite on 2026-12-06 (PostgreSQL's pg_dump and
    # pg_restore run on the real date only).
    "core/tests/test_restore_drill.py": 4,
    # ASSURANCE #26: schemathesis over the integration API (in-process WSGI, no server); 8 CPU s
    # measured on 2026-12-06 beyond the session's setup.
    "api/tests/test_schemathesis.py": 8,
    # The generator's calibration at 2,000 cases and its seeds: every test of the file generates as
    # of a fixed day (TODAY = 2026-11-23), not the run's; 26 s on a swept day on 2026-12-06.
    "population/tests/test_generator.py": 32,
    # Issue 22's tests whose checks do not turn on the day (estimated from their share of a whole
    # run on 2026-12-06): the cost-benefit's assumptions and gain (versions, money, intervals), the
    # report's privacy scans of reports built by hand (page, PDF text, CSV) and its shares, and the
    # interval arithmetic against Newcombe's published figures.
    "costbenefit/tests/test_views.py": 12,
    "costbenefit/tests/test_services.py": 6,
    "costbenefit/tests/test_gain.py": 4,
    "report/tests/test_privacy.py": 10,
    "report/tests/test_shown.py": 4,
    "insight/tests/test_statistics.py": 2,
    # Checks that do not turn on the day, dealt out on 2026-12-06 (CI near its hour): the fixed query
    # budgets of the daily pages (a budget holds whatever the day's data), the HSDS export and import,
    # the security headers and CSP, and the catalogues' completeness. Seconds of a swept day on a
    # loaded machine, halved.
    "meetings/tests/test_query_budget.py": 11,
    "plans/tests/test_query_budget.py": 6,
    "cases/tests/test_query_budget.py": 5,
    "cases/tests/test_query_budget_lists.py": 4,
    "timetable/tests/test_query_budget.py": 4,
    "directory/tests/test_hsds.py": 7,
    "core/tests/test_security.py": 8,
    "core/tests/test_catalogue_complete.py": 5,
    # Issue 22's Done-when as the analyst tries it (400 generated cases, two measurements, the report,
    # its PDF and CSV, scanned for small counts): about 45 s of a call on 2026-12-06; the periods
    # are the years up to the day, whichever day it is.
    "report/tests/test_analyst_tryout.py": 45,
}
#: Of ``SLOW_AND_DAY_FREE``, the files that run on the real date only (both databases), on no
#: swept day. They may build their data relative to the day, but what they assert does not turn on
#: it; each part of their data is built by services whose own tests run on every swept day. The
#: files left to be dealt out check something a fragile day could break: every address rendered
#: on the day (the walk), the query budgets (a page may show more on some days), the journal's
#: and the spoken page's dates, the periods up to the day (the analyst's tryout), restoring.
#: Seconds of a swept day on 2026-12-06, measured: the IDOR swap 142, the walk of looks with a
#: reason 71, the walk at the password step 20, the generator 69.
REAL_DATE_ONLY = frozenset(
    {
        "access/tests/test_idor_swap.py",
        "access/tests/test_url_walk_reasons.py",
        "access/tests/test_url_walk_second_factor.py",
        "core/tests/test_templates.py",
        "accounts/tests/test_admin.py",
        "population/tests/test_generator.py",
        "obstacles/tests/test_suppression.py",
        "api/tests/test_schemathesis.py",
        "costbenefit/tests/test_views.py",
        "costbenefit/tests/test_services.py",
        "costbenefit/tests/test_gain.py",
        "report/tests/test_privacy.py",
        "report/tests/test_shown.py",
        "insight/tests/test_statistics.py",
        "directory/tests/test_hsds.py",
        "core/tests/test_security.py",
        "core/tests/test_catalogue_complete.py",
    }
)
#: The browser tests (``test_browser_*.py``) that still run on a swept day, dealt out: the pages
#: that turn on deadlines and days (the plan's meetings and agenda, the release day, what is due).
#: The other browser tests run on the real date only (issue 14 allows fewer browser tests on the
#: swept days): what they check in a browser (axe, 360 px, htmx flows) is the same on any day, and
#: the views behind them run on every swept day through the test client. CI measured here on
#: 2026-12-06 with every browser test dealt out: about 58 minutes.
BROWSER_SWEPT = frozenset(
    {
        "plans/tests/test_browser_plan.py",
        "handover/tests/test_browser_release.py",
        "timetable/tests/test_browser_due.py",
    }
)


def real_date_only(path: str) -> bool:
    """Whether the tests of this file run on no swept day (``REAL_DATE_ONLY`` and most browser tests)."""
    return path in REAL_DATE_ONLY or (is_browser_file(path) and path not in BROWSER_SWEPT)


#: The browser and live-server tests' CPU seconds on 2026-12-05; a new one weighs DEFAULT_WEIGHT.
LIVE_WEIGHTS = {
    "cases/tests/test_browser_story.py": 73,
    "core/tests/test_browser_intake.py": 47,
    "handover/tests/test_browser_release.py": 45,
    "achievements/tests/test_browser_achievements.py": 42,
    "timetable/tests/test_reminders.py": 43,
    "plans/tests/test_concurrency.py": 38,
    "plans/tests/test_browser_plan.py": 31,
    "programmes/tests/test_browser_programmes.py": 20,
    "core/tests/test_browser_frame.py": 19,
    "directory/tests/test_browser_directory.py": 18,
    "personpages/tests/test_browser_listen.py": 16,
    "summons/tests/test_browser_summons.py": 15,
    "ownwords/tests/test_browser_words.py": 15,
    "obstacles/tests/test_browser_obstacles.py": 14,
    "personpages/tests/test_browser_person.py": 7,
    "accounts/tests/test_browser_second_factor.py": 13,  # h23-mfa, wall seconds of the call here
    "bench/tests/test_loadgen_login.py": 6,  # h23-mfa, wall seconds of the call here
    "programmes/tests/test_concurrency.py": 7,
    "notices/tests/test_concurrency.py": 24,  # measured 2026-12-06, with its endpoint on 127.0.0.1
    "accounts/tests/test_oidc.py": 3,  # a node OpenID provider (oidc-provider) on 127.0.0.1; measured 2026-12-06
    # h22-report: the analyst's report at 360 px and on a screen; 42 CPU s for the whole run here on
    # 2026-12-06 (the session's demo world and server included: an upper bound).
    "report/tests/test_browser_report.py": 42,
    # h22-pages: issue 22's other pages in a browser, measured on 2026-12-06: 41, 40, 45 and 47 CPU s each
    # run alone, about 37 s of which the session's server and demo world (paid once per day); the four in
    # one session took 58 CPU s. Their weights are their own share of the 58.
    "insight/tests/test_browser_insight.py": 12,
    "costbenefit/tests/test_browser_costbenefit.py": 11,
    "surveys/tests/test_browser_surveys.py": 16,
    "outcomes/tests/test_browser_outcomes.py": 19,  # and its setup's manage.py shell
}
#: The fixtures that start a server process: a test using one counts as a live-server test.
LIVE_FIXTURES = frozenset({"live_site", "oidc_provider"})
DEFAULT_WEIGHT = 20
#: Worlds of the reference-policy property test on a swept day (200 on the real date).
SWEEP_POLICY_WORLDS = 12


#: The variable that leaves the browser tests (``test_browser_*.py``: pages driven through Chromium)
#: out of a run: CI's run on PostgreSQL sets it. What they check is what a browser shows (axe, 360 px,
#: htmx flows), and they have run on the real date on SQLite and on one swept day by then; every view
#: and service they drive runs on PostgreSQL through the test client. The other live-server tests
#: (concurrent edits, notices over HTTP, the OpenID provider, reminders by SMTP) stay in: they turn
#: on the database's locks and transactions.
NO_BROWSER_VARIABLE = "OVERGANG_NO_BROWSER"


def browser_left_out(environ: dict[str, str] | None = None) -> bool:
    """Whether this run leaves the browser tests out (``OVERGANG_NO_BROWSER=1``)."""
    return (os.environ if environ is None else environ).get(NO_BROWSER_VARIABLE, "") == "1"


def is_browser_file(path: str) -> bool:
    return path.rsplit("/", 1)[-1].startswith("test_browser_")


def sweep_day(environ: dict[str, str] | None = None) -> tuple[int, int] | None:
    """``(k, n)`` from ``OVERGANG_SWEEP=k/n`` (1 <= k <= n), or None outside the sweep."""
    value = (os.environ if environ is None else environ).get("OVERGANG_SWEEP", "").strip()
    if not value:
        return None
    day, _, days = value.partition("/")
    k, n = int(day), int(days)
    if not 1 <= k <= n:
        raise ValueError(f"OVERGANG_SWEEP must be k/n with 1 <= k <= n, not {value!r}.")
    return k, n


def examples(real: int, swept: int) -> int:
    """How many examples a property test draws: ``real`` on the real date, ``swept`` on a swept day.

    The lead invariant (handover/tests/test_lead_invariant.py) draws 150 sequences on the real
    date and 40 on a swept day since 2026-12-06: 35 s of each swept day before (CI near its hour).
    """
    return real if sweep_day() is None else swept


def policy_worlds() -> int:
    """How many worlds the reference-policy property test draws: 200, or fewer on a swept day."""
    return 200 if sweep_day() is None else SWEEP_POLICY_WORLDS


#: The real date's 200 worlds are drawn in this many shares, each a test of its own with a seed of
#: its own, so that the two test workers share them: as one test of 200 worlds it took 233 s of a
#: 632 s whole run on 2026-12-06, the longest test, and its worker finished last.
POLICY_SHARES = 4


def policy_shares() -> int:
    """In how many tests the reference-policy property test's worlds are drawn: one on a swept day."""
    return POLICY_SHARES if sweep_day() is None else 1


def deal(weights: dict[str, int], days: int) -> dict[str, int]:
    """Deal the files out over the days, heaviest first, each to the day with the least so far (1-based)."""
    load = [0] * days
    dealt = {}
    for path in sorted(weights, key=lambda path: (-weights[path], path)):
        day = min(range(days), key=lambda d: (load[d], d))
        load[day] += weights[path]
        dealt[path] = day + 1
    return dealt


#: Slow files that run on every day (they turn on the day), CPU seconds on 2026-12-06: weights for
#: the order in which the tests are handed to the workers (``weight``), not for the sweep's deal.
SLOW_EVERY_DAY = {
    "access/tests/test_policy_property.py": 31,
    "handover/tests/test_lead_invariant.py": 20,
    "retention/tests/test_statistics.py": 5,
}


def weight(path: str, live: bool) -> int:
    """How early a test is handed to a worker: the live-server ones first, as one group, then the slow files."""
    if live:
        return 1000
    return SLOW_AND_DAY_FREE.get(path) or SLOW_EVERY_DAY.get(path, 0)


def shared_files(live_files: Iterable[str]) -> dict[str, int]:
    """The weight of every file dealt out over the sweep: the live-server ones and the slow day-free ones
    that run on a swept day (not those of ``REAL_DATE_ONLY``)."""
    weights = {path: weight for path, weight in SLOW_AND_DAY_FREE.items() if path not in REAL_DATE_ONLY}
    for path in live_files:
        if not real_date_only(path):
            weights[path] = LIVE_WEIGHTS.get(path, DEFAULT_WEIGHT)
    return weights
