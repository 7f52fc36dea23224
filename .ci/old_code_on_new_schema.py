"""The code before the newest schema change still serves the daily pages on the new schema (ASSURANCE #24).

During a deployment the migrations run first and the old code keeps serving until the new code
starts, so the old code must work on the new schema. Which old code: the main branch just before
the newest migration landed on it, that is the first parent of the last first-parent commit of
HEAD that added a migration file (``git log --first-parent --diff-filter=A -- '*/migrations/0*.py'``).
Where releases are tagged (``release/*``, each stop that landed: ``git tag release/<day>-<n> <commit>``),
the old code is the newest tagged release before HEAD instead: every migration since it is checked.

The script (``make old-code-check``):

1. migrates the database named by DATABASE_URL with the NEW code (this checkout) and loads the
   demo world with it (``seed_demo``, which skips a loaded one);
2. unpacks the OLD code from git (``git archive``) into a temporary folder;
3. runs, with the old code and the same packages, the daily pages as a contact officer of the
   demo world: the caseload, a case's overview and the case's timetable, and the person's own
   page; each must answer 200. Nothing is migrated by the old code.

Exit status 0 when every page answered 200; it prints each page with its status and time.
"""

from __future__ import annotations

import os
import subprocess  # git and manage.py with argument lists, no shell  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = "*/migrations/0*.py"

# Runs inside the old code: only URL names and demo users that every release since the
# timetable has had. Any exception or a status other than 200 fails the check.
SMOKE = r"""
import time
import django
django.setup()
try:  # staff give a second factor since issue 23: the old code's test client passes it, where it has one
    from core.tests.second_factor import Client
except ImportError:
    from django.test import Client
from django.urls import reverse
from accounts.models import User
from cases.models import Case

officer = User.objects.get(username="kari.kontakt")
# By the persona's login, not the first name: the database may hold generated people too (a
# `make run` history, or the retention check's population), and some of them are called Jonas.
case = Case.objects.filter(person__user__username="jonas").get()
staff, person = Client(), Client()
staff.force_login(officer)
person.force_login(User.objects.get(username="jonas"))
pages = [
    (staff, "caseload", reverse("cases:caseload")),
    (staff, "case overview", reverse("cases:overview", kwargs={"code": case.code})),
    (staff, "case timetable", reverse("timetable:case", kwargs={"code": case.code})),
    (staff, "what is due", reverse("timetable:due")),
    (person, "the person's case page", reverse("cases:overview", kwargs={"code": case.code})),
]
failed = 0
for client, name, url in pages:
    began = time.monotonic()
    status = client.get(url).status_code
    print(f"old code, new schema: {name:<24} {url:<40} {status} ({time.monotonic() - began:.2f} s)")
    failed += status != 200
raise SystemExit(1 if failed else 0)
"""


def run(command: list[str], cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, check=True, **kwargs)  # no shell: # noqa: S603  # nosec B603


def git(*args: str) -> str:
    return run(["git", *args], capture_output=True, text=True).stdout.strip()


def old_commit() -> str:
    """The previous release: the newest ``release/*`` tag before HEAD, else the main branch just
    before the newest migration landed."""
    try:
        tag = git("describe", "--tags", "--abbrev=0", "--match", "release/*", "HEAD^1")
    except subprocess.CalledProcessError:  # no tagged release before HEAD
        tag = ""
    if tag:
        return git("rev-parse", f"{tag}^{{commit}}")
    newest = git("log", "--first-parent", "--diff-filter=A", "-1", "--format=%H", "HEAD", "--", MIGRATIONS)
    if not newest:
        raise SystemExit("No commit added a migration: nothing to compare.")
    return git("rev-parse", f"{newest}^1")


def main() -> int:
    began = time.monotonic()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "overgang.settings"}
    old = old_commit()
    print(f"old code: {git('log', '-1', '--format=%h %ad %s', '--date=short', old)[:120]}")
    print("== the new code migrates and loads the demo world")
    owner = {**env, "DATABASE_URL": os.environ.get("MIGRATE_DATABASE_URL") or os.environ.get("DATABASE_URL", "")}
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=owner if owner["DATABASE_URL"] else env)
    # The personas' world without `make run`'s generated history: the retention check generates its
    # own population on this database next, and the generator refuses a second one.
    run([sys.executable, "manage.py", "seed_demo", "--history", "0"], env=env, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="overgang-old-") as folder:
        archive = Path(folder) / "old.tar"
        with archive.open("wb") as out:
            run(["git", "archive", "--format=tar", old], stdout=out)
        (Path(folder) / "code").mkdir()
        run(["tar", "-xf", str(archive), "-C", str(Path(folder) / "code")])
        print("== the old code serves the daily pages")
        done = subprocess.run(  # noqa: S603  # nosec B603
            [sys.executable, "-c", SMOKE], cwd=Path(folder) / "code", env=env, check=False
        )
    print(
        f"== old code on the new schema: {'passed' if done.returncode == 0 else 'FAILED'}"
        f" in {time.monotonic() - began:.0f} s"
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
