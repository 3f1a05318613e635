# Minka — everything from nothing: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export MINKA_DATA_DIR ?= $(CURDIR)/var
# Root installs system packages directly; other users go through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: run test test-sqlite test-postgres setup demo messages chromium postgresql pango clean bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser bundles built from npm packages (ODK Web Forms for web entry); not committed.
WEBFORM := build/static/collect/webform.js
$(WEBFORM): node_modules/.installed vite.config.mjs minka/collect/frontend/webform.js
	npm run --silent build >/dev/null

setup: $(VENV)/.installed node_modules/.installed $(WEBFORM) pango
	@mkdir -p $(MINKA_DATA_DIR)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

demo: setup
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Minka: http://$(HOST):$(PORT)/   demo users: admin coordinador tecnico municipal empresa credito comunidad evaluador   password: minka-demo"
	@echo ""
	@# The background worker (large exports) runs beside the server and stops with it.
	trap 'kill 0' EXIT; $(PY) manage.py db_worker --no-reload --interval 2 -v 0 & \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Catalogs are compiled and committed; run this after editing a .po file.
messages: $(VENV)/.installed
	cd minka && ../$(PY) ../manage.py compilemessages -v 0

# WeasyPrint (PDF reports) draws text with Pango.
pango:
	@/sbin/ldconfig -p | grep -q libpangoft2-1.0 || { $(APT) update -qq && $(APT) install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

chromium:
	@command -v chromium >/dev/null || { $(APT) update -qq && $(APT) install -y -qq chromium; }

postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq postgresql; }

# A suite takes a few minutes: one that hangs is stopped (after pytest's faulthandler has printed
# where every thread stood) instead of using CI's whole time; a lock waited for over two minutes
# on PostgreSQL is an error naming the statement.
SUITE_LIMIT ?= 1500

test: test-sqlite test-postgres

test-sqlite: $(VENV)/.installed node_modules/.installed $(WEBFORM) chromium pango
	$(PY) manage.py collectstatic --noinput -v 0
	MINKA_DATABASE_URL= timeout $(SUITE_LIMIT) $(PY) -m pytest -q

test-postgres: $(VENV)/.installed node_modules/.installed $(WEBFORM) chromium postgresql pango
	$(PY) manage.py collectstatic --noinput -v 0
	MINKA_DB_CONN_MAX_AGE=0 PGOPTIONS="-c lock_timeout=120s" timeout $(SUITE_LIMIT) scripts/with-postgres.sh $(PY) -m pytest -q

bench: $(VENV)/.installed postgresql
	$(PY) bench/territory_rollup.py
	$(PY) bench/ingest.py
	scripts/with-postgres.sh $(PY) bench/ingest.py
	scripts/with-postgres.sh $(PY) bench/portfolio.py
	scripts/with-postgres.sh $(PY) bench/analytics.py

clean:
	rm -rf $(VENV) node_modules var build
