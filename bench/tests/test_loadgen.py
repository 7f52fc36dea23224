"""The open loop's latency accounting, against a server on 127.0.0.1 that answers slowly on purpose.

No assertion here depends on how fast the machine is: they rest on ordering (one sender cannot
send before its last answer came back; a gated answer cannot come before the request that opens
the gate arrived) and on lower bounds that ``time.sleep`` guarantees (it never returns early).
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import Arrival, OpenLoop, arrival_offsets, fetch, only_pages, open_loop_plan, summarise_open

SLOW_SECONDS = 0.3


class Handler(BaseHTTPRequestHandler):
    gate = threading.Event()

    def do_GET(self) -> None:
        status = 200
        if self.path == "/slow":
            threading.Event().wait(SLOW_SECONDS)  # at least SLOW_SECONDS, never less
        elif self.path == "/gate":
            status = 200 if self.gate.wait(10) else 504
        elif self.path == "/open":
            self.gate.set()
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    Handler.gate = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def send_to(port: int):
    return lambda item: fetch("127.0.0.1", port, item[2], {})


def test_a_slow_answer_counts_against_the_requests_queued_behind_it(server):
    # One sender on purpose: the second and third requests must wait for the slow first answer.
    offsets = [0.0, 0.01, 0.02]
    items = [(0, "slow", "/slow"), (0, "fast", "/fast"), (0, "fast", "/fast")]
    arrivals = OpenLoop(offsets, items, send_to(server), senders=1).run()

    first, second, third = arrivals
    assert [a.status for a in arrivals] == [200, 200, 200]
    # The schedule, not the sender, sets the intended times.
    assert second.intended - first.intended == pytest.approx(0.01)
    assert third.intended - first.intended == pytest.approx(0.02)
    # The queued requests were sent only once the slow answer came back ...
    assert second.sent >= first.answered
    assert third.sent >= second.answered
    # ... and their latency runs from the intended send time, so it carries the wait:
    assert second.latency == second.answered - second.intended
    assert second.latency >= SLOW_SECONDS - 0.01
    assert third.latency >= SLOW_SECONDS - 0.02
    assert second.latency > second.service  # the server's own time hides the queue; ours does not
    assert third.send_lag > 0.1

    summary = summarise_open(arrivals, measured_from=first.intended, seconds=1.0, late_ms=100)
    assert summary["late"] >= 2
    assert summary["pages"]["fast"]["requests_measured"] == 2
    assert summary["pages"]["fast"]["p50_ms"] >= (SLOW_SECONDS - 0.02) * 1000
    assert summary["errors"] == 0


def test_a_slow_answer_does_not_hold_up_the_next_send(server):
    # The first request is answered only once the second has reached the server, so the second
    # must have been sent while the first was still waiting for its answer.
    offsets = [0.0, 0.05]
    items = [(0, "gate", "/gate"), (0, "open", "/open")]
    gate, opener = OpenLoop(offsets, items, send_to(server), senders=4).run()

    assert gate.status == 200, "the gate timed out: the second request was never sent"
    assert opener.sent < gate.answered


def test_errors_are_counted_not_raised():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    arrivals = OpenLoop([0.0], [(0, "down", "/")], lambda item: fetch("127.0.0.1", port, "/", {})).run()
    summary = summarise_open(arrivals, measured_from=arrivals[0].intended, seconds=1.0, late_ms=10)
    assert arrivals[0].status == 0
    assert summary["errors"] == 1


def test_summary_counts_latency_from_the_intended_time():
    # Hand-made timestamps: intended 0, sent 2, answered 3 -> latency 3 s, service 1 s, late.
    arrivals = [
        Arrival(0, (0, "page", "/"), intended=10.0, sent=10.001, answered=10.011, status=200),
        Arrival(1, (0, "page", "/"), intended=10.5, sent=12.5, answered=13.5, status=200),
        Arrival(2, (0, "page", "/"), intended=9.0, sent=9.0, answered=9.5, status=500),  # warm-up
    ]
    summary = summarise_open(arrivals, measured_from=10.0, seconds=5.0, late_ms=10)
    page = summary["pages"]["page"]
    assert page["requests_measured"] == 2
    assert page["requests_all"] == 3
    assert page["errors"] == 1
    assert page["p99_ms"] == pytest.approx(3000)
    assert page["service_p95_ms"] == pytest.approx(1000)
    assert summary["late"] == 1
    assert summary["send_lag_ms"]["max"] == pytest.approx(2000)


def test_arrival_schedules():
    assert arrival_offsets(4, 1, "uniform") == [0.0, 0.25, 0.5, 0.75]
    poisson = arrival_offsets(100, 10, "poisson", seed=1)
    assert poisson == arrival_offsets(100, 10, "poisson", seed=1)  # the same schedule every run
    assert poisson != arrival_offsets(100, 10, "poisson", seed=2)
    assert poisson == sorted(poisson)
    assert poisson[0] >= 0 and poisson[-1] < 10
    assert 850 <= len(poisson) <= 1150  # 1,000 expected; sd 32
    assert arrival_offsets(0, 10) == []


def test_open_loop_plan_follows_the_closed_loops_rounds():
    specs = [
        {"username": "a", "pages": {"my_cases": [""], "case_overview": ["c1", "c2"]}},
        {"username": "b", "pages": {"case_overview": ["c3"]}},
    ]
    plan = open_loop_plan(specs, clients=2, count=8)
    assert [(number, page) for number, page, _url in plan] == [
        (0, "my_cases"),
        (1, "case_overview"),
        (0, "case_overview"),
        (1, "floor"),
        (0, "floor"),
        (1, "case_overview"),
        (0, "my_cases"),
        (1, "floor"),
    ]
    assert plan[1][2] == "/cases/c3/"
    assert plan[2][2] in {"/cases/c1/", "/cases/c2/"}


def test_the_summary_per_persona_splits_a_page_several_open():
    # The case overview opened by two personas: one line per page, and each persona's own share.
    arrivals = [
        Arrival(0, (0, "case_overview", "/"), intended=10.0, sent=10.0, answered=10.090, status=200),
        Arrival(1, (1, "case_overview", "/"), intended=10.1, sent=10.1, answered=10.120, status=200),
        Arrival(2, (1, "floor", "/"), intended=10.2, sent=10.2, answered=10.210, status=200),
        Arrival(3, (1, "case_overview", "/"), intended=10.3, sent=10.3, answered=10.330, status=500),
    ]
    summary = summarise_open(arrivals, measured_from=10.0, seconds=1.0, late_ms=10, labels=["officer", "person"])
    assert summary["pages"]["case_overview"]["requests_measured"] == 3
    assert summary["pages"]["case_overview"]["p95_ms"] == pytest.approx(90)
    by_persona = summary["by_persona"]
    assert by_persona["officer"]["case_overview"]["p95_ms"] == pytest.approx(90)
    assert by_persona["person"]["case_overview"]["p95_ms"] == pytest.approx(30)
    assert by_persona["person"]["case_overview"]["errors"] == 1
    assert "floor" not in by_persona["person"]  # always the analyst's: not a persona's page
    assert "by_persona" not in summarise_open(arrivals, measured_from=10.0, seconds=1.0, late_ms=10)


def test_only_pages_keeps_the_mix_of_an_older_tree():
    specs = [
        {"label": "officer", "pages": {"my_cases": [""], "directory_search": [""]}},
        {"label": "adviser", "pages": {"programme": ["exit"]}},
    ]
    assert only_pages(specs, ["my_cases", "case_overview"]) == [{"label": "officer", "pages": {"my_cases": [""]}}]
    assert specs[0]["pages"] == {"my_cases": [""], "directory_search": [""]}  # the personas file is left as it was
