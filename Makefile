# The two commands a newcomer needs are `make run` and `make test`; `make setup` is their shared
# installation step. Everything runs from the repo root with the virtualenv in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PIP_QUIET := --quiet --disable-pip-version-check --no-warn-script-location

.PHONY: setup run test lint migrate demo assets bench clean

setup: $(VENV)/.installed node_modules/.installed static/css/app.css

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import flask, flask_sqlalchemy, govuk_frontend_jinja" 
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/css/app.css: node_modules/.installed static/build.mjs $(wildcard static/scss/*.scss)
	npm run --silent build

assets:
	npm run --silent build

migrate: setup
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

run: migrate
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static/govuk static/css/app.css
