# Every target sets up what it needs: a fresh machine needs only python3 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed
OUT ?= out

.PHONY: install run test lint format bench clean-out fuzz train

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The ray extra too, so that the Ray engine test runs in CI instead of being skipped.
$(TEST_INSTALLED): pyproject.toml $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e ".[test,ray]"
	touch $@

install: $(INSTALLED)  ## create .venv and install cleaner (the `cleaner` command lands in .venv/bin)

run: $(INSTALLED)  ## clean the bundled example crawl into $(OUT)/example.jsonl
	$(BIN)/cleaner clean examples/crawl -o $(OUT)/example.jsonl
	@echo "Results: $(OUT)/example.jsonl  (one JSON record per document; try: head -c 600 $(OUT)/example.jsonl)"

test: $(TEST_INSTALLED)  ## run the test suite
	$(BIN)/pytest -q

lint: $(TEST_INSTALLED)  ## ruff lint and format check
	$(BIN)/ruff check cleaner tests bench fuzz train
	$(BIN)/ruff format --check cleaner tests bench fuzz train

format: $(TEST_INSTALLED)
	$(BIN)/ruff check --fix cleaner tests bench fuzz train
	$(BIN)/ruff format cleaner tests bench fuzz train

BENCH_ARGS ?=
bench: $(TEST_INSTALLED)  ## speed, memory and quality against trafilatura -> bench/results.md (BENCH_ARGS="--rss-mb 256" for a quicker run)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/metadata_agreement.py
	$(BIN)/python bench/learn_bench.py

# Fuzzing: atheris (libFuzzer) on decode, the whole pipeline, rule loading, gunzip and output paths.
# atheris is installed here, not as a dependency. A finding (crash-*, timeout-*, oom-*) lands in
# $(FUZZ_WORK)/findings and `make fuzz` fails; keep it as a regression test once fixed.
FUZZ_SECONDS ?= 600
FUZZ_WORK ?= fuzz/work
fuzz: $(TEST_INSTALLED)  ## fuzz for FUZZ_SECONDS (default 600) with atheris; findings in $(FUZZ_WORK)/findings
	$(BIN)/python -m pip install --quiet atheris
	mkdir -p $(FUZZ_WORK)/corpus $(FUZZ_WORK)/findings
	$(BIN)/python fuzz/fuzz_cleaner.py $(FUZZ_WORK)/corpus fuzz/seeds -max_total_time=$(FUZZ_SECONDS) \
		-timeout=30 -rss_limit_mb=3072 -artifact_prefix=$(FUZZ_WORK)/findings/ -print_final_stats=1

train: $(INSTALLED)  ## refit the text classifier -> cleaner/models/text_classifier.json (needs ../shared/dev; DATA=...)
	$(BIN)/python -m pip install --quiet -e ".[train]"
	$(BIN)/python -m train.train_classifier $(if $(DATA),--data $(DATA))
