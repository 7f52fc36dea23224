"""Every app's tests run: a tests package missing from pytest's testpaths would be skipped silently."""

import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_every_tests_package_is_in_testpaths():
    testpaths = set(
        tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    )
    packages = {path.parent.parent.name for path in BASE_DIR.glob("*/tests/__init__.py")}
    assert packages, "no tests packages found"
    assert packages <= testpaths, f"not run by `make test`: {sorted(packages - testpaths)}"
