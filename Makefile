# Everything a fresh machine with Python 3.11+ needs. DATABASE_URL / REDIS_URL are
# optional: without them an embedded PostgreSQL and Redis start under .local/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format browser clean-local

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m config.devstack run

test: $(STAMP) browser
	$(PY) -m config.devstack test $(ARGS)

bench: $(STAMP)
	$(PY) -m config.devstack bench

# Debian's Chromium for the Playwright browser tests (a browser download is not
# possible here, and Playwright drives the system one).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean-local:
	rm -rf .local
