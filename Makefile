# One set of commands for developers and CI. Each target sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-lowest lint typecheck check bench record clean

# The package's bytecode is compiled once, as a non-editable install does: where Python may
# not write it (PYTHONDONTWRITEBYTECODE), every start would compile every module again.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

## demo: parse the bundled sample letters offline and write claimant letters to out/
demo: $(STAMP)
	$(BIN)/imr-llm parse --pretty examples/letters/*.txt
	$(BIN)/imr-llm summarize --offline examples/letters/*.txt --out out/results.jsonl --letters out/letters
	$(BIN)/imr-llm stats out/results.jsonl

## test: the whole suite, offline (cassettes replay, stand-in servers on 127.0.0.1)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## test-lowest: the suite again, with every dependency at its lower bound in pyproject.toml
LOWEST := .venv-lowest
test-lowest:
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip packaging
	$(LOWEST)/bin/python scripts/lowest_constraints.py pdf pandas > $(LOWEST)/lowest.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/lowest.txt -e '.[dev]'
	@# typer before 0.26 imports names click 8.3+ deprecates; harmless, and only here.
	$(LOWEST)/bin/python -m pytest -q -W "ignore:'click.utils.:DeprecationWarning"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_llm.py

## record: re-record the cassettes against a real server (see scripts/record_cassettes.sh)
record:
	bash scripts/record_cassettes.sh

clean:
	rm -rf $(VENV) $(LOWEST) out .pytest_cache .mypy_cache .ruff_cache
