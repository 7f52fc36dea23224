"""Strict typing cannot quietly drop a module: access/, every services.py and every selectors.py.

The modules are found on disk and their options read through mypy's own config parser, so a
pattern that stops matching, a flag taken out of the strict list or a module moved into the
baseline (ignore_errors) fails here, not months later in review.
"""

from pathlib import Path

import pytest
from mypy.config_parser import parse_config_file
from mypy.main import define_options
from mypy.options import PER_MODULE_OPTIONS, Options

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "staticfiles", ".git", ".mypy_cache"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def strict_modules() -> list[str]:
    """Every module that must be strict: access/ (not its tests), each services.py and selectors.py."""
    found = set()
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if SKIPPED_DIRS.intersection(parts) or "tests" in parts:
            continue
        if parts[0] == "access" or path.name in {"services.py", "selectors.py"}:
            found.add(_module(path))
    return sorted(found)


def _options() -> Options:
    options = Options()
    parse_config_file(options, lambda: None, str(ROOT / "pyproject.toml"))
    return options


def _strict_flags() -> list[tuple[str, bool]]:
    """What mypy's --strict sets, by mypy itself (a flag a newer mypy adds joins the check)."""
    _, _, assignments = define_options()
    return assignments


def test_the_strict_modules_are_found() -> None:
    modules = strict_modules()
    assert "access.policy" in modules
    assert "access.decorators" in modules
    assert "cases.services" in modules
    assert "cases.selectors" in modules
    assert not any(".tests" in module for module in modules)


@pytest.mark.parametrize("module", strict_modules())
def test_module_is_checked_strictly(module: str) -> None:
    options = _options().clone_for_module(module)
    missing = [
        name
        for name, value in _strict_flags()
        if getattr(options, name) != value and (name in PER_MODULE_OPTIONS or name == "warn_redundant_casts")
    ]
    assert missing == [], f"{module} is not strict for {missing}: see [[tool.mypy.overrides]] in pyproject.toml"
    assert not options.ignore_errors, f"{module} is in the baseline (ignore_errors); strict modules never are"


def test_strict_is_not_switched_on_for_the_whole_project() -> None:
    """`strict = true` inside an override would turn the strict flags on everywhere (mypy's per-module quirk)."""
    options = _options()
    assert not options.disallow_untyped_defs
    assert options.check_untyped_defs
