"""Issue 23, "Measured": replay intake and release events through the integration API, twice.

The first pass sends N intake events and N release events (at short notice, today) from a
prison system's client; the second sends the same events with the same idempotency keys
and must change 0 rows. Prints events per second for each pass and the rows each changed.
The client, its token issuer (an RSA key made here, its JWKS in a temporary file) and
everything the events write live in one transaction that is rolled back at the end, so it
can run against any database holding a prison with a contact officer (the demo world):

    DATABASE_URL=postgres://... python bench/api_replay.py --events 500

Requests go through Django's test client (the whole middleware stack and the API, no
network). By default the events go in batches of 100 (``/api/events/batch``: one request,
one token check, one idempotency lookup for the batch, each event in its own savepoint);
``--batch 0`` sends one request per event, as before. ``make bench`` runs it at each size
(``BENCH_API_EVENTS``, ``BENCH_API_BATCH``).

Measured on 2026-12-06 (200 events, the 2-core machine at load ~2.5; bench/notes.md, "The
API replay"): the first pass 12.4-12.7 events/s before the batches and the query cuts, 18.4-18.8
after; the second 225-247 and 5,757-5,768 events/s, 0 rows changed. The target is 500/s: the
services' work per event (about 105 queries and 16 journal entries) bounds it, not the API.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
# First, always: run as a script, this folder comes first in sys.path, and its report.py would
# stand in for the report app (the bench of 2026-12-06 failed on "'report' is not a package").
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overgang.settings")

ISSUER = "https://issuer.bench/"
AUDIENCE = "https://overgang.bench/api"
#: The tables an event writes to; their row counts before and after the replay must agree.
COUNTED = [
    "cases.Case",
    "cases.Person",
    "cases.Membership",
    "journal.JournalEntry",
    "journal.AccessEvent",
    "handover.Transition",
    "release.ReadinessItem",
    "api.ReceivedEvent",
]


#: The kind of event each single-event address takes, as a batch names it.
KINDS = {"/api/events/intake": "intake", "/api/events/released": "released"}
BATCH_PATH = "/api/events/batch"


class Rollback(Exception):
    """Raised to leave the replay's transaction without keeping anything."""


@dataclass
class Pass:
    events: int
    seconds: float
    statuses: dict[int, int]
    rows_changed: int
    replayed: int

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _events(n: int, officer: str, today: datetime.date) -> list[tuple[str, str, dict[str, Any]]]:
    """N intake events; their release events follow once the case codes are known."""
    run = uuid.uuid4().hex[:8]
    return [
        (
            "/api/events/intake",
            f"bench-{run}-intake-{i}",
            {
                "first_name": f"Bench{i}",
                "last_name": f"Replay{run}",
                "birth_date": (today - datetime.timedelta(days=365 * 30 + i)).isoformat(),
                "home_municipality": "Bergen",
                "legal_status": "remand",
                "intake_date": (today - datetime.timedelta(days=10)).isoformat(),
                "contact_officer": officer,
            },
        )
        for i in range(n)
    ]


