"""The load generator: a separate process of N client threads on loopback, standard library only.

Each client logs in through the real login form as its persona (and as the floor persona),
then, until the time or the request budget runs out, opens its daily pages in turn, each
with a random one of its cases, and the floor page once per round. No think time: each
client sends its next request when the last one is answered (a closed loop). With
``--think S`` each client pauses between 0.5 × S and 1.5 × S seconds after every answer, as a
person reading the page would: a second view of the same pages at a lighter load.

    python bench/loadgen.py --base http://127.0.0.1:8765 --personas personas.json \
        --seconds 60 --warmup 5 --max-requests 60000 --out load.json

The password comes from BENCH_PASSWORD. Writes latencies in milliseconds per page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import CASE_PAGES, DAILY_PAGES, FLOOR, LIST_PAGES

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

    def login(self, username: str, password: str) -> None:
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


class Client(threading.Thread):
    def __init__(self, number: int, spec: dict, floor_user: str, args, password: str, shared: dict) -> None:
        super().__init__(daemon=True)
        self.number = number
        self.spec = spec
        self.floor_user = floor_user
        self.args = args
        self.password = password
        self.shared = shared
        self.rng = random.Random(f"client:{number}")  # noqa: S311 (picks pages, not secrets)
        self.samples: list[tuple[str, float, int, float]] = []  # (page, ms, status, time)
        self.error: str | None = None
        self.logged_in = threading.Event()

    def run(self) -> None:
        base = urlsplit(self.args.base)
        try:
            persona = Session(base.hostname, base.port)
            persona.login(self.spec["username"], self.password)
            floor = Session(base.hostname, base.port)
            floor.login(self.floor_user, self.password)
        except Exception as error:  # reported, and the run fails
            self.error = f"{self.spec['username']}: {error}"
            self.logged_in.set()
            return
        self.logged_in.set()
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--personas", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause after each answer, in seconds")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    password = os.environ["BENCH_PASSWORD"]
    personas = json.loads(Path(args.personas).read_text())
    specs = personas["clients"]
    shared = {"ready": threading.Event(), "lock": threading.Lock(), "budget": args.max_requests, "start": 0.0}
    clients = [
        Client(number, specs[number % len(specs)], personas["floor_user"], args, password, shared)
        for number in range(args.clients)
    ]
    for client in clients:
        client.start()
    # Logins take a moment (argon2); the clock starts once every client is signed in.
    for client in clients:
        client.logged_in.wait(120)
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
        "clients": args.clients,
        "think_seconds": args.think,
        "seconds": round(seconds, 1),
        "warmup_seconds": args.warmup,
        "max_requests": args.max_requests,
        "requests_measured": total_measured,
        "req_per_s": round(total_measured / seconds, 1),
        "errors": sum(entry["errors"] for entry in summary.values()),
        "client_errors": [client.error for client in clients if client.error],
        "expected_events": {"case_pages": case_page_reads, "caseload": caseload_events},
        "pages": summary,
        "personas": [{"label": c.spec["label"], "caseload_size": c.spec.get("caseload_size")} for c in clients],
    }
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=2))
    if result["client_errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
