# Every target sets up what it needs: a fresh machine needs only python3 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed
OUT ?= out

.PHONY: install run test lint format bench clean-out

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): pyproject.toml $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(INSTALLED)  ## create .venv and install cleaner (the `cleaner` command lands in .venv/bin)

run: $(INSTALLED)  ## clean the bundled example crawl into $(OUT)/example.jsonl
	$(BIN)/cleaner clean examples/crawl -o $(OUT)/example.jsonl
	@echo "Results: $(OUT)/example.jsonl  (one JSON record per document; try: head -c 600 $(OUT)/example.jsonl)"

test: $(TEST_INSTALLED)  ## run the test suite
	$(BIN)/pytest -q

lint: $(TEST_INSTALLED)  ## ruff lint and format check
	$(BIN)/ruff check cleaner tests bench
	$(BIN)/ruff format --check cleaner tests bench

format: $(TEST_INSTALLED)
	$(BIN)/ruff check --fix cleaner tests bench
	$(BIN)/ruff format cleaner tests bench

bench: $(TEST_INSTALLED)  ## speed and quality against trafilatura, written to bench/results.md
	$(BIN)/python bench/run.py
