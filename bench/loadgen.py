"""The load generator: a separate process on loopback, standard library only. Two load models.

**Closed loop** (the default). Each persona of the N client threads, and the floor persona,
signs in once through the real login form (and the second factor); then each client, with its
persona's session and the floor persona's, until the time or the request budget runs out,
open their daily pages in turn, each with a random one of their cases, and the floor page once
per round. No think time: each client sends its next request when the last one is answered.
With ``--think S`` each client pauses between 0.5 × S and 1.5 × S seconds after every answer,
as a person reading the page would: a second view of the same pages at a lighter load. A
closed loop measures capacity; its latencies hide queueing (a slow answer delays the next send,
so the requests that would have queued behind it are never made: coordinated omission).

**Open loop** (``--rate R``). Arrivals on a fixed schedule of R requests a second, whatever the
server does: Poisson by default (exponential gaps, seeded), or evenly spaced with
``--arrivals uniform``. Poisson because the load is many independent people each opening a page
now and then, and the superposition of many independent sparse streams is close to a Poisson
process; evenly spaced arrivals never bunch up and so understate the queues real users meet.
Each arrival is assigned up front, in the closed loop's mix: arrival k goes to client k mod N,
which opens the next page of its round (its daily pages in turn, then the floor). A pool of
``--senders`` threads sends them, so a slow answer never holds up the next send; the latency of
a request is counted from its *intended* send time, not from when a thread got round to it, so
the requests queued behind a slow answer carry the wait. The report gives, per page, p50/p95/p99
of that latency (and the service time, answer - actual send), errors, the intended and achieved
rates, and how many requests were sent later than ``--late-ms`` after their intended time.

    python bench/loadgen.py --base http://127.0.0.1:8765 --personas personas.json \
        --seconds 60 --warmup 5 --max-requests 60000 --out load.json [--rate 70]

The password comes from BENCH_PASSWORD. Writes latencies in milliseconds per page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import CASE_PAGES, DAILY_PAGES, FLOOR, LIST_PAGES
from core.clock import machine_time, requested_today
from core.tests.totp_codes import Codes

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One signed-in browser: cookies kept by hand (the production cookies are Secure-only).

    The connection is kept open while the server keeps it open (gunicorn's gthread worker
    does; its sync worker closes after every response), as a browser would.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers.setdefault("Accept-Language", "nb")
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except Exception:
            self.close()
            raise
        response_headers = response.getheaders()
        for header, value in response_headers:
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, dict(response_headers), content

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def login(self, username: str, password: str, second_factor: bool = True) -> None:
        status, _headers, content = self.request("GET", "/login/")
        match = CSRF_INPUT.search(content)
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status}")
        body = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password})
        status, headers, _content = self.request(
            "POST",
            "/login/",
            body=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{self.host}:{self.port}"},
        )
        if status != 302 or "/login/" in headers.get("Location", ""):
            raise RuntimeError(f"login as {username} failed with {status}")
        if second_factor:
            self.second_factor(username, password)

    def second_factor(self, username: str, password: str) -> None:
        """Staff give a code of the authenticator the bench gave them (bench/django_tasks.py personas)."""
        status, headers, content = self.request("GET", "/")
        if status != 302 or not urlsplit(headers.get("Location", "")).path.startswith(SECOND_FACTOR):
            return  # a person, or a session that needs no code
        status, _headers, content = self.request("GET", SECOND_FACTOR)
        match = CSRF_INPUT.search(content)
        if status != 200 or match is None:
            raise RuntimeError(f"the second factor's page answered {status} for {username}")
        codes = codes_for(password)
        body = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "code": codes.next_code(username)})
        status, headers, _content = self.request(
            "POST",
            SECOND_FACTOR,
            body=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{self.host}:{self.port}"},
        )
        if status != 302:
            raise RuntimeError(f"the second factor of {username} failed with {status}")


#: The second factor's page; the server sends staff there after the password.
SECOND_FACTOR = "/account/second-factor/verify/"
#: The codes of the bench's staff authenticators, by secret (the bench password), shared by all threads.
CODES: dict[str, Codes] = {}


def codes_for(password: str) -> Codes:
    """The codes of the bench's authenticators, whose secret is the bench password: one per process."""
    return CODES.setdefault(password, Codes(password, bench_clock))


def bench_clock() -> float:
    """The server's clock in UNIX seconds: OVERGANG_TODAY's moment if the run moved it, else the machine's."""
    moment = requested_today()
    return moment.timestamp() if moment is not None else machine_time()


