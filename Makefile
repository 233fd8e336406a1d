# Two entry points: `make demo` (build the archive from the offline replay and serve it) and
# `make test`. Each creates the virtual environment it needs; only Python 3.11 is required.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: demo demo-build test test-fast serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed        ## build archive.db from the replay, then serve it on 127.0.0.1:8001
	$(BIN)/cchc demo $(ARGS)

demo-build: $(VENV)/.installed  ## build archive.db from the replay only
	$(BIN)/cchc demo --no-serve $(ARGS)

test: $(VENV)/.installed-test   ## the whole suite, browser tests included
	bash ci/install-browser.sh
	$(BIN)/python -m pytest $(ARGS)

test-fast: $(VENV)/.installed-test  ## everything but the browser tests
	$(BIN)/python -m pytest -m "not browser" $(ARGS)

serve: $(VENV)/.installed
	$(BIN)/cchc serve

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm .pytest_cache
