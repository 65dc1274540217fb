# Two commands for a newcomer: `make build` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-tests
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock

.PHONY: build serve test check-data lint typecheck pytest bench browser editor schema messages clean

# Building needs the package and its runtime dependencies only; the tests add their tools.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $(STAMP)

$(TESTS): $(STAMP)
	$(PIP) -e '.[test]'
	touch $(TESTS)

## Build the handbook from srm_data.yaml into site/ (a failed build leaves site/ as it was).
build: $(STAMP)
	$(BIN)/srm build --dest site

## Preview with live reload; edits to srm_data.yaml rebuild the site.
serve: $(STAMP)
	$(BIN)/mkdocs serve

## Everything CI runs: lint, type check, unit, site, browser and editor tests.
test: $(TESTS) browser editor lint typecheck pytest

## Only the checks of srm_data.yaml (valid, editor schema up to date, strict build, every
## view agrees, links resolve): they pass for any valid model; `make test` runs them too.
check-data: $(TESTS)
	$(BIN)/python -m pytest -m handbook_data

lint: $(TESTS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TESTS)
	$(BIN)/mypy

pytest: $(TESTS)
	$(BIN)/python -m pytest

browser:
	scripts/ensure-chromium.sh

editor:
	scripts/ensure-yaml-language-server.sh

## Regenerate the schemas: the format's (from the models), srm_data.yaml's own (its
## declared ids; run after adding or renaming a party, capability or category), srm.json's.
schema: $(STAMP)
	$(BIN)/srm schema -o schema/srm_data.schema.json
	$(BIN)/srm schema --for srm_data.yaml -o schema/srm_data.model.schema.json
	$(BIN)/srm schema --export -o schema/srm.schema.json

## Update the label catalogues (srm_handbook/site/locales) from the templates and code.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

bench: $(TESTS)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf site .site-* .pytest_cache .mypy_cache .ruff_cache
