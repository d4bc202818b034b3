# The two set-up commands are `make run` and `make test`; both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE := auth gateway schema stakeholders tests alembic/env.py

.PHONY: run test schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/accord db upgrade
	$(BIN)/accord demo load
	$(BIN)/accord serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/accord schema print > schema/schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
