# Two commands on a fresh machine with Python 3.11+ and make:  make run  /  make test
SHELL := /bin/bash
PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 \
	&& $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-stamp
DEV_STAMP := $(VENV)/.dev-stamp
MANAGE := $(BIN)/python manage.py
APP_DIRS := $(sort $(dir $(wildcard src/kaikukanta/*/apps.py)))
# `make test` runs the tests in this many processes (pytest-xdist), one test database each;
# TEST_WORKERS=0 runs them in this process. `worksteal` gives each process one half of the
# tests in order (a module's tests mostly stay together) and moves work when one runs out;
# not `loadscope`/`loadgroup`: they run only one of several tests sharing a node id
# (schemathesis makes one per API operation).
TEST_WORKERS ?= 2

.PHONY: setup setup-runtime run serve worker test lint messages bench clean

# Production installs requirements/runtime.txt only; development adds requirements/dev.txt.
$(RUNTIME_STAMP): pyproject.toml requirements/runtime.txt
	@test -n "$(PY)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/runtime.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): $(RUNTIME_STAMP) requirements/dev.txt
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	touch $(DEV_STAMP)

setup-runtime: $(RUNTIME_STAMP)

setup: $(DEV_STAMP)

# Production: gunicorn with deploy/gunicorn.conf.py. Needs SECRET_KEY, ALLOWED_HOSTS,
# DATABASE_URL and KAIKUKANTA_CARD_SIGNING_KEY in the environment (see docs/deploy.md);
# refuses to start without them.
serve: setup-runtime
	$(MANAGE) compiletranslations
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput
	exec $(BIN)/gunicorn --config deploy/gunicorn.conf.py kaikukanta.wsgi

# The background worker (same environment as serve): sends email, makes card-batch PDFs
# and starts the daily retention run. Tasks wait in PostgreSQL; no other broker.
worker: setup-runtime
	exec $(MANAGE) run_worker

run: setup-runtime
	KAIKUKANTA_DEMO=1 $(MANAGE) compiletranslations
	KAIKUKANTA_DEMO=1 $(MANAGE) migrate --noinput
	KAIKUKANTA_DEMO=1 $(MANAGE) load_demo
	KAIKUKANTA_DEMO=1 DEBUG=$${DEBUG:-0} $(MANAGE) runserver --insecure 127.0.0.1:8000

test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	KAIKUKANTA_TESTING=1 $(MANAGE) check --fail-level WARNING
	KAIKUKANTA_TESTING=1 $(MANAGE) makemigrations --check --dry-run
	KAIKUKANTA_TESTING=1 $(MANAGE) compiletranslations --check
	KAIKUKANTA_TESTING=1 $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the catalogs after changing texts (needs GNU gettext: apt-get install gettext).
# Each app keeps its own catalog in <app>/locale; the page frame's is src/kaikukanta/locale.
messages: setup
	for d in src/kaikukanta/locale $(addsuffix locale,$(APP_DIRS)); do mkdir -p $$d; done
	cd src/kaikukanta && KAIKUKANTA_TESTING=1 PYTHONPATH=.. ../../$(BIN)/django-admin \
		makemessages --settings=kaikukanta.settings -l fi -l sv -l en --no-obsolete

# The comparison table of bench/README.md; DATABASE_URL must name a PostgreSQL database
# filled by bench/stats_data.py (see bench/README.md). DuckDB is installed for it only.
bench: setup
	$(BIN)/python -m pip install -q -r requirements/bench.txt
	$(BIN)/python -m bench all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
