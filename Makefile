# Two entry points, both safe to run on a fresh clone:
#   make start   set everything up and start JupyterLab on the course (HEADLESS=1 for no browser)
#   make test    set everything up and run every test
# `make start` installs the instructor tools (pip install -e '.[instructor]': JupyterLab,
# nbgrader with formgrader, frictionless); `make test` adds what the tests need ('.[test]').
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SUM     = $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
START_STAMP = $(VENV)/.installed-instructor-$(SUM)
STAMP   = $(VENV)/.installed-test-$(SUM)
PORT   ?= 8888
HEADLESS ?=
PYTEST_ARGS ?=

.PHONY: start test setup build lint clean

setup: $(STAMP)

$(START_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[instructor]'
	$(BIN)/course lab-settings
	@rm -f $(VENV)/.installed-instructor-*
	@touch $@

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/course lab-settings
	@rm -f $(VENV)/.installed-*
	@touch $@ $(START_STAMP)

start: $(START_STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --port=$(PORT) \
		$(if $(HEADLESS),--no-browser --ip=127.0.0.1,) \
		$(if $(filter 0,$(shell id -u)),--allow-root,) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

build: $(START_STAMP)
	$(BIN)/course build

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/ruff check course tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
