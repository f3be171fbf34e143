# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
MYSQL_URL ?= mysql://root@127.0.0.1:3306/test
DEV_ENV := DJANGO_DEBUG=1 DJANGO_ENVIRONMENT=development

# Python 3.13 (the pinned .python-version, through pyenv), else 3.13 / 3.12 on PATH.
PYTHON ?= $(shell \
	want=$$(cat .python-version 2>/dev/null); \
	for c in "$$(pyenv root 2>/dev/null)/versions/$$want/bin/python" \
	         $$(ls -d $$(pyenv root 2>/dev/null)/versions/$$want.*/bin/python 2>/dev/null | sort -V | tail -1) \
	         python$$want python3.13 python3.12 python3; do \
		if [ -n "$$c" ] && command -v "$$c" >/dev/null 2>&1 && \
		   "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
			command -v "$$c"; break; \
		fi; \
	done)

.PHONY: help venv install run test test-fast test-postgres test-mysql lint format e2e bench bench-small serve-prod clean

help:
	@echo "make run          serve the back office with demo data on http://$(HOST):$(PORT)/admin/"
	@echo "make test         run the test suite on SQLite (DATABASE_URL=... for another database)"
	@echo "make test-fast    the same without the tests marked slow (the inner loop)"
	@echo "make test-postgres / test-mysql   the same suite on PostgreSQL / MariaDB"
	@echo "make lint         ruff"
	@echo "make e2e          browser tests in Debian's chromium"
	@echo "make bench        benchmarks at shop scale on PostgreSQL (bench-small: 1/100 scale)"
	@echo "make serve-prod   gunicorn with production settings"

$(STAMP): requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12+ found. Install Python 3.13 (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; \
	fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

venv install: $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py setup_roles
	$(DEV_ENV) $(PY) manage.py ensure_admin
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the tests marked slow (pyproject.toml). make test still runs them all.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-mysql: $(STAMP)
	DATABASE_URL=$(MYSQL_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The schemathesis run alone (make test runs it too): the API against its own OpenAPI schema.
.PHONY: schemathesis
schemathesis: $(STAMP)
	$(PY) -m pytest backoffice/tests/api/test_schemathesis.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles e2e/artifacts

# Browser tests: Debian's chromium (installed once when missing; CI runs as root) driven by
# Playwright, against a server the tests start on a fresh demo database. Never `playwright install`.
E2E_STAMP := $(VENV)/.e2e-installed
$(E2E_STAMP): requirements-e2e.txt $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-e2e.txt
	@touch $(E2E_STAMP)

e2e: $(E2E_STAMP)
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update && $$sudo apt-get install -y chromium chromium-driver; \
	fi
	$(PY) -m pytest e2e -p no:cacheprovider -p e2e.environment $(PYTEST_ARGS)

# Production settings under gunicorn (README.md, "Accounts and security"). Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS;
# for a try-out over plain http on this machine add DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0.
WORKERS ?= 3
serve-prod: $(STAMP)
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then \
		echo "DJANGO_SECRET_KEY is not set. Generate one with:" >&2; \
		echo "  $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 1; \
	fi
	DJANGO_DEBUG=0 $(PY) manage.py check --deploy
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn backoffice.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# Benchmarks (bench/, README.md "Benchmarks"): a dedicated PostgreSQL database, seeded once and reused.
bench: $(STAMP)
	$(PY) -m bench --scale full

bench-small: $(STAMP)
	$(PY) -m bench --scale small
