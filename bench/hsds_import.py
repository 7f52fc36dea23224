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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overgang.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.hsds_data import generate  # noqa: E402
from directory.models import TaxonomyTerm  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    path = Path(tempfile.gettempdir()) / f"hsds-{count}.json"
    codes = sorted(TaxonomyTerm.objects.filter(life_area__isnull=False).values_list("code", flat=True))
    path.write_text(json.dumps(generate(count, codes)), encoding="utf-8")
    for label in ("first import", "rerun"):
        out = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        call_command("import_hsds", str(path), "--actor", "admin", "--every", "1000", stdout=out)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{label}: {seconds:.1f} s ({cpu:.1f} s CPU); {out.getvalue().strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