def _send(
    client: Any, token: str, events: list[tuple[str, str, dict[str, Any]]], batch: int = 0
) -> tuple[Pass, list[dict[str, Any]]]:
    """Send the events, one request each (``batch`` 0) or ``batch`` to a request; statuses are per event."""
    before = _counts()
    statuses: dict[int, int] = {}
    answers: list[dict[str, Any]] = []
    started = time.perf_counter()
    if batch:
        for start in range(0, len(events), batch):
            items = [
                {"kind": KINDS[path], "idempotency_key": key, **body}
                for path, key, body in events[start : start + batch]
            ]
            response = client.post(
                BATCH_PATH,
                json.dumps({"events": items}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            if response.status_code != 200:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + len(items)
                answers.extend({} for _item in items)
                continue
            for answer in response.json()["events"]:
                statuses[answer["status"]] = statuses.get(answer["status"], 0) + 1
                answers.append(answer if answer["status"] == 200 else {})
    else:
        for path, key, body in events:
            response = client.post(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY=key,
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            answers.append(response.json())
    seconds = time.perf_counter() - started
    after = _counts()
    changed = sum(abs(after[label] - before[label]) for label in COUNTED)
    replayed = sum(1 for answer in answers if answer.get("replayed"))
    return Pass(len(events), seconds, statuses, changed, replayed), answers


def replay(n: int, batch: int = 100) -> tuple[Pass, Pass]:
    """Send N intakes and N releases, then all 2N again; return both passes (in a rolled-back transaction)."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import get_resolver
    from django.utils import timezone

    from accounts.models import AgencyKind, Role, User
    from api.models import ApiClient, Scope

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    results: list[Pass] = []
    with tempfile.TemporaryDirectory() as folder:
        jwks = Path(folder) / "jwks.json"
        jwks.write_text(json.dumps({"keys": [{**public, "kid": "bench", "alg": "RS256", "use": "sig"}]}))
        with override_settings(
            OVERGANG_API_ENABLED=True,
            OVERGANG_API_ISSUER=ISSUER,
            OVERGANG_API_AUDIENCE=AUDIENCE,
            OVERGANG_API_JWKS_FILE=str(jwks),
            OVERGANG_API_JWKS_URL="",
        ):
            try:
                with transaction.atomic():
                    officer = (
                        User.objects.filter(is_active=True, role=Role.CONTACT_OFFICER, agency__kind=AgencyKind.PRISON)
                        .select_related("agency")
                        .order_by("pk")
                        .first()
                    )
                    if officer is None or officer.agency is None:
                        raise SystemExit("No active contact officer of a prison in this database.")
                    ApiClient.objects.create(
                        client_id="bench-prison-system",
                        name="Bench",
                        agency=officer.agency,
                        scopes=[Scope.EVENTS_WRITE],
                    )
                    now = timezone.now()
                    claims = {
                        "iss": ISSUER,
                        "aud": AUDIENCE,
                        "iat": now,
                        "exp": now + datetime.timedelta(hours=1),
                        "client_id": "bench-prison-system",
                        "scope": Scope.EVENTS_WRITE,
                    }
                    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "bench"})
                    client = Client(HTTP_HOST="127.0.0.1")  # the bench's production settings allow only it
                    # As a server does before its first request: load the URLconf (and the PDF renderer
                    # it imports, ~2 s), so that the passes time the events, not the process starting.
                    get_resolver().url_patterns  # noqa: B018 (the property loads it)
                    today = timezone.localdate()
                    intakes = _events(n, officer.username, today)
                    first_intakes, answers = _send(client, token, intakes, batch)
                    releases = [
                        (
                            "/api/events/released",
                            f"{intake_key}-released",
                            {
                                "case_code": answer["result"]["case_code"],
                                "released_on": today.isoformat(),
                                "reason": "Released by the court",
                            },
                        )
                        for (_path, intake_key, _body), answer in zip(intakes, answers, strict=True)
                        if answer.get("result")
                    ]
                    first_releases, _answers = _send(client, token, releases, batch)
                    first = Pass(
                        first_intakes.events + first_releases.events,
                        first_intakes.seconds + first_releases.seconds,
                        {
                            status: first_intakes.statuses.get(status, 0) + first_releases.statuses.get(status, 0)
                            for status in {*first_intakes.statuses, *first_releases.statuses}
                        },
                        first_intakes.rows_changed + first_releases.rows_changed,
                        first_intakes.replayed + first_releases.replayed,
                    )
                    second, _answers = _send(client, token, intakes + releases, batch)
                    results = [first, second]
                    raise Rollback
            except Rollback:
                pass
    return results[0], results[1]


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200, help="intake events (as many release events follow)")
    parser.add_argument(
        "--batch", type=int, default=100, help="events per request to /api/events/batch; 0: one request per event"
    )
    args = parser.parse_args()
    first, second = replay(args.events, args.batch)
    report = {
        "batch": args.batch,
        "first": {**first.__dict__, "events_per_second": round(first.per_second, 1)},
        "replay": {**second.__dict__, "events_per_second": round(second.per_second, 1)},
    }
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
