# Two commands for a fresh machine: `make run` and `make test`. On a bare Debian they need a few of Debian's packages
# (python3-venv; for the tests Node, Chromium, poppler and Java): installed here when you are root, otherwise the
# command stops at once with the one `apt-get install` line to run as root. README.md says more.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The port make run and make serve listen on, on 127.0.0.1.
PORT ?= 8000

# `make` alone makes .venv, as it always has.
.DEFAULT_GOAL := install

.PHONY: run test test-fast test-slow test-browser lint screenshots node axe vnu oidc-provider install install-test migrate demo \
	clean bench serve loadtest loadtest-faults loadtest-cluster restore-drill vendor

## Debian's packages, each with the shell test that shows it is here. python3-venv is needed only to make .venv.
HAS.python3-venv := test -x $(PY) || $(PYTHON) -c 'import ensurepip'
HAS.nodejs := command -v node
HAS.npm := command -v npm
HAS.chromium-headless-shell := command -v chromium-headless-shell
HAS.poppler-utils := command -v pdftoppm
HAS.default-jre-headless := command -v java
HAS.haproxy := command -v haproxy
HAS.socat := command -v socat
HAS.pgbackrest := command -v pgbackrest
HAS.postgresql := ls /usr/lib/postgresql/*/bin/initdb
HAS.postgresql-15-auto-failover := test -f /usr/lib/postgresql/15/lib/pgautofailover.so
HAS.pg-auto-failover-cli := command -v pg_autoctl
HAS.prometheus := command -v prometheus

## What each command needs from Debian. The browser tests run Debian's headless Chromium (chromium-headless-shell:
## the same build as the chromium package, without the parts a screen needs), turn the summaries printed to PDF into
## pages with poppler's pdftoppm, and check each page's HTML with vnu.jar on Java. Node and npm fetch the test tools
## (axe-core, vnu.jar) and run the OpenID Connect provider of the sign-in tests, which are in both halves. The slow
## tests run the restore drill, which needs PostgreSQL's server programs and pgBackRest, and a short
## make loadtest-cluster, which runs haproxy, pg_auto_failover and Prometheus.
PACKAGES.run := python3-venv
PACKAGES.loadtest-cluster := haproxy socat postgresql-15-auto-failover pg-auto-failover-cli prometheus
PACKAGES.test-fast := python3-venv nodejs npm
PACKAGES.restore-drill := postgresql pgbackrest
PACKAGES.test-slow := $(PACKAGES.test-fast) $(PACKAGES.restore-drill) $(PACKAGES.loadtest-cluster)
PACKAGES.test-browser := $(PACKAGES.test-fast) chromium-headless-shell poppler-utils default-jre-headless
PACKAGES.test := $(PACKAGES.test-browser) $(PACKAGES.restore-drill) $(PACKAGES.loadtest-cluster)
PACKAGES.node := nodejs npm
PACKAGES.vnu := default-jre-headless

## packages-NAME: the packages NAME needs, all checked at once. The missing ones are installed with apt-get when we are
## root (as on CI); otherwise make stops here, before anything else, with the one command a root user must run.
## (No sudo: a minimal Debian has none.)
PACKAGE_CHECKS := $(addprefix packages-,run test test-fast test-slow test-browser node vnu loadtest-cluster restore-drill)
.PHONY: $(PACKAGE_CHECKS)
$(PACKAGE_CHECKS): WHO = $(or $(MAKECMDGOALS),$*)
$(PACKAGE_CHECKS): packages-%:
	@missing=""; \
	$(foreach p,$(PACKAGES.$*),{ $(HAS.$(p)); } >/dev/null 2>&1 || missing="$$missing $(p)";) \
	if [ -z "$$missing" ]; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make $(WHO) needs Debian's$$missing: installing them with apt-get..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	else \
	  echo "make $(WHO) needs Debian packages that are not installed. As root, run:"; \
	  echo ""; \
	  echo "    apt-get update && apt-get install -y$$missing"; \
	  echo ""; \
	  echo "then run make $(WHO) again."; \
	  exit 1; \
	fi

$(VENV)/.installed: pyproject.toml | packages-run
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

## run: the app with demo data on SQLite at http://127.0.0.1:8000 (PORT to change it)
run: packages-run demo
	@echo ""
	@echo "Open http://127.0.0.1:$(PORT) and sign in as pat (practitioner) or lee (service lead)."
	@echo "Password for every demo user: demo-password-2026. Administrator: admin, at http://127.0.0.1:$(PORT)/admin/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (PostgreSQL when DATABASE_URL is set, else SQLite): test-fast, test-slow, then test-browser.
## Every package any of them needs is checked first, so a missing one stops the run before anything is installed.
## Each runs in two processes, a whole test module at a time (`--dist loadfile`), in the order tests/run_order.py sets
## (`--no-loadscope-reorder`): a module's world, built once, and a browser module's browser stay in one process.
## Bytecode is kept between runs even where PYTHONDONTWRITEBYTECODE is set (as on these machines): each worker then
## skips recompiling and re-rewriting the test modules, about 1.3 s of its collection (__pycache__ is git-ignored).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

test: packages-test test-fast test-slow test-browser

## test-fast: everything but the browser tests and the slow ones, the loop to run while working (under a minute on
## two cores: TESTING.md).
test-fast: packages-test-fast install-test oidc-provider
	$(PYTEST) -m "not browser and not slow"

## test-slow: the slow tests that need no browser (marker `slow`: servers and the OpenID Connect provider in new
## processes, CP-SAT searches, schema migrations, exhaustive sweeps, the restore drill, and a short
## make loadtest-cluster with the database's primary killed). Part of make test.
test-slow: packages-test-slow install-test oidc-provider
	$(PYTEST) -m "slow and not browser"

## test-browser: the browser tests alone (end-to-end, accessibility and HTML checks, printing).
test-browser: packages-test-browser install-test axe vnu oidc-provider
	$(PYTEST) -m browser

## screenshots: the browser tests again, keeping a screenshot of every page they open (test-results/), to look at.
screenshots: export SCREENSHOTS := 1
screenshots: test-browser
	@echo "Screenshots are in test-results/ (screenshots/, journey/, organisation-sign-in/, print/)."

## node: Node and npm, which fetch the test tools below and run the OpenID Connect provider of the sign-in tests.
## The provider (tests/oidc_provider: oidc-provider 8.x) needs Node 18.12 or newer, as its package.json says ("engines"):
## Debian 12's nodejs (18.20) will do.
NODE_MIN := 18.12
node: packages-node
	@version=$$(node -p process.versions.node); \
	[ "$$(printf '%s\n' $(NODE_MIN) "$$version" | sort -V | head -n 1)" = $(NODE_MIN) ] || { \
	  echo "The sign-in tests' OpenID Connect provider (tests/oidc_provider) needs Node $(NODE_MIN) or newer;"; \
	  echo "this machine has Node $$version ($$(command -v node)). Debian 12's nodejs package (18.20) is new enough."; \
	  exit 1; }

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
## .cache/vnu/ when it is missing, and Java.
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/vnu.jar
vnu: packages-vnu $(VNU_JAR)

$(VNU_JAR): | node
	@echo "Fetching the Nu Html Checker (npm vnu-jar@$(VNU_VERSION), about 30 MB)..."
	@rm -rf .cache/vnu/tmp && mkdir -p .cache/vnu/tmp
	@cd .cache/vnu/tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar xzf vnu-jar-$(VNU_VERSION).tgz
	@mv .cache/vnu/tmp/package/build/dist/vnu.jar $(VNU_JAR) && rm -rf .cache/vnu/tmp

## oidc-provider: the real OpenID Connect provider the sign-in tests start on 127.0.0.1 (tests/oidc_provider: panva's
## oidc-provider on Node), installed from its lock file. `node` is checked each time: a Node too old fails here, with
## a message, rather than in every sign-in test.
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json
oidc-provider: node $(OIDC_PROVIDER)

$(OIDC_PROVIDER): tests/oidc_provider/package.json tests/oidc_provider/package-lock.json | node
	cd tests/oidc_provider && npm ci --no-audit --no-fund --silent
	@touch $@

## vendor: static/vendor/nhsuk-frontend/ built again from the nhsuk-frontend package that scripts/nhsuk-frontend pins
## (its lock file): the script and images as published, the stylesheet without the Frutiger web font and without the
## rules of parts no page uses (scripts/nhsuk-frontend/build.mjs says how). Run it after using a new design-system
## component in a template; tests/web/test_vendored_css.py fails until then.
NHSUK_FRONTEND := scripts/nhsuk-frontend/node_modules/.package-lock.json
vendor: node $(NHSUK_FRONTEND)
	node scripts/nhsuk-frontend/build.mjs

$(NHSUK_FRONTEND): scripts/nhsuk-frontend/package.json scripts/nhsuk-frontend/package-lock.json | node
	cd scripts/nhsuk-frontend && npm ci --no-audit --no-fund --silent
	@touch $@

## lint: style, formatting, migrations in step with the models, the import contract between the areas, and types
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy assessments resilience_site devtools

## bench: seed synthetic data at a scale, then time the summary pages and CSVs (each against the floor: the same
## bytes, stored, for the same signed-in lead) and a check-in submit. In process first; then the same pages served
## (*_served_* lines): through gunicorn as `make serve` runs it (the app's worker, DEBUG off), which the benchmark
## starts on a free port of 127.0.0.1 and stops, one request at a time over HTTP, page and floor in turn.
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
serve: install
	PORT=$(PORT) PY=$(PY) scripts/serve

## loadtest: 40 practitioners and leads for 60 s against gunicorn on PostgreSQL, then check the database
loadtest: $(VENV)/.installed-load
	PY=$(PY) loadtest/run.sh normal

## loadtest-faults: the same, with PostgreSQL restarted in the middle of the run
loadtest-faults: $(VENV)/.installed-load
	PY=$(PY) loadtest/run.sh faults

## loadtest-cluster: three app servers behind haproxy (deploy/haproxy.cfg) on a private PostgreSQL under
## pg_auto_failover (a monitor, a primary and a synchronous standby, which the monitor promotes by itself); scenarios
## one after another (a server killed, hung, restarted in turn; connection slots exhausted; the primary killed or
## paused, the monitor down, the standby stalled), each checked with loadtest/verify.py. About 15 minutes, loopback
## only; not part of CI. The servers' /metrics are scraped by a private Prometheus (127.0.0.1:9490) during the run.
## Needs root (it runs PostgreSQL as the postgres user) and Debian's haproxy, socat, pg_auto_failover and prometheus
## (installed when missing; on a machine with systemd, Debian's prometheus package also starts its own service on
## :9090 and its node exporter on :9100, which this run does not use). CLUSTER_ARGS=--quick for one short failover
## (about 4 minutes).
loadtest-cluster: packages-loadtest-cluster $(VENV)/.installed-load
	PY=$(PY) $(PY) loadtest/cluster.py $(CLUSTER_ARGS)

## restore-drill: a private PostgreSQL archiving its WAL with pgBackRest; check-ins sent through the app, a base backup,
## a point in time T, more check-ins; then the primary killed, a restore to T into a scratch cluster, the app started on
## it with the keys from their own store, every check-in acknowledged before T checked there and readable, none after.
## Prints RPO and RTO (docs/reliability.md). Two to three minutes on a busy 2-core machine, loopback only; cleans up.
restore-drill: packages-restore-drill install
	PY=$(PY) $(PY) loadtest/restore_drill.py

clean:
	rm -rf $(VENV) tests/oidc_provider/node_modules scripts/nhsuk-frontend/node_modules db.sqlite3 bench.sqlite3 staticfiles loadtest/results
