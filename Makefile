# Weave: `make run` serves the demo register; `make test` runs every check and test.
# Debian's own Python 3.11, whatever else is first on PATH: it is built with profile-guided
# and link-time optimisation, and lays out the PDF about a tenth quicker than a plain source
# build (docs/performance.md). PYTHON=… picks another.
PYTHON ?= /usr/bin/python3.11
VENV := .venv
BIN := $(VENV)/bin
# A .venv made by another interpreter is made again.
PYTHON_PATH := $(shell $(PYTHON) -c "import os, sys; print(os.path.realpath(sys.executable))" 2>/dev/null)
ifneq ($(wildcard $(VENV)/pyvenv.cfg),)
ifeq ($(shell grep -sx "executable = $(PYTHON_PATH)" $(VENV)/pyvenv.cfg),)
$(info $(VENV) was made by another Python than $(PYTHON): making it again)
$(shell rm -rf $(VENV))
endif
endif
HOST ?= 127.0.0.1
PORT ?= 8000
# Root installs system packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test system-deps run serve backup restore test lint

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --requirement requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --requirement requirements-test.txt
	touch $@

# The SSSOM reference toolkit judges Weave's SSSOM export in the tests; it lives in its own venv.
.venv-sssom/.done: requirements-sssom.txt
	$(PYTHON) -m venv .venv-sssom
	.venv-sssom/bin/pip install --quiet --requirement requirements-sssom.txt
	touch $@

## setup: a virtual environment in .venv with the pinned runtime dependencies
setup: system-deps $(VENV)/.runtime

## system-deps: Debian packages Weave needs (Python 3.11 with venv, Pango for WeasyPrint, and
## the PDF's fonts: DejaVu, with Droid Sans Fallback for Chinese and Japanese and Symbola for
## emoji and symbols where DejaVu has no glyph), installed only when missing
system-deps:
	@{ ldconfig -p | grep -q libpango-1.0 && $(PYTHON) -c "import ensurepip" 2>/dev/null \
		&& fc-list | grep -q "Droid Sans Fallback" && fc-list | grep -q Symbola; } \
		|| { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3.11 python3.11-venv \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-droid-fallback fonts-symbola; }

## run: set up, migrate, load the demo register and serve it on http://$(HOST):$(PORT)/
run: setup
	@[ -s .weave-demo-password ] || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > .weave-demo-password
	DEBUG=true $(BIN)/python manage.py migrate --no-input -v0
	@DEBUG=true WEAVE_DEMO_PASSWORD="$${WEAVE_DEMO_PASSWORD:-$$(cat .weave-demo-password)}" $(BIN)/python manage.py seed_demo
	@echo
	@echo "  Weave is running at http://$(HOST):$(PORT)/"
	@echo "  Log in at http://$(HOST):$(PORT)/accounts/login/ with a demo account printed above"
	@echo
	@# The worker runs imports in the background; it stops with the server.
	DEBUG=true $(BIN)/python manage.py weave_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## serve: production serving: gunicorn (WEB_CONCURRENCY workers of WEAVE_THREADS threads)
## with WhiteNoise and DEBUG off, after migrating and collecting the static files; the
## import worker runs beside it. Needs SECRET_KEY and ALLOWED_HOSTS (see the README).
serve: setup
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py weave_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn mapping.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} \
		--threads $${WEAVE_THREADS:-4} --graceful-timeout 20 --access-logfile - \
		--logger-class mapping.core.access_log.KeysHidden

## backup: the whole site (registers, editions, history, accounts, tokens) as one file in
## var/backups/, named by the time; restore with `make restore FILE=…` into an empty database
backup: setup
	@mkdir -p -m 700 var/backups
	$(BIN)/python manage.py backup --output var/backups/weave-$$(date -u +%Y%m%dT%H%M%SZ).json

restore: setup
	@[ -n "$(FILE)" ] || { echo "Say which backup: make restore FILE=var/backups/…json"; exit 2; }
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py restore "$(FILE)"

## setup-test: setup plus test tools: Debian's Chromium, poppler-utils, redis-server (two
## servers sharing one cache, tests/scaling) and wrk (the bench/ throughput figures)
setup-test: setup $(VENV)/.test .venv-sssom/.done
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null \
		&& command -v redis-server >/dev/null && command -v wrk >/dev/null \
		|| { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium poppler-utils redis-server wrk; }

## lint: ruff, formatting and migrations in step with the models
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings

## test: every check, then the whole test suite (DATABASE_URL picks PostgreSQL). The tests
## that need neither a browser nor processes of their own run in parallel, a file to a process
## (TEST_JOBS, by default one per core); then the browser and `live` tests one at a time,
## unless SERIAL_TESTS=no (CI leaves them out on PostgreSQL: they show nothing it changes).
TEST_JOBS ?= auto
SERIAL_TESTS ?= yes
test: lint
	$(BIN)/pytest --numprocesses $(TEST_JOBS) --dist loadfile -m "not browser and not live"
	@[ "$(SERIAL_TESTS)" = no ] || $(BIN)/pytest -m "browser or live"
