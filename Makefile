# Everything a fresh machine needs goes through these targets.
# The newest Python 3.11+ here: package code is parsed with the interpreter's own grammar, and
# 3.12 and later read syntax 3.11 cannot (see scripts/newest-python).
PYTHON ?= $(shell scripts/newest-python)
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install test lint typecheck check-docs docs demo bench

$(BIN)/capwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/capwatch

# The test command: lint, types, generated docs in step, then the whole suite on every core.
test: install lint typecheck check-docs
	$(BIN)/pytest -n auto -q

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# docs/rules.md and docs/capabilities.md are generated; README's --help block must match the CLI.
docs: install
	$(BIN)/capwatch rules -o docs/rules.md
	$(BIN)/capwatch capabilities -o docs/capabilities.md

check-docs: install
	$(BIN)/python scripts/check_docs.py

# The main job: scan a real package from the index and a slice of the malicious corpus.
demo: install
	$(BIN)/capwatch scan 'six==1.16.0' ../shared/corpus/malicious/adad --no-progress --fail-on never

bench: install
	$(BIN)/python benchmarks/bench_scan.py
