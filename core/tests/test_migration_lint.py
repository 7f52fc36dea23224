"""The migration linter's exceptions (pyproject.toml) name real migrations, each with its reason (ASSURANCE #24)."""

import tomllib
from pathlib import Path

from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"


def test_every_excepted_migration_exists_and_says_why():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["django_migration_linter"]
    migrations = {path.stem for path in Path(settings.BASE_DIR).glob("*/migrations/0*.py")}
    assert config["ignore_name"], "no exceptions listed: drop this test with the list"
    assert set(config["ignore_name"]) <= migrations
    lines = PYPROJECT.read_text().splitlines()
    for name in config["ignore_name"]:
        [line] = [line for line in lines if line.strip().startswith(f'"{name}",')]
        assert "#" in line and len(line.split("#", 1)[1].strip()) > 10, f"{name}: say why"
    # other projects' migrations (django-axes, django-otp's devices), and only those
    assert config["exclude_apps"] == ["axes", "otp_static", "otp_totp"]
