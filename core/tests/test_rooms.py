"""Each rule lives in its own room (issue #15, point 4): a rule spelled outside it fails here.

- Who sees what: only ``access/`` names the prison-staff roles (``LEAD_ROLES``) or reads
  whether a consent is active; the consent app itself writes and lists consents.
- Legal deadlines: only ``timetable/`` counts working days or the days until anonymisation
  (a page may name the period; it does not count the date).

The benchmark and the synthetic population (``bench/``, ``population/``) are tools that
build data in bulk; they are left out.
"""

import os
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", ".git", "migrations", "tests", "static", "locale", "bench", "population"}


def _sources() -> dict[str, str]:
    found = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS and not name.startswith(".")]
        for name in files:
            if name.endswith(".py") and name != "conftest.py":
                path = Path(folder) / name
                found[path.relative_to(ROOT).as_posix()] = path.read_text()
    return found


def _spelled(pattern: str, allowed: tuple[str, ...]) -> list[str]:
    sources = _sources()
    assert len(sources) > 100  # the project's modules were found
    return sorted(path for path, text in sources.items() if re.search(pattern, text) and not path.startswith(allowed))


def test_only_the_access_module_names_the_prison_staff_roles():
    assert _spelled(r"LEAD_ROLES\s*=|Role\.CONTACT_OFFICER,\s*Role\.SOCIAL_WORKER", ("access/", "accounts/")) == []


def test_only_the_access_module_and_the_consent_app_read_whether_a_consent_is_active():
    assert _spelled(r"withdrawn_at__isnull", ("access/", "consent/")) == []


def test_only_the_timetable_counts_working_days_or_the_days_to_anonymisation():
    counting = r"add_working_days\(|days=settings\.ANONYMISE_AFTER_DAYS"
    assert _spelled(counting, ("timetable/", "core/workdays.py", "overgang/")) == []
