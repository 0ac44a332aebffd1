# Quick start: `make run` (demo server on http://127.0.0.1:$(PORT)) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# 127.0.0.1: this machine only; HOST=0.0.0.0 serves the room's network (see README).
HOST ?= 127.0.0.1
DEMO_ENV := DEMO_MODE=true

.PHONY: run serve test lint check-deploy clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) PORT=$(PORT) HOST=$(HOST) bash scripts/serve.sh

# pytest-xdist: one worker per CPU (PYTEST_WORKERS=0 runs in one process, e.g. to debug a test).
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy

# Back to a fresh demo: removes the demo's SQLite database, files and emails under var/ (never a DATABASE_URL
# database); the next `make run` loads the demo again.
clean-demo:
	@if [ -n "$$DATABASE_URL$$SQLITE_PATH$$MEDIA_ROOT" ]; then \
	  echo "clean-demo n'efface que la démo de var/ : retirez DATABASE_URL, SQLITE_PATH et MEDIA_ROOT." >&2; exit 1; fi
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
	rm -rf var/media var/mail
	@echo "Démo effacée : « make run » la recharge à neuf."

# `check --deploy` with production-like settings must print no warning.
check-deploy: $(VENV)/.installed
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=ndrc.example.fr DEBUG=false DEMO_MODE=false \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Load benchmark (bench/load/run.py; BENCHMARKS.md « Charge »): gunicorn + task worker + locust on a generated dataset.
# Examples: make bench-load LOAD_ARGS="--backend postgresql --reuse"; make bench-load LOAD_ARGS="--backend sqlite --writers 20"
LOAD_ARGS ?= --backend sqlite --preset small --users 20 --run-time 60s
.PHONY: bench-load
bench-load: $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python bench/load/run.py $(LOAD_ARGS)
