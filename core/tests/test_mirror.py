"""Tests mirror the code (issue 15, point 6): each app's services and selectors have their own test file."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_every_services_and_selectors_module_has_its_test_file():
    missing = [
        f"{module.parent.name}/tests/test_{module.stem}.py"
        for name in ("services", "selectors")
        for module in sorted(BASE_DIR.glob(f"*/{name}.py"))
        if (module.parent / "apps.py").exists() and not (module.parent / "tests" / f"test_{module.stem}.py").exists()
    ]
    assert missing == []
