"""Measure the HSDS 3.0 import at 10,000 services (issue 21, "Measured"): first import, then a rerun.

    DATABASE_URL=sqlite:////tmp/hsds.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/hsds.sqlite3 .venv/bin/python bench/hsds_import.py [count]

Writes the generated file next to the database's temp dir, imports it as ``admin`` and prints the wall
time of each run and what it changed. Not part of the test suite (no timed assertions there).
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overgang.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from directory.models import TaxonomyTerm  # noqa: E402

NAMESPACE = uuid.UUID("0b7c1e36-5a0d-4a53-8a3e-6f0d0c2f9d41")
CITIES = ["Drammen", "Asker", "Bergen", "Trondheim", "Bodø", "Haugesund", "Tromsø", "Oslo", "Skien", "Hamar"]


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def generate(count: int) -> dict:
    codes = sorted(TaxonomyTerm.objects.filter(life_area__isnull=False).values_list("code", flat=True))
    contents = []
    for n in range(count):
        org = n // 5  # five services per organization, all in its city
        city = CITIES[org % len(CITIES)]
        code = codes[n % len(codes)]
        location = _id("location", org)
        contents.append(
            {
                "id": _id("service", n),
                "name": f"Tjeneste {n} i {city}",
                "description": f"Hjelp med {code} for deg som kommer ut fra fengsel, i {city}.",
                "status": "active",
                "organization": {
                    "id": _id("organization", org),
                    "name": f"Organisasjon {org}",
                    "description": f"Organisasjon {org} i {city}.",
                },
                "service_areas": [{"id": _id("area", n), "service_id": _id("service", n), "name": city}],
                "phones": [{"id": _id("phone", n), "service_id": _id("service", n), "number": f"+47 {10000000 + n}"}],
                "schedules": [
                    {
                        "id": _id("schedule", n),
                        "service_id": _id("service", n),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00",
                        "closes_at": "15:00",
                    }
                ],
                "service_at_locations": [
                    {
                        "id": _id("sal", n),
                        "service_id": _id("service", n),
                        "location_id": location,
                        "location": {
                            "id": location,
                            "location_type": "physical",
                            "name": f"Kontor {org}",
                            "addresses": [
                                {
                                    "id": _id("address", org),
                                    "location_id": location,
                                    "address_1": f"Storgata {org % 200 + 1}",
                                    "city": city,
                                    "state_province": "",
                                    "postal_code": "3000",
                                    "country": "NO",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
                "attributes": [
                    {
                        "id": _id("attribute", n),
                        "link_id": _id("service", n),
                        "link_type": "service",
                        "link_entity": "service",
                        "taxonomy_term_id": _id("term", code),
                        "taxonomy_term": {"id": _id("term", code), "code": code, "name": code, "description": code},
                    }
                ],
                "x_overgang": {"setting": "outside", "country": "NO", "source": "bench"},
            }
        )
    return {"hsds_version": "3.0", "total_items": count, "contents": contents}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    path = Path(tempfile.gettempdir()) / f"hsds-{count}.json"
    path.write_text(json.dumps(generate(count)), encoding="utf-8")
    for label in ("first import", "rerun"):
        out = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        call_command("import_hsds", str(path), "--actor", "admin", "--every", "1000", stdout=out)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{label}: {seconds:.1f} s ({cpu:.1f} s CPU); {out.getvalue().strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
