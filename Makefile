# BTC Bazaar. Every target first runs the idempotent set-up (tools/setup.sh): .venv,
# npm packages, offline compiler, anvil network. See README.md.
SHELL := /bin/bash
NETWORK := --network bazaar-dev
VENV := $(CURDIR)/.venv/bin
BROWNIE := $(VENV)/brownie
# The venv first: it holds brownie, and .venv/bin/anvil when no anvil of the user's is on PATH.
export PATH := $(VENV):$(PATH)
# brownie's own network connect calls its deprecated rpc.snapshot; the warning is noise here.
export PYTHONWARNINGS := ignore:rpc.snapshot should not be called directly:FutureWarning

.PHONY: help setup compile test soak demo bench coverage lint format clean

help:
	@echo "make demo      deploy and play the BTC Bazaar story on a local anvil"
	@echo "make test      run the test suite (what CI runs)"
	@echo "make soak      the stateful invariant tests with 20x the steps of make test"
	@echo "make bench     measure gas per operation into reports/gas.json"
	@echo "make coverage  run the tests with coverage; prints per-contract percentages"
	@echo "make lint      ruff (lint + format check) and slither"
	@echo "make compile   compile the contracts"
	@echo "make setup     only the set-up (the targets above run it first)"

setup:
	@tools/setup.sh

compile: setup
	$(BROWNIE) compile
	$(VENV)/python -m tools.export_artifacts

test: setup
	$(BROWNIE) test $(NETWORK)

# The invariant machine with 20x the examples (BAZAAR_INVARIANT_SCALE; see tests/test_invariants.py).
# Its figures (steps, transactions, seconds) land in reports/invariants.json.
soak: setup
	BAZAAR_INVARIANT_SCALE=20 $(BROWNIE) test tests/test_invariants.py $(NETWORK) -rP

demo: setup
	$(BROWNIE) run scripts/demo.py $(NETWORK)

bench: setup
	$(BROWNIE) run scripts/bench.py --network bazaar-bench

coverage: setup
	$(BROWNIE) test --coverage $(NETWORK)

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/python -m tools.slither

format: setup
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

clean:
	rm -rf build reports/coverage.json reports/gas.json .pytest_cache .hypothesis
