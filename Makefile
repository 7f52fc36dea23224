# Overgang: `make run` and `make test` set up everything they need on a fresh machine.
# Debian's own python3.11 where there is one: an optimised build with the interpreter linked
# in, not loaded from libpython. The pages took 18 % less CPU on it than on this machine's
# pyenv build (a shared-library build without --enable-optimizations; bench/notes.md).
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),python3.11)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := overgang.settings

.PHONY: run test suite setup lint typecheck format migrate messages clean pg-roles

# Stamp files keep a second `make run` from reinstalling anything.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
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

# PostgreSQL on this machine: the owner role overgang (runs migrations, creates the test
# databases), the app role overgang_app (LOGIN, owns nothing, creates nothing) and the database.
# Runs psql as the postgres superuser; idempotent.
PSQL_ADMIN ?= sudo -u postgres psql -v ON_ERROR_STOP=1 -qtA
pg-roles:
	echo "SELECT 'CREATE ROLE overgang LOGIN PASSWORD ''overgang'' CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'overgang') \\gexec" | $(PSQL_ADMIN)
	echo "SELECT 'CREATE ROLE overgang_app LOGIN PASSWORD ''overgang_app'' NOCREATEDB NOCREATEROLE NOSUPERUSER' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'overgang_app') \\gexec" | $(PSQL_ADMIN)
	echo "SELECT 'CREATE DATABASE overgang OWNER overgang' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'overgang') \\gexec" | $(PSQL_ADMIN)

run: setup migrate
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Overgang runs at http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
test: setup lint typecheck suite

# The tests alone, without the static checks: the date sweep of .ci/run runs them once per day,
# and lint and mypy read the code, not the date, so `make test` has run them already.
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
# first and shows the two side by side (bench/run.py lists the other knobs).
.PHONY: bench
bench: setup
	$(PY) bench/run.py
