# The two set-up commands are `make run` and `make test`; both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE := auth gateway schema stakeholders demo tests bench alembic/env.py

.PHONY: run test bench soak schema clean

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
	$(BIN)/lint-imports
	$(BIN)/pytest

# PostgreSQL too when ACCORD_BENCH_DATABASE_URL is given (environment or `make bench VAR=...`).
bench: $(STAMP)
	ACCORD_BENCH_DATABASE_URL="$(ACCORD_BENCH_DATABASE_URL)" $(BIN)/python -m bench
	ACCORD_BENCH_DATABASE_URL="$(ACCORD_BENCH_DATABASE_URL)" $(BIN)/python -m bench.funding
	ACCORD_BENCH_DATABASE_URL="$(ACCORD_BENCH_DATABASE_URL)" $(BIN)/python -m bench.quality
	ACCORD_BENCH_DATABASE_URL="$(ACCORD_BENCH_DATABASE_URL)" $(BIN)/python -m bench.observatory
	ACCORD_BENCH_DATABASE_URL="$(ACCORD_BENCH_DATABASE_URL)" $(BIN)/python -m bench.live

# A few minutes: load on SQLite and PostgreSQL, 10,000 fuzzed requests, PostgreSQL killed
# mid-load (ACCORD_SOAK_DATABASE_URL for a server of yours; else an initdb of its own).
soak: $(STAMP)
	ACCORD_SOAK_DATABASE_URL="$(ACCORD_SOAK_DATABASE_URL)" $(BIN)/python -m bench.soak

schema: $(STAMP)
	$(BIN)/accord schema print > schema/schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
