# Two commands for a newcomer: `make build` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-tests
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock

.PHONY: build serve test lint typecheck pytest bench browser schema messages clean

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

## Everything CI runs: lint, type check, unit, site and browser tests.
test: $(TESTS) browser lint typecheck pytest

lint: $(TESTS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TESTS)
	$(BIN)/mypy

pytest: $(TESTS)
	$(BIN)/python -m pytest

browser:
	scripts/ensure-chromium.sh

## Regenerate schema/srm_data.schema.json from the models.
schema: $(STAMP)
	$(BIN)/srm schema -o schema/srm_data.schema.json

## Update the label catalogues (srm_handbook/site/locales) from the templates and code.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

bench: $(TESTS)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf site .site-* .pytest_cache .mypy_cache .ruff_cache
