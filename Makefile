# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint screenshots browser node axe vnu oidc-provider install install-test migrate demo clean bench serve loadtest loadtest-faults loadtest-cluster haproxy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_questions
	$(PY) manage.py seed_demo

## run: the app with demo data on SQLite at http://127.0.0.1:8000
run: demo
	@echo ""
	@echo "Open http://127.0.0.1:8000 and sign in as pat (practitioner) or lee (service lead)."
	@echo "Password for every demo user: demo-password-2026. Administrator: admin, at http://127.0.0.1:8000/admin/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

## test: the whole suite (PostgreSQL when DATABASE_URL is set, else SQLite), in two processes; each browser test
## module runs whole in one of them, with its world and its browser (conftest.py says how they are handed out).
## Bytecode is kept between runs even where PYTHONDONTWRITEBYTECODE is set (as on these machines): each worker then
## skips recompiling and re-rewriting the test modules, about 1.3 s of its collection (__pycache__ is git-ignored).
test: install-test browser axe vnu oidc-provider
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist loadgroup

## screenshots: the browser tests again, keeping a screenshot of every page they open (test-results/), to look at.
screenshots: install-test browser axe vnu oidc-provider
	SCREENSHOTS=1 PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist loadgroup -m browser
	@echo "Screenshots are in test-results/ (screenshots/, journey/, organisation-sign-in/, print/)."

## browser: make sure Debian's headless Chromium is here for the browser tests (chromium-headless-shell: the same
## build as the chromium package, without the parts a screen needs), and poppler's pdftoppm, which turns the summaries
## printed to PDF into pages to look at (installed when we are root, as on CI).
browser:
	@{ command -v chromium-headless-shell && command -v pdftoppm; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing headless Chromium and poppler-utils for the browser tests (Debian's packages, about a minute)..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell poppler-utils >/dev/null; \
	  else \
	    echo "The browser tests need headless Chromium and poppler-utils. Install them with:"; \
	    echo "  sudo apt-get install -y chromium-headless-shell poppler-utils"; exit 1; \
	  fi; }

## node: Node and npm, which fetch the test tools below (axe-core, vnu.jar, the OpenID Connect provider), from Debian
## when they are missing and we are root.
node:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Node and npm for the test tools (Debian's packages)..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "The browser and sign-in tests need Node and npm. Install them with:  sudo apt-get install -y nodejs npm"; \
	    exit 1; \
	  fi; }

## axe: axe-core, the accessibility checker the browser tests run inside each page, from npm into .cache/axe/ (fetched
## again when AXE_VERSION changes). 4.14 checks a page in about four fifths of the time 4.12 took.
AXE_VERSION := 4.14.1
AXE_STAMP := .cache/axe/.version-$(AXE_VERSION)
axe: $(AXE_STAMP)

$(AXE_STAMP): | node
	@echo "Fetching axe-core $(AXE_VERSION) from npm..."
	@rm -rf .cache/axe && mkdir -p .cache/axe/tmp
	@cd .cache/axe/tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	@mv .cache/axe/tmp/package/axe.min.js .cache/axe/axe.min.js && rm -rf .cache/axe/tmp && touch $@

## vnu: the W3C Nu Html Checker for the browser tests (tests/browser/test_accessibility.py): vnu.jar from npm into
## .cache/vnu/ when it is missing, and Java (installed when we are root, as on CI).
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/vnu.jar
vnu: $(VNU_JAR)
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Java for the HTML check (Debian's package)..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else \
	    echo "The HTML check needs Java. Install it with:  sudo apt-get install -y openjdk-17-jre-headless"; exit 1; \
	  fi; }

$(VNU_JAR): | node
	@echo "Fetching the Nu Html Checker (npm vnu-jar@$(VNU_VERSION), about 30 MB)..."
	@rm -rf .cache/vnu/tmp && mkdir -p .cache/vnu/tmp
	@cd .cache/vnu/tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar xzf vnu-jar-$(VNU_VERSION).tgz
	@mv .cache/vnu/tmp/package/build/dist/vnu.jar $(VNU_JAR) && rm -rf .cache/vnu/tmp

## oidc-provider: the real OpenID Connect provider the sign-in tests start on 127.0.0.1 (tests/oidc_provider: panva's
## oidc-provider on Node), installed from its lock file.
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json
oidc-provider: $(OIDC_PROVIDER)

$(OIDC_PROVIDER): tests/oidc_provider/package.json tests/oidc_provider/package-lock.json | node
	cd tests/oidc_provider && npm ci --no-audit --no-fund --silent
	@touch $@

## lint: style, formatting, migrations in step with the models, and the import contract between the areas
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

## bench: seed synthetic data at a scale, then time the summary pages and a check-in submit.
## SCALE=default (a few minutes) or SCALE=national (PostgreSQL only). Uses DATABASE_URL when set,
## else a separate SQLite file. Use a scratch database: it adds a lot of data.
SCALE ?= default
BENCH_DATABASE_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),sqlite:///$(CURDIR)/bench.sqlite3)
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --scale $(SCALE)

$(VENV)/.installed-load: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[load]'
	touch $@

## serve: the production server (gunicorn, DEBUG off) on 127.0.0.1:$(PORT). Needs SECRET_KEY, DATABASE_URL, ...
PORT ?= 8000
serve: install
	PORT=$(PORT) PY=$(PY) scripts/serve

## loadtest: 40 practitioners and leads for 60 s against gunicorn on PostgreSQL, then check the database
loadtest: $(VENV)/.installed-load
	PY=$(PY) loadtest/run.sh normal

## loadtest-faults: the same, with PostgreSQL restarted in the middle of the run
loadtest-faults: $(VENV)/.installed-load
	PY=$(PY) loadtest/run.sh faults

## loadtest-cluster: three app servers behind haproxy (deploy/haproxy.cfg) on a private PostgreSQL primary and
## synchronous standby; scenarios one after another (a server killed, hung, restarted in turn; the database restarted,
## exhausted, failed over), each checked with loadtest/verify.py. About 9 minutes, loopback only; not part of CI.
## Needs root (it installs haproxy with apt-get, and runs PostgreSQL as the postgres user).
loadtest-cluster: $(VENV)/.installed-load haproxy
	PY=$(PY) $(PY) loadtest/cluster.py

haproxy:
	@command -v haproxy >/dev/null 2>&1 && command -v socat >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's haproxy and socat..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy socat >/dev/null || { \
	      DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy socat >/dev/null; }; \
	  else \
	    echo "The cluster load test needs haproxy and socat:  sudo apt-get install -y haproxy socat"; exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) tests/oidc_provider/node_modules db.sqlite3 bench.sqlite3 staticfiles loadtest/results
