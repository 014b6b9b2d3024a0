# Turnout: `make run` for a local demo, `make test` for the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# The local demo runs with debugging on, over plain HTTP, on SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=1 HTTPS_ONLY=0
# The demo sends its email from the web process, to the console: no worker needed. Its pages
# are headed by the demo data's organisation, unless ORGANISATION_NAME and ORGANISATION_WEBSITE say otherwise.
DEMO_ENV := $(RUN_ENV) SEND_EMAIL_IMMEDIATELY=1 \
	ORGANISATION_NAME="$${ORGANISATION_NAME:-Connected by Data}" \
	ORGANISATION_WEBSITE="$${ORGANISATION_WEBSITE:-https://connectedbydata.org/}"

.PHONY: run test install install-test browser gettext messages compilemessages lint format migrate demo worker bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed compilemessages

install-test: $(VENV)/.installed-test browser node_modules/axe-core/axe.min.js compilemessages

# Translations: the catalogues (locale/*/LC_MESSAGES/django.po) are kept in git; their compiled
# .mo files are built here. `make messages` adds the code's new strings to the catalogues.
LOCALES := es eu
MO_FILES := $(foreach l,$(LOCALES),locale/$(l)/LC_MESSAGES/django.mo)

gettext:
	@command -v msgfmt >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)

compilemessages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | gettext
	msgfmt --check -o $@ $<

messages: gettext $(VENV)/.installed
	$(RUN_ENV) $(BIN)/python manage.py makemessages --no-obsolete --add-location=file \
		--ignore .venv --ignore node_modules --ignore 'static/vendor' --ignore bench --ignore tests \
		$(foreach l,$(LOCALES),-l $(l))

# Browser tests drive the system's Chromium; Playwright's own download is not used.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  Turnout is running at http://$(HOST):$(PORT)/events/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  login: organiser  password: turnout-demo"
	@echo ""
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Sends queued email (and retries) like production does; without EMAIL_HOST it prints to the console.
worker: migrate
	$(RUN_ENV) $(BIN)/python manage.py db_worker

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks against PostgreSQL (BENCH_DATABASE_URL); docs/performance.md explains them.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/registrations.py
	$(BIN)/python bench/growth.py
	$(BIN)/python bench/export.py --runs 7

# The README's screenshots (docs/screenshots/): the demo at phone size in each language, on a
# throwaway database; pngquant and optipng keep the files small.
screenshots: install-test
	@command -v pngquant >/dev/null 2>&1 && command -v optipng >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngquant optipng)
	$(BIN)/python docs/screenshots/take.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
