# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lock lint typecheck knowledge pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Exact versions with hashes from the lock file; gigguard itself on top, without resolving again.
$(STAMP): $(BIN)/python requirements-dev.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Refresh both lock files from the ranges in pyproject.toml, with uv (installed from PyPI into
# the venv). The runtime lock is constrained by the dev lock, so both pin the same versions.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' --quiet
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(LOCK) --extra dev --upgrade -o requirements-dev.lock
	$(LOCK) -c requirements-dev.lock -o requirements.lock

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
