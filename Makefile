# One-command set-up: every target creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
EXAMPLE := examples/acme-managed-services.yaml

.PHONY: demo test lint typecheck unit docs bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/sms-model assess $(EXAMPLE) --as-of 2026-11-27 --fail-on never

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

typecheck: $(STAMP_DEV)
	$(BIN)/mypy --strict src examples

unit: $(STAMP_DEV)
	$(BIN)/pytest

# Nitpicky (-n): every cross-reference must resolve. -E re-reads every page, so that a second run
# reports the warnings of pages that did not change since the first one.
docs: $(STAMP_DEV)
	$(BIN)/sphinx-build -n -W --keep-going -E -q -b html docs docs/_build/html

test: lint typecheck unit docs

# The benchmark's peer (pydantic, datamodel-code-generator) is not a dependency of the package.
STAMP_BENCH := $(VENV)/.installed-bench

$(STAMP_BENCH): benchmarks/requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

bench: $(STAMP_DEV) $(STAMP_BENCH)
	$(BIN)/python benchmarks/run.py

fuzz: $(STAMP_DEV)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/robustness -k fuzz

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist docs/_build

# Mutation testing of the rule modules and the gap detector (slow, so not part of `make test`):
# a kill score per module and the mutants no test killed. All modules by default (about three
# hours on two cores: graph/_gaps.py alone some 75 minutes, a rule module 5 to 25), or some:
#   make mutation MODULES="rules/builtin/_governance.py graph/_gaps.py"
STAMP_MUTATION := $(VENV)/.installed-mutation
MODULES ?=
MUTATION_JOBS ?= 2

.PHONY: mutation

$(STAMP_MUTATION): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	touch $@ $(STAMP_DEV) $(STAMP_RUN)

mutation: $(STAMP_MUTATION)
	$(BIN)/python scripts/mutation.py --jobs $(MUTATION_JOBS) $(MODULES)
