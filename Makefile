# Overgang: `make run` and `make test` set up everything they need on a fresh machine.
# Debian's own python3.11 where there is one: an optimised build with the interpreter linked
# in, not loaded from libpython. The pages took 18 % less CPU on it than on this machine's
# pyenv build (a shared-library build without --enable-optimizations; bench/notes.md).
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),python3.11)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := overgang.settings

.PHONY: run test suite setup lint typecheck security format migrate messages clean pg-roles pg-fresh lock backup restore-drill retention-check migration-lint old-code-check

# Stamp files keep a second `make run` from reinstalling anything.
# requirements.txt is what production runs; requirements-dev.txt adds the test and development
# tools (and names the production packages again, at the same versions). Both are pinned with
# every file's hash, and pip refuses anything whose hash is not listed (--require-hashes); pip
# itself is among them. Production installs requirements.txt alone (README.md).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# The browser tests drive Debian's Chromium; install it when we can, else say how.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium: sudo apt-get install chromium" >&2; exit 1; \
	fi

# On PostgreSQL, migrations run as the owner role (MIGRATE_DATABASE_URL) and everything else as
# the app role (DATABASE_URL), which owns nothing (journal.roles). Without it, DATABASE_URL.
migrate: setup
	DATABASE_URL="$${MIGRATE_DATABASE_URL:-$$DATABASE_URL}" $(PY) manage.py migrate --noinput

# Backups and the restore drill (issue 24, ASSURANCE #22; core/drill.py). `make backup` writes
# one into backups/ (pg_dump --format=custom, or SQLite's online backup). `make restore-drill`
# backs up, restores into a scratch database (dropped after), compares every table's row count
# and checksum with the source, replays the deletion ledger and checks the journal's chain on the
# copy, one line per table; non-zero on any difference. As the owner role on PostgreSQL (it
# creates the scratch database).
backup: setup
	DATABASE_URL="$${MIGRATE_DATABASE_URL:-$$DATABASE_URL}" $(PY) manage.py backup

restore-drill: setup
	DATABASE_URL="$${MIGRATE_DATABASE_URL:-$$DATABASE_URL}" $(PY) manage.py restore_drill

# Issue 24's "Done when" at its size (retention/management/commands/retention_check.py): 2,000
# generated cases, an older backup, the 300 due ones anonymised with every figure unchanged, the
# older backup restored and replayed from the ledger with none of the 300 back. It adds the
# generated population to the database it runs on: CI's scratch database, never one that matters.
retention-check: setup
	DATABASE_URL="$${MIGRATE_DATABASE_URL:-$$DATABASE_URL}" $(PY) manage.py retention_check --cases 2000 --due 300

# Migrations that cannot break a running site (issue 24, ASSURANCE #24). `make migration-lint`:
# django-migration-linter on every migration, on PostgreSQL (on SQLite it flags the table rebuilds
# of even the first migrations); pyproject.toml [tool.django_migration_linter] lists the exceptions
# and why. `make old-code-check`: the code from before the newest migration serves the daily pages
# on the schema this code migrates to (.ci/old_code_on_new_schema.py says which commit and how).
migration-lint: setup
	DATABASE_URL="$${MIGRATE_DATABASE_URL:-$$DATABASE_URL}" DJANGO_SETTINGS_MODULE=overgang.settings_lint $(PY) manage.py lintmigrations --no-cache --quiet ok ignore

old-code-check: setup
	$(PY) .ci/old_code_on_new_schema.py

# PostgreSQL on this machine: the owner role overgang (runs migrations, creates the test
# databases), the app role overgang_app (LOGIN, owns nothing, creates nothing) and the database.
# Runs psql as the postgres superuser; idempotent.
PSQL_ADMIN ?= sudo -u postgres psql -v ON_ERROR_STOP=1 -qtA
pg-roles:
	echo "SELECT 'CREATE ROLE overgang LOGIN PASSWORD ''overgang'' CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'overgang') \\gexec" | $(PSQL_ADMIN)
	echo "SELECT 'CREATE ROLE overgang_app LOGIN PASSWORD ''overgang_app'' NOCREATEDB NOCREATEROLE NOSUPERUSER' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'overgang_app') \\gexec" | $(PSQL_ADMIN)
	echo "SELECT 'CREATE DATABASE overgang OWNER overgang' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'overgang') \\gexec" | $(PSQL_ADMIN)

