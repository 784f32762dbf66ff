# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck knowledge pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/gigguard db upgrade
	$(BIN)/gigguard run

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

# The shared topic list is checked when it sits beside the repo (as on CI and dev machines).
knowledge: install
	$(BIN)/gigguard knowledge check $(if $(wildcard ../shared/faq/TOPICS.md),--topics ../shared/faq/TOPICS.md)

pytest: install
	$(BIN)/pytest -q

test: lint typecheck knowledge pytest

bench: install
	$(BIN)/python bench/faq_eval.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
