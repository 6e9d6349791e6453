# kexie — two commands for a fresh machine:
#   make demo   install, migrate the embedded SQLite database, load demo data, serve on :8000
#   make test   install with the test dependencies and run the whole suite
# PostgreSQL instead of SQLite: KEXIE_DATABASE_URL=postgres://user@host:5432/db make test

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(shell scripts/find-python)
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: demo test test-browser install install-test serve migrate clean

$(BIN)/python:
	@test -n "$(PYTHON)" || (echo "No Python 3.12+ found" >&2; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/kexie compilemessages_polib
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/kexie migrate --noinput

# The worker runs beside the server (its log in var/worker.log): the daily refresh, reminders and
# mail happen in the demo as in production.
demo: migrate
	$(BIN)/kexie demo
	@mkdir -p var
	$(BIN)/kexie worker --no-reload --interval 5 >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/kexie serve $(ADDR)

serve: install
	$(BIN)/kexie serve $(ADDR)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS); status=$$?; [ $$status -eq 5 ] && echo "no tests ran" >&2; exit $$status

# The browser tests alone (Debian's /usr/bin/chromium; screenshots of failures in test-results/).
test-browser: install-test
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var test-results
