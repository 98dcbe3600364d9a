# Scout's tasks. `make help` lists them; `make demo` and `make test` set up everything they need.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= $(CURDIR)/var/demo
# Test processes (pytest-xdist): one a core of this project's 2-core machines; TEST_WORKERS=0
# runs the suite in one process. worksteal: an idle worker takes queued tests from a busy one.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist worksteal

.PHONY: help venv install browser tesseract demo test test-fast lint bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

venv: $(VENV)/.deps-installed ## Create .venv with Scout's dependencies

install: venv ## (Re)install Scout itself into .venv, as a user would (not editable)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --force-reinstall .
	@rm -rf build

browser: venv ## Make sure Playwright has a Chromium (its own, else Debian's package)
	@VENV=$(VENV) scripts/ensure-chromium.sh

tesseract: ## Make sure Tesseract is installed (OCR of numbers drawn as images; Debian's package)
	@scripts/ensure-tesseract.sh

demo: install browser tesseract ## Run the bundled demo end to end on SQLite (data in var/demo)
	SCOUT_DATA_DIR=$(DEMO_DIR) $(BIN)/scout demo

lint: venv ## ruff (lint, format), layers (import-linter), types (mypy), dependencies (deptry)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# the working tree, not the copy installed in .venv
	PYTHONPATH=$(CURDIR) $(BIN)/lint-imports
	PYTHONPATH=$(CURDIR) $(BIN)/mypy
	$(BIN)/deptry .

test: install browser tesseract lint ## Lint, then the whole test suite on SQLite and PostgreSQL
	@scripts/ensure-redis.sh  # the worker tests' task queue
	SCOUT_TEST_INSTALLED=1 $(BIN)/pytest $(PYTEST_PARALLEL)

test-fast: install ## The quick lane: no browser, PostgreSQL, process, scheduler or slow tests
	SCOUT_TEST_INSTALLED=1 $(BIN)/pytest $(PYTEST_PARALLEL) -m "not (browser or postgres or subprocess or scheduler or slow)"

bench: install browser tesseract ## Benchmarks: tables printed, JSON written to benchmarks/results/
	@scripts/ensure-redis.sh  # the scale benchmark's task queue
	BENCH=$(BENCH) $(BIN)/python benchmarks/run.py

clean: ## Remove the demo data, build leftovers and caches (keeps .venv)
	rm -rf var build *.egg-info .pytest_cache .ruff_cache .mypy_cache
