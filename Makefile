# Two commands on a fresh machine: `make run` and `make test`. Both create .venv and install first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(or $(KPI766_DB),data/kpi766.duckdb)
INSTALLED := $(VENV)/.installed

.PHONY: install run demo test bench clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Serve the dashboard; build the demo database first when there is none, and its accounts (one per role, printed
# and written to data/demo-accounts.txt) when there is no account yet.
run: install
	test -f "$(DB)" || $(BIN)/python -m etl demo --db "$(DB)"
	$(BIN)/python -m access --db "$(DB)" demo-accounts
	$(BIN)/python app.py --db "$(DB)"

demo: install
	$(BIN)/python -m etl demo --db "$(DB)"

# every core for the tests that compute, then the browser tests alone (tests/conftest.py says why)
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not browser"
	$(BIN)/python -m pytest -m browser

bench: install
	set -e; for script in benchmarks/bench_*.py; do $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) benchmarks/work
