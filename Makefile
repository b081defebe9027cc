# The two commands of the README:
#   make serve   set up (virtual environment, package) and serve the graph on http://127.0.0.1:8000/
#   make test    set up everything the tests need (Python packages; as root also Chromium,
#                Virtuoso and raptor2-utils from Debian), start Virtuoso, run every test.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve test setup setup-test system-packages lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python system-packages
	$(BIN)/pip install --quiet -e '.[test]'

system-packages:
	@bash scripts/install-system-packages.sh

serve: setup
	$(BIN)/thb-graph load
	$(BIN)/thb-graph serve --host $(HOST) --port $(PORT)

test: setup-test
	@bash scripts/run-tests.sh

lint: setup-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf var test-artifacts .pytest_cache
