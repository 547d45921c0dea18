PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The engine and the camt parser compiled with mypyc (hatch_build.py), rebuilt when their
# sources change; where that fails they run as pure Python, with the same results.
COMPILED := $(VENV)/.compiled
COMPILED_SOURCES := $(wildcard src/accord/matching/engine/*.py src/accord/ingest/parsers/camt/*.py)

.PHONY: demo test lint typecheck check bench clean

$(STAMP): requirements/lock.txt pyproject.toml hatch_build.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP) $(COMPILED)

$(COMPILED): $(STAMP) $(COMPILED_SOURCES)
	$(BIN)/python -c 'import hatch_build as h; h.compile_or_explain()'
	touch $(COMPILED)

demo: $(STAMP) $(COMPILED)
	$(BIN)/accord demo

test: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

LINT_PATHS := $(wildcard src tests bench migrations hatch_build.py)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache src/accord/_compiled
