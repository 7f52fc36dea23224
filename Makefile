# Overgang: `make run` and `make test` set up everything they need on a fresh machine.
# Debian's own python3.11 where there is one: an optimised build with the interpreter linked
# in, not loaded from libpython. The pages took 18 % less CPU on it than on this machine's
# pyenv build (a shared-library build without --enable-optimizations; bench/notes.md).
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),python3.11)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := overgang.settings

.PHONY: run test setup lint format migrate messages clean

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

migrate: setup
	$(PY) manage.py migrate --noinput

run: setup migrate
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Overgang runs at http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup lint $(CHROMIUM)
	OVERGANG_ENV=test $(VENV)/bin/pytest

# Regenerate and compile translations (needs GNU gettext: apt-get install gettext).
messages: setup
	$(PY) manage.py makemessages --locale nb --locale da --locale en --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

# The benchmark of issue 6: PostgreSQL on 127.0.0.1 (role overgang), 500 and 50,000 cases,
# gunicorn with production settings, a separate load generator (closed loop, and an open loop at
# the national peak rate); writes bench/RESULTS.md. BENCH_BEFORE=<git ref> benches that commit
# first and shows the two side by side (bench/run.py lists the other knobs).
.PHONY: bench
bench: setup
	$(PY) bench/run.py
