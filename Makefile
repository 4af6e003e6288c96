# ShopSignal: `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Demo size: small enough to be serving in a couple of minutes on 2 cores.
DEMO_ARGS ?= --customers 3000 --products 400 --days 120

.PHONY: demo test serve worker beat services-check migrate seed venv chromium clean audit

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.dev

migrate: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo $(DEMO_ARGS) --if-empty
	$(PY) manage.py seed_payments --if-empty
	$(PY) manage.py seed_experiments --if-empty --no-progress
	$(PY) manage.py seed_bot_sessions
	$(PY) manage.py train bots --promote --if-enough-data --no-progress
	$(PY) manage.py score_bot_sessions --days 120 --no-rollups
	$(PY) manage.py train fraud --promote --if-enough-data --no-progress
	$(PY) manage.py train segments --promote --if-enough-data --no-progress
	$(PY) manage.py rebuild_rollups --no-progress
	$(PY) manage.py train recommendations --promote --if-enough-data --no-progress
	$(PY) manage.py train fair_price --if-enough-data --no-progress && $(PY) manage.py refresh_price_suggestions
	$(PY) manage.py train sentiment --promote --if-enough-data --no-progress && $(PY) manage.py analyze_reviews --no-progress
	$(PY) manage.py train chat_intents --no-progress
	$(PY) manage.py train tagging --promote --if-enough-data --no-progress && $(PY) manage.py search_refresh
	$(PY) manage.py import_data scored_transactions var/demo/live_payments.csv --no-progress
	$(PY) manage.py seed_abuse_cases
	$(PY) manage.py seed_alerts --if-empty && $(PY) manage.py train alerts --if-enough-data --no-progress
	$(PY) manage.py refresh_risk_scores
	$(PY) manage.py demo_users

demo: seed
	@echo "ShopSignal is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --workers 1

serve: $(VENV)/.runtime
	$(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT)

# Chromium comes from Debian (never a browser download); Playwright drives it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

# Known vulnerabilities with a fixed release in the installed (pinned) packages fail this (docs/security.md).
audit: $(VENV)/.dev
	$(PY) .ci/audit_deps.py

test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check apps ml tests config bench
	$(PY) -m pytest -q $(PYTEST_ARGS)

worker: $(VENV)/.runtime
	$(VENV)/bin/celery -A config worker -l info -Q celery,training

beat: $(VENV)/.runtime
	$(VENV)/bin/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

services-check: $(VENV)/.runtime
	$(PY) manage.py services_check

clean:
	rm -rf $(VENV) db.sqlite3* var staticfiles
