"""One clock: every "today" and "now" comes from django.utils.timezone, and OVERGANG_TODAY moves it."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.clock import SINCE_VARIABLE, machine_time, parse_today

BASE_DIR = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", ".git", "staticfiles", "__pycache__"}
#: Clocks other than Django's: each would read the machine's day, not the one the process lives on.
FORBIDDEN = re.compile(
    r"\b(?:datetime\.)?(?:date|datetime)\.(?:today|now|utcnow)\("
    r"|\btime\.(?:time|time_ns|localtime|gmtime)\(\)"
    r"|\bdatetime\.now\("
)


#: The clock itself (it reads the machine's time to hand a moved clock to another process) and this test.
CLOCK_MODULES = {Path("core/clock.py"), Path("core/tests/test_clock.py")}


def _python_files() -> list[Path]:
    files = []
    for path in BASE_DIR.rglob("*.py"):
        if SKIPPED_DIRS.isdisjoint(path.relative_to(BASE_DIR).parts):
            files.append(path)
    return files


def clock_reads(source: str) -> list[str]:
    """Return the lines of the source that read a clock other than django.utils.timezone."""
    return [line.strip() for line in source.splitlines() if FORBIDDEN.search(line)]


def test_the_scan_finds_every_kind_of_other_clock():
    for line in [
        "today = date.today()",
        "today = datetime.date.today()",
        "now = datetime.now(OSLO)",
        "now = datetime.datetime.now()",
        "now = datetime.datetime.utcnow()",
        "stamp = time.time()",
    ]:
        assert clock_reads(line) == [line], line
    assert clock_reads("now = timezone.now()\ntoday = timezone.localdate()") == []


def test_no_code_reads_another_clock():
    files = _python_files()
    assert len(files) > 100  # the scan reads the project, not an empty folder
    offenders = {
        str(path.relative_to(BASE_DIR)): reads
        for path in files
        if path.relative_to(BASE_DIR) not in CLOCK_MODULES and (reads := clock_reads(path.read_text()))
    }
    assert offenders == {}


def test_a_day_starts_at_ten_in_the_morning_in_oslo():
    moment = parse_today("2027-03-28")
    assert moment.isoformat() == "2027-03-28T10:00:00+02:00"  # summer time began in the night
    assert parse_today("2027-03-28T01:30").isoformat() == "2027-03-28T01:30:00+01:00"
    assert parse_today("2028-02-29T12:00:00+00:00").tzinfo == datetime.UTC


@pytest.mark.parametrize("value", ["tomorrow", "2027-02-30", "27-03-2027"])
def test_a_day_that_is_not_one_is_refused_by_name(value):
    with pytest.raises(ValueError, match="OVERGANG_TODAY"):
        parse_today(value)


def _django(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "OVERGANG_"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "overgang.settings", **env})
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_process_started_with_overgang_today_lives_on_that_day():
    result = _django(
        "from django.utils import timezone; print(timezone.localdate(), timezone.localtime().hour)",
        OVERGANG_TODAY="2027-03-27",
        OVERGANG_ENV="test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2027-03-27", "10"]


def test_production_refuses_to_start_with_a_moved_clock():
    secrets = {
        "OVERGANG_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "overgang.example",
        "OVERGANG_ID_KEY": "y" * 40,
    }
    moved = _django("print('started')", OVERGANG_TODAY="2027-03-27", **secrets)
    assert moved.returncode != 0
    assert "OVERGANG_TODAY" in moved.stderr
    # The same settings without the variable start (so the refusal is for the clock, not another reason).
    assert _django("print('started')", **secrets).stdout.strip() == "started"


def test_a_process_started_later_goes_on_from_where_the_clock_was_handed_over():
    # The browser tests' server workers and the commands they run start seconds apart, on a
    # loaded machine tens of seconds; each must live on the same clock, not start its own at
    # the moment it was handed (a gunicorn worker that started 20 s late once journaled the
    # changes it made before a meeting the command had booked a moment earlier).
    handed_over = "2027-03-27T10:00:00+01:00"
    an_hour_ago = repr(machine_time() - 3600)
    result = _django(
        "from django.utils import timezone; print(timezone.localtime().strftime('%Y-%m-%d %H'))",
        OVERGANG_TODAY=handed_over,
        OVERGANG_ENV="test",
        **{SINCE_VARIABLE: an_hour_ago},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2027-03-27 11"


def test_the_clock_runs_from_the_start_of_the_process_not_from_its_first_read():
    # time-machine starts a ticking clock at its first read. A gunicorn worker that served its
    # first request a while after it started lived that long behind the other worker (a
    # measure started by one was journaled after it was marked done by the other).
    handed_over = "2027-03-28T10:00:00+02:00"
    result = _django(
        "import os, time\n"
        "from core.clock import machine_time\n"
        "time.sleep(1.5)\n"  # a worker waiting for its first request; nothing reads the clock
        "from django.utils import timezone\n"
        f"since = float(os.environ['{SINCE_VARIABLE}'])\n"
        f"expected = {parse_today(handed_over).timestamp()!r} + machine_time() - since\n"
        "print(round(timezone.now().timestamp() - expected, 1))",
        OVERGANG_TODAY=handed_over,
        OVERGANG_ENV="test",
        **{SINCE_VARIABLE: repr(machine_time())},
    )
    assert result.returncode == 0, result.stderr
    assert abs(float(result.stdout)) < 1.0, result.stdout