class Client(threading.Thread):
    def __init__(self, number: int, spec: dict, floor_user: str, args, cookies: dict[str, dict], shared: dict) -> None:
        super().__init__(daemon=True)
        self.number = number
        self.spec = spec
        self.floor_user = floor_user
        self.args = args
        self.cookies = cookies  # each user's, signed in once before the run (login_all)
        self.shared = shared
        self.rng = random.Random(f"client:{number}")  # noqa: S311 (picks pages, not secrets)
        self.samples: list[tuple[str, float, int, float]] = []  # (page, ms, status, time)

    def run(self) -> None:
        base = urlsplit(self.args.base)
        persona = Session(base.hostname, base.port)
        persona.cookies = dict(self.cookies[self.spec["username"]])
        floor = Session(base.hostname, base.port)
        floor.cookies = dict(self.cookies[self.floor_user])
        self.shared["ready"].wait()
        pages = list(self.spec["pages"].items())
        deadline = self.shared["start"] + self.args.warmup + self.args.seconds
        while time.monotonic() < deadline:
            for page, codes in [*pages, (FLOOR["name"], [""])]:
                if time.monotonic() >= deadline or not self.take_budget():
                    return
                session = floor if page == FLOOR["name"] else persona
                url = FLOOR["url"] if page == FLOOR["name"] else DAILY_PAGES[page](self.rng.choice(codes))
                started = time.monotonic()
                try:
                    status, _headers, _content = session.request("GET", url)
                except Exception:
                    status = 0
                self.samples.append((page, (time.monotonic() - started) * 1000, status, started))
                if self.args.think:
                    time.sleep(self.args.think * self.rng.uniform(0.5, 1.5))

    def take_budget(self) -> bool:
        with self.shared["lock"]:
            if self.shared["budget"] <= 0:
                return False
            self.shared["budget"] -= 1
            return True


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- The open loop -------------------------------------------------------------------------


def arrival_offsets(rate: float, seconds: float, kind: str = "poisson", seed: int = 2026) -> list[float]:
    """Intended send times, in seconds from the start, of ``rate`` requests a second for ``seconds``.

    ``poisson``: exponential gaps with mean 1/rate from a seeded generator (the same schedule on
    every run); ``uniform``: exactly 1/rate apart.
    """
    if rate <= 0 or seconds <= 0:
        return []
    if kind == "uniform":
        return [k / rate for k in range(int(seconds * rate))]
    if kind != "poisson":
        raise ValueError(f"unknown arrival process {kind!r}")
    rng = random.Random(f"arrivals:{seed}")  # noqa: S311 (a schedule, not a secret)
    offsets, at = [], rng.expovariate(rate)
    while at < seconds:
        offsets.append(at)
        at += rng.expovariate(rate)
    return offsets


@dataclass
class Arrival:
    """One request of the open loop: what was meant, and what happened (monotonic seconds)."""

    index: int
    item: object
    intended: float
    sent: float | None = None
    answered: float | None = None
    status: int = 0

    @property
    def latency(self) -> float:
        """What the user waited: from the intended send time to the answer (queueing included)."""
        return self.answered - self.intended

    @property
    def service(self) -> float:
        """What the server took once the request was on its way."""
        return self.answered - self.sent

    @property
    def send_lag(self) -> float:
        return self.sent - self.intended


class OpenLoop:
    """Send ``send(item)`` for each item at ``start + offset`` from a pool of sender threads.

    A dispatcher thread (the caller's) sleeps until each intended time and hands the arrival
    to the pool through a queue; ``senders`` threads take them and send. While a sender is
    free, an arrival is sent within a scheduling tick of its time; when every sender is busy
    the arrival waits in the queue, and its latency still counts from the intended time.
    ``send`` returns the HTTP status (0 for a failure) and must not raise.
    """

    def __init__(
        self,
        offsets: Sequence[float],
        items: Sequence[object],
        send: Callable[[object], int],
        senders: int = 128,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if len(offsets) != len(items):
            raise ValueError("one item per arrival")
        self.offsets, self.items, self.send = offsets, items, send
        self.senders = max(1, senders)
        self.clock = clock
        self.arrivals: list[Arrival] = []
        self.start = 0.0
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._queue: queue.Queue[Arrival | None] = queue.Queue()

    def _sender(self) -> None:
        while True:
            arrival = self._queue.get()
            if arrival is None:
                return
            with self._lock:
                self._in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self._in_flight)
            arrival.sent = self.clock()
            try:
                arrival.status = self.send(arrival.item)
            except Exception:  # a failed request is an error in the report, not a crash
                arrival.status = 0
            arrival.answered = self.clock()
            with self._lock:
                self._in_flight -= 1

    def run(self, start: float | None = None) -> list[Arrival]:
        threads = [threading.Thread(target=self._sender, daemon=True) for _ in range(self.senders)]
        for thread in threads:
            thread.start()
        self.start = self.clock() if start is None else start
        for index, (offset, item) in enumerate(zip(self.offsets, self.items, strict=True)):
            intended = self.start + offset
            delay = intended - self.clock()
            if delay > 0:
                time.sleep(delay)
            arrival = Arrival(index, item, intended)
            self.arrivals.append(arrival)
            self._queue.put(arrival)
        for _thread in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()
        return self.arrivals


