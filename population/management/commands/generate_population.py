"""Fill the database with a deterministic synthetic population (issue 6)."""

import datetime
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from population.calibration import ratios_text
from population.generator import USERNAME_PREFIX, Generator


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per 10 % otherwise."""

    WIDTH = 30

    def __init__(self, stream, label: str) -> None:
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        tenth = int(fraction * 10)
        if not self.tty and tenth == self.shown and done < total:
            return
        self.shown = tenth
        elapsed = time.monotonic() - self.started
        eta = elapsed / fraction - elapsed if fraction > 0 else 0.0
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{self.label} [{bar}] {done:,}/{total:,} {fraction:4.0%} elapsed {elapsed:5.0f}s eta {eta:5.0f}s"
        self.stream.write(("\r" + line) if self.tty else (line + "\n"))
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Generate a deterministic synthetic population of N cases from seed S. " + ratios_text()

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="Number of cases to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same rows.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The snapshot day (YYYY-MM-DD); default today. Fix it to reproduce a run on another day.",
        )
        parser.add_argument("--chunk", type=int, default=1000, help="Cases per transaction (default 1000).")

    def handle(self, *args, cases: int, seed: int, today, chunk: int, **options) -> None:
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
            raise CommandError("This database already holds a generated population; use a fresh database.")
        started = time.monotonic()
        generator = Generator(
            cases=cases, seed=seed, today=today, chunk_size=chunk, progress=Progress(sys.stderr, "cases")
        )
        rows = generator.run()
        seconds = time.monotonic() - started
        for label, count in rows.items():
            self.stdout.write(f"{label:32} {count:>12,}")
        self.stdout.write(f"Generated {cases:,} cases from seed {seed} in {seconds:.1f} s.")
