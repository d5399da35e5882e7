# Homecoming — two commands set up everything on a fresh machine with Python 3.11:
#   make demo   install, build a demo database, serve the web app (make demo PORT=8001 HOST=0.0.0.0)
#   make test   install and run the whole suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo test test-sqlite test-postgres lint typecheck bench docs tour clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/homecoming demo --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m homecoming.testrun

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/homecoming docs-cli > docs/cli.md

tour: $(STAMP)
	$(BIN)/python -m homecoming.tour   # docs/tour.md and its pictures, from a fresh demo in Chromium

clean:
	rm -rf $(VENV) demo.sqlite3* .pytest_cache
