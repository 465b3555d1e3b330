# Quick start: `make demo` runs the offline demo eval; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
LOG_DIR ?= logs/demo
# docker/kaggle tests run and skip with a reason where there is no engine or no credentials
# (pytest's -ra, set in pyproject.toml, lists the reasons); slow ones are left out (`make
# test-slow` runs them; CI runs both). Four
# pytest-xdist workers: many tests wait on sandboxes and clocks rather than the CPU, so two
# workers per core of this 2-core machine keep both busy (about 2 min 45 s with 4); under xdist
# the controller prepares the demo data once, before the workers start (tests/conftest.py)
PYTEST_ARGS ?= -m "not slow" -n 4

.PHONY: demo test test-slow lint install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

demo: install
	$(BIN)/mle-inspect prepare --split demo
	$(BIN)/inspect eval mle_inspect/demo --solver mle_inspect/baseline --model none/none --log-dir $(LOG_DIR)
	$(BIN)/mle-inspect report --latest --samples $(LOG_DIR)
	@echo "Look at the trajectories with: $(BIN)/inspect view --log-dir $(LOG_DIR)"

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-slow: install-dev
	$(BIN)/python -m pytest -m "slow and not docker" -n 2

lint: install-dev
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(LOG_DIR) .pytest_cache .mypy_cache