_connections = threading.local()


def fetch(host: str, port: int, path: str, cookies: dict[str, str]) -> int:
    """GET ``path`` with the session's cookies on this thread's connection; return the status.

    Safe from many threads at once: each sender thread keeps its own connection (kept open
    while the server keeps it open), the cookies are only read. A kept-open connection the
    server has meanwhile closed is reopened once.
    """
    headers = {"Accept-Language": "nb"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    for attempt in (1, 2):
        connection = getattr(_connections, "connection", None)
        reused = connection is not None
        if connection is None:
            connection = _connections.connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            _connections.connection = None
            if reused and attempt == 1:
                continue
            return 0
        except Exception:
            connection.close()
            _connections.connection = None
            return 0
        if response.will_close:
            connection.close()
            _connections.connection = None
        return response.status
    return 0


def open_loop_plan(specs: list[dict], clients: int, count: int) -> list[tuple[int, str, str]]:
    """(client, page, url) for each of ``count`` arrivals, in the closed loop's page mix.

    Arrival k goes to client k mod ``clients``, which opens the next page of its round: its
    daily pages in turn, then the floor, each case page with a random one of its targets (the
    same per-client seeding as the closed loop).
    """
    rounds = []
    for number in range(clients):
        spec = specs[number % len(specs)]
        rounds.append((random.Random(f"client:{number}"), [*spec["pages"].items(), (FLOOR["name"], [""])]))  # noqa: S311
    position = [0] * clients
    plan = []
    for k in range(count):
        number = k % clients
        rng, pages = rounds[number]
        page, targets = pages[position[number] % len(pages)]
        position[number] += 1
        url = FLOOR["url"] if page == FLOOR["name"] else DAILY_PAGES[page](rng.choice(targets))
        plan.append((number, page, url))
    return plan


def _page_summary(arrivals: list[Arrival], measured_from: float, seconds: float) -> dict[str, dict]:
    """Page -> p50/p95/p99 of the latency from the intended send time, over the arrivals intended
    within the measured window; errors over all of them."""
    pages: dict[str, dict] = {}
    for arrival in arrivals:
        entry = pages.setdefault(arrival.item[1], {"all": 0, "errors": 0, "ms": [], "service_ms": []})
        entry["all"] += 1
        if arrival.status != 200:
            entry["errors"] += 1
        if arrival.intended >= measured_from and arrival.answered is not None:
            entry["ms"].append(arrival.latency * 1000)
            entry["service_ms"].append(arrival.service * 1000)
    summary = {}
    for page, entry in sorted(pages.items()):
        values = entry["ms"]
        summary[page] = {
            "requests_measured": len(values),
            "requests_all": entry["all"],
            "errors": entry["errors"],
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "mean_ms": round(sum(values) / len(values), 2) if values else None,
            "service_p95_ms": round(percentile(entry["service_ms"], 0.95), 2),
            "req_per_s": round(len(values) / seconds, 1),
        }
    return summary


def summarise_open(
    arrivals: list[Arrival], measured_from: float, seconds: float, late_ms: float, labels: Sequence[str] = ()
) -> dict:
    """Per page p50/p95/p99 of the latency from the intended send time, over the arrivals
    intended within the measured window; errors over all arrivals.

    With ``labels`` (the persona label of each client number), the same per persona as well:
    a page several personas open (the case overview: staff and the person) is one line in
    ``pages``, its heaviest version setting the p95, and ``by_persona`` shows each one's share.
    The floor is left out there: it is always the analyst's.
    """
    measured = [a for a in arrivals if a.intended >= measured_from and a.answered is not None]
    summary = _page_summary(arrivals, measured_from, seconds)
    by_persona: dict[str, dict[str, dict]] = {}
    if labels:
        grouped: dict[str, list[Arrival]] = {}
        for arrival in arrivals:
            if arrival.item[1] != FLOOR["name"]:
                grouped.setdefault(labels[arrival.item[0]], []).append(arrival)
        by_persona = {label: _page_summary(group, measured_from, seconds) for label, group in sorted(grouped.items())}
    lags = [a.send_lag * 1000 for a in measured]
    # Achieved rates: sends and answers that fell within the measured window, whichever arrival.
    measured_to = measured_from + seconds
    sends = [a for a in arrivals if a.sent is not None and measured_from <= a.sent < measured_to]
    answers = [a for a in arrivals if a.answered is not None and measured_from <= a.answered < measured_to]
    span = max(0.001, seconds)
    return {
        "pages": summary,
        "requests_measured": len(measured),
        "sent_per_s": round(len(sends) / span, 2),
        "answered_per_s": round(len(answers) / span, 2),
        "late": sum(1 for lag in lags if lag > late_ms),
        "late_ms": late_ms,
        "send_lag_ms": {
            "p50": round(percentile(lags, 0.50), 2),
            "p99": round(percentile(lags, 0.99), 2),
            "max": round(max(lags), 2) if lags else None,
        },
        "errors": sum(entry["errors"] for entry in summary.values()),
        **({"by_persona": by_persona} if labels else {}),
    }


def only_pages(specs: list[dict], pages: Sequence[str]) -> list[dict]:
    """The personas with only ``pages`` of theirs; those left with none are left out.

    For a before/after run whose before side has fewer pages: the after side is also measured
    on the before side's mix, so the two sides' rates and latencies compare like for like.
    """
    wanted = set(pages)
    kept = []
    for spec in specs:
        own = {page: targets for page, targets in spec["pages"].items() if page in wanted}
        if own:
            kept.append({**spec, "pages": own})
    return kept


def login_all(args, specs: list[dict], floor_user: str, password: str) -> tuple[dict, list[str]]:
    """Sign in every persona of the ``--clients`` clients and the floor persona once each."""
    base = urlsplit(args.base)
    cookies: dict[str, dict] = {}
    errors = []
    # The authenticators' steps this run's earlier passes took (each pass is a process of its own):
    # the server refuses a step at or below the last it took for a user.
    steps = Path(args.personas).with_suffix(".steps.json")
    codes = codes_for(password)
    if steps.exists():
        codes.used.update(json.loads(steps.read_text()))
    for username in dict.fromkeys([*(specs[n % len(specs)]["username"] for n in range(args.clients)), floor_user]):
        session = Session(base.hostname, base.port)
        try:
            session.login(username, password)
            cookies[username] = dict(session.cookies)
        except Exception as error:  # reported, and the run fails
            errors.append(f"{username}: {error}")
        finally:
            session.close()
    steps.write_text(json.dumps(codes.used))
    return cookies, errors


def run_open(args, personas: dict, password: str) -> dict:
    specs = personas["clients"]
    floor_user = personas["floor_user"]
    cookies, errors = login_all(args, specs, floor_user, password)
    if errors:
        return {"mode": "open", "client_errors": errors}
    offsets = arrival_offsets(args.rate, args.warmup + args.seconds, args.arrivals, args.seed)[: args.max_requests]
    plan = open_loop_plan(specs, args.clients, len(offsets))
    base = urlsplit(args.base)

    def send(item) -> int:
        number, page, url = item
        username = floor_user if page == FLOOR["name"] else specs[number % len(specs)]["username"]
        return fetch(base.hostname, base.port, url, cookies[username])

    loop = OpenLoop(offsets, plan, send, senders=args.senders)
    arrivals = loop.run()
    measured_from = loop.start + args.warmup
    clients = [specs[n % len(specs)] for n in range(args.clients)]
    labels = [client["label"] for client in clients]
    summary = summarise_open(arrivals, measured_from, args.seconds, args.late_ms, labels)
    scheduled = sum(1 for offset in offsets if offset >= args.warmup)
    ok = [a for a in arrivals if a.status == 200]
    return {
        "mode": "open",
        "rate": args.rate,
        "arrivals": args.arrivals,
        "senders": args.senders,
        "max_in_flight": loop.max_in_flight,
        "clients": args.clients,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "max_requests": args.max_requests,
        "scheduled": scheduled,
        "scheduled_per_s": round(scheduled / args.seconds, 2),
        "req_per_s": summary["answered_per_s"],
        **summary,
        "client_errors": [],
        "expected_events": {
            "case_pages": sum(1 for a in ok if a.item[1] in CASE_PAGES),
            "caseload": sum(clients[a.item[0]].get(LIST_PAGES[a.item[1]], 0) for a in ok if a.item[1] in LIST_PAGES),
        },
        "personas": [{"label": c["label"], "caseload_size": c.get("caseload_size")} for c in clients],
    }


# --- The closed loop -------------------------------------------------------------------------


def run_closed(args, personas: dict, password: str) -> dict:
    specs = personas["clients"]
    shared = {"ready": threading.Event(), "lock": threading.Lock(), "budget": args.max_requests, "start": 0.0}
    # Each user signs in once, before the clock starts, and the clients share the sessions (as the
    # open loop does): the clients signing in at once as the same floor user raced for the steps of
    # one authenticator, and the server refused the code that came in after a later one.
    cookies, errors = login_all(args, specs, personas["floor_user"], password)
    if errors:
        return {"mode": "closed", "client_errors": errors}
    clients = [
        Client(number, specs[number % len(specs)], personas["floor_user"], args, cookies, shared)
        for number in range(args.clients)
    ]
    for client in clients:
        client.start()
    shared["start"] = time.monotonic()
    shared["ready"].set()
    for client in clients:
        client.join()
    measured_from = shared["start"] + args.warmup
    measured_to = max((s[3] + s[1] / 1000 for c in clients for s in c.samples), default=measured_from)
    pages: dict[str, dict] = {}
    all_samples = [(client, sample) for client in clients for sample in client.samples]
    for _client, (page, ms, status, at) in all_samples:
        entry = pages.setdefault(page, {"all": 0, "ok": 0, "errors": 0, "ms": []})
        entry["all"] += 1
        if status == 200:
            entry["ok"] += 1
        else:
            entry["errors"] += 1
        if at >= measured_from:
            entry["ms"].append(ms)
    seconds = max(0.001, measured_to - measured_from)
    summary = {}
    for page, entry in sorted(pages.items()):
        values = entry["ms"]
        summary[page] = {
            "requests_measured": len(values),
            "requests_all": entry["all"],
            "errors": entry["errors"],
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "mean_ms": round(sum(values) / len(values), 2) if values else None,
            "req_per_s": round(len(values) / seconds, 1),
        }
    # What the server should have logged: one event per case page read, one per case listed.
    case_page_reads = sum(
        1 for _client, (page, _ms, status, _at) in all_samples if page in CASE_PAGES and status == 200
    )
    caseload_events = sum(
        client.spec.get(LIST_PAGES[page], 0)
        for client, (page, _ms, status, _at) in all_samples
        if page in LIST_PAGES and status == 200
    )
    total_measured = sum(entry["requests_measured"] for entry in summary.values())
    result = {
        "mode": "closed",
        "clients": args.clients,
        "think_seconds": args.think,
        "seconds": round(seconds, 1),
        "warmup_seconds": args.warmup,
        "max_requests": args.max_requests,
        "requests_measured": total_measured,
        "req_per_s": round(total_measured / seconds, 1),
        "errors": sum(entry["errors"] for entry in summary.values()),
        "client_errors": [],
        "expected_events": {"case_pages": case_page_reads, "caseload": caseload_events},
        "pages": summary,
        "personas": [{"label": c.spec["label"], "caseload_size": c.spec.get("caseload_size")} for c in clients],
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--personas", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause after each answer, in seconds")
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: arrivals per second (0: closed loop)")
    parser.add_argument("--arrivals", choices=["poisson", "uniform"], default="poisson")
    parser.add_argument("--senders", type=int, default=128, help="open loop: sender threads")
    parser.add_argument("--late-ms", type=float, default=10.0, help="open loop: a send later than this is late")
    parser.add_argument("--seed", type=int, default=2026, help="open loop: seed of the Poisson schedule")
    parser.add_argument("--pages", default="", help="only these pages, comma-separated (personas with none drop out)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    password = os.environ["BENCH_PASSWORD"]
    personas = json.loads(Path(args.personas).read_text())
    if args.pages:
        personas["clients"] = only_pages(personas["clients"], args.pages.split(","))
    result = run_open(args, personas, password) if args.rate else run_closed(args, personas, password)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k not in {"pages", "personas"}}, indent=2))
    if result["client_errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
