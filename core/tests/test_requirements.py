"""Production installs requirements.txt alone; the test and development tools are not in it.

requirements.txt (what production runs) and requirements-dev.txt (the tools, and the production
packages again) are compiled by pip-compile from requirements.in and requirements-dev.in, every
version pinned and every file's hash listed (issue 24, ASSURANCE #27). These tests read the two
files and the application's code; no network.

Every module the application imports, at the top of a module or inside a function, must come
from the standard library, from the project, or from a distribution requirements.txt pins
(directly or as a dependency of one). The tests, their helpers and bench/ are not application
code; the migrations are (they run in production).
"""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_APPLICATION = {".venv", "node_modules", "staticfiles", "bench", "tests", ".git", ".mypy_cache"}

#: Test and development tools: none may be in requirements.txt.
TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "hypothesis",
    "playwright",
    "time-machine",
    "aiosmtpd",
    "mypy",
    "django-stubs",
    "ruff",
    "babel",
    "bandit",
    "pip-audit",
    "pip-tools",
}

#: Imports of a development tool the application may make, each only where production cannot
#: reach it: (module, imported name) -> why.
DEVELOPMENT_ONLY_IMPORTS = {
    ("core/clock.py", "time_machine"): "only when OVERGANG_TODAY is set, and production settings refuse it",
}

#: Packages production needs that no module imports by name: the database driver
#: (dj_database_url picks Django's PostgreSQL backend, which imports psycopg), the WSGI server,
#: and the password hasher's library (Django's Argon2PasswordHasher imports argon2).
NEEDED_WITHOUT_IMPORT = {"psycopg", "psycopg-binary", "gunicorn", "argon2-cffi"}

REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(filename: str) -> dict[str, str]:
    """The distributions a compiled requirements file pins, each checked to carry a hash."""
    text = (ROOT / filename).read_text()
    found: dict[str, str] = {}
    # One requirement per logical line: continuation lines carry its hashes.
    for entry in re.sub(r"\\\n\s*", " ", text).splitlines():
        entry = entry.strip()
        if not entry or entry.startswith(("#", "-")):
            continue
        match = REQUIREMENT.match(entry)
        assert match, f"{filename}: not pinned to one version: {entry!r}"
        assert "--hash=sha256:" in entry, f"{filename}: {match[1]} has no hash"
        found[normalise(match[1])] = match[3]
    return found


def application_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not NOT_APPLICATION & set(path.relative_to(ROOT).parts)
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    )


def imported_names(tree: ast.Module) -> set[str]:
    """The top-level names of every import the module can execute (not those for type checkers)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def project_names() -> set[str]:
    return {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()} | {
        path.stem for path in ROOT.glob("*.py")
    }


def test_both_files_pin_every_requirement_with_hashes() -> None:
    production, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert len(production) > 20
    assert len(development) > len(production)


def test_development_installs_production_at_the_same_versions() -> None:
    production, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {name: development.get(name) for name in production} == production


def test_no_test_or_development_tool_installs_in_production() -> None:
    production, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert TOOLS & set(production) == set()
    assert TOOLS - set(development) == set()


def test_packages_needed_without_an_import_are_in_production() -> None:
    assert NEEDED_WITHOUT_IMPORT - set(pins("requirements.txt")) == set()


def test_every_import_of_the_application_comes_from_production_requirements() -> None:
    production = set(pins("requirements.txt"))
    distributions = metadata.packages_distributions()
    project = project_names()
    modules = application_modules()
    assert len(modules) > 150
    unresolved = []
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        for name in sorted(imported_names(ast.parse(path.read_text(), relative))):
            if name in sys.stdlib_module_names or name in project:
                continue
            if (relative, name) in DEVELOPMENT_ONLY_IMPORTS:
                continue
            owners = {normalise(owner) for owner in distributions.get(name, [])}
            if not owners & production:
                unresolved.append(f"{relative}: import {name} ({', '.join(sorted(owners)) or 'not installed'})")
    assert unresolved == []


def test_settings_name_only_modules_production_installs() -> None:
    """INSTALLED_APPS, MIDDLEWARE and the like name modules as strings, which no import shows."""
    production = set(pins("requirements.txt"))
    distributions = metadata.packages_distributions()
    project = project_names()
    dotted: list[str] = [
        *settings.INSTALLED_APPS,
        *settings.MIDDLEWARE,
        *settings.AUTHENTICATION_BACKENDS,
        *settings.PASSWORD_HASHERS,
        *(str(template["BACKEND"]) for template in settings.TEMPLATES),
    ]
    unresolved = []
    for name in {entry.split(".")[0] for entry in dotted}:
        if name in sys.stdlib_module_names or name in project:
            continue
        if not {normalise(owner) for owner in distributions.get(name, [])} & production:
            unresolved.append(name)
    assert unresolved == []


def test_the_exceptions_are_still_needed() -> None:
    """Each development-only import listed above is still made where it says (or the entry goes)."""
    for relative, name in DEVELOPMENT_ONLY_IMPORTS:
        tree = ast.parse((ROOT / relative).read_text())
        module_level = {
            alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names
        }
        assert name not in module_level, f"{relative} imports {name} at the top: production would need it"
        assert name in imported_names(tree)