# CI's database and the scratch copies a run makes of it, dropped: `overgang`, the test databases
# (test_overgang, one per test worker), the live-server tests' (overgang_live_<pid>) and the
# restore drill's (restored_<pid>_...). CI calls it before `make pg-roles`: its PostgreSQL cluster
# may outlive a run, and a run that failed half-way leaves a generated population behind, which
# the retention check refuses (it generates its own) and the old-code check would find beside the
# demo world. The bench's databases (overgang_bench_*) stay. As the superuser, so that WITH (FORCE)
# also ends autovacuum's workers.
pg-fresh:
	echo "SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE datname = 'overgang' OR datname LIKE 'test\\_overgang%' OR datname LIKE 'overgang\\_live\\_%' OR datname LIKE 'restored\\_%' \\gexec" | $(PSQL_ADMIN)

run: setup migrate
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Overgang runs at http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# bandit on the code that runs in production (pyproject.toml [tool.bandit] says what is left
# out and why): fails on any finding of medium or high severity not marked `# nosec BXXX` with
# its reason on the line. `make security LEVEL=low` lists the low ones too.
LEVEL ?= medium
security: setup
	$(VENV)/bin/bandit -c pyproject.toml -r . --severity-level $(LEVEL)

# Regenerate requirements.txt and requirements-dev.txt (pins and hashes) from the .in files
# after editing them; the versions already pinned stay unless an .in file asks for another
# (pip-compile --upgrade-package NAME moves one). From PyPI itself, not a local mirror.
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple
# pip-compile writes no extras (--strip-extras: requirements-dev.in reads requirements.txt as
# constraints, where pip refuses them); fonttools gets its woff extra back after (requirements.in).
lock: setup
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	sed -i 's/^fonttools==/fonttools[woff]==/' requirements.txt requirements-dev.txt

# mypy with django-stubs (pyproject.toml [tool.mypy]): the project at check_untyped_defs,
# access/, every services.py and selectors.py strict. The cache in .mypy_cache keeps a rerun short.
typecheck: setup
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Two workers (pytest-xdist), one per core of the CI machine; the tests that use the live
# server stay together on one of them (conftest.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: setup lint typecheck security suite

# The tests alone, without the static checks: the date sweep of .ci/run runs them once per day,
# and lint, mypy and bandit read the code, not the date, so `make test` has run them already.
suite: setup $(CHROMIUM)
	OVERGANG_ENV=test $(VENV)/bin/pytest --numprocesses $(TEST_WORKERS) --dist loadgroup

# Regenerate and compile translations (needs GNU gettext: apt-get install gettext).
# Django's makemessages reads the Python code only: it cannot parse Jinja2. Babel's Jinja2
# extractor reads the templates (babel.cfg: _("...") and {% trans %} blocks). The two templates
# are joined (msgcat), and each language's django.po is merged with the result (msgmerge), which
# keeps every translation whose msgid is still used; then the catalogues are compiled.
LANGUAGES := nb da en
messages: setup
	$(PY) manage.py makemessages --keep-pot --extension py $(addprefix --locale ,$(LANGUAGES)) --ignore '.venv/*' --ignore 'node_modules/*'
	$(VENV)/bin/pybabel --quiet extract -F babel.cfg -o locale/jinja2.pot .
	msgcat --use-first --sort-by-file locale/django.pot locale/jinja2.pot -o locale/all.pot
	for language in $(LANGUAGES); do \
		msgmerge --quiet --update --backup=none --previous locale/$$language/LC_MESSAGES/django.po locale/all.pot || exit 1; \
	done
	rm locale/django.pot locale/jinja2.pot locale/all.pot
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .mypy_cache

# The benchmark of issue 6: PostgreSQL on 127.0.0.1 (role overgang), 500 and 50,000 cases,
# gunicorn with production settings, a separate load generator (closed loop, and an open loop at
# the national peak rate); writes bench/RESULTS.md. BENCH_BEFORE=<git ref> benches that commit
# first and shows the two side by side; issue 15's: BENCH_BEFORE=c0f4a07 BENCH_BEFORE_BENCH=d765e67
# (the tree before the change, with the bench that drove it then; bench/run.py lists the other knobs).
.PHONY: bench
bench: setup
	$(PY) bench/run.py
