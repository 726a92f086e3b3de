# Claimscope: `make run` serves the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell .ci/find-python)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench screenshots chromium lint format install install-dev clean

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@# The task worker (suggested tags for new uploads, corpus runs) runs beside the server
	@# and stops with it.
	DEBUG=1 $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev chromium
	SECRET_KEY=$${SECRET_KEY:-test-only-secret} $(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev chromium
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/ingest.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/api.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/review.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/export.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/annotate_page.py
	@# The load test needs PostgreSQL: gunicorn workers sharing one database.
	if [ -n "$${DATABASE_URL:-}" ]; then SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/load.py; fi
	if [ -n "$${DATABASE_URL:-}" ]; then SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/scale.py; fi
	$(PY) bench/segmenters.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/suggest.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/similar.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-secret} $(PY) bench/clusters.py

screenshots: $(VENV)/.installed-dev chromium
	$(PY) docs/screenshots.py

# The browser tests, the page benchmark and the screenshots drive Debian's Chromium.
chromium:
	@command -v $${CLAIMSCOPE_CHROMIUM:-/usr/bin/chromium} >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' or set CLAIMSCOPE_CHROMIUM" >&2; \
	    exit 1; \
	  fi; }

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) var/static build *.egg-info
