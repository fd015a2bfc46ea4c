# BTC Bazaar. Every target first runs the idempotent set-up (tools/toolchain/setup.sh): .venv,
# npm packages, offline compiler, anvil network. See README.md.
SHELL := /bin/bash
NETWORK := --network bazaar-dev
# Mutants run their tests here (their own anvil; BAZAAR_TEST_NETWORK when set): not on a
# network that make test uses at the same time.
MUTATION_NETWORK ?= $(or $(BAZAAR_TEST_NETWORK),bazaar-dev)
VENV := $(CURDIR)/.venv/bin
BROWNIE := $(VENV)/brownie
BENCH := $(BROWNIE) run scripts/bench.py --network bazaar-bench
# The venv first: it holds brownie, and .venv/bin/anvil when no anvil of the user's is on PATH.
export PATH := $(VENV):$(PATH)
# brownie's own network connect calls its deprecated rpc.snapshot; the warning is noise here.
export PYTHONWARNINGS := ignore:rpc.snapshot should not be called directly:FutureWarning

.PHONY: help setup compile test soak demo shop page bench gas-baseline coverage lint typecheck mutation format clean

help:
	@echo "make demo      deploy and play the BTC Bazaar story on a local anvil"
	@echo "make shop      a local shop in your browser: anvil, the suite, seeded listings, bazaar serve"
	@echo "make test      contract size and gas baseline gates (runs the benchmark), then the test suite (what CI runs)"
	@echo "make soak      the stateful invariant tests with 20x the steps of make test"
	@echo "make bench     measure gas per operation into reports/gas.json"
	@echo "make gas-baseline  accept reports/gas.json as reports/gas-baseline.json (commit it)"
	@echo "make coverage  run the tests with coverage; fails if a non-mock contract is under 95 %"
	@echo "make lint      ruff (lint + format check), slither, ERC conformance, contract sizes"
	@echo "make typecheck mypy, strict, on the bazaar package"
	@echo "make mutation  mutation testing of the oracle and the marketplace (MUTATION_ARGS=...)"
	@echo "make compile   compile the contracts"
	@echo "make page      rebuild the storefront page (web/) into bazaar/server/static (commit it)"
	@echo "make setup     only the set-up (the targets above run it first)"

setup:
	@tools/toolchain/setup.sh

compile: setup
	$(BROWNIE) compile
	$(VENV)/python -m tools.toolchain.export_artifacts

# The gates first: contract sizes on a fresh build, then gas: the benchmark measures every
# operation on its own anvil and tools/gates/gas_check.py fails on any that grew over 2 % against
# the committed reports/gas-baseline.json. Then the suite.
test: setup
	$(BROWNIE) compile
	$(VENV)/python -m tools.gates.contract_sizes
	$(BENCH)
	$(VENV)/python -m tools.gates.gas_check
	$(BROWNIE) test $(NETWORK)

# The invariant machine with 20x the examples (BAZAAR_INVARIANT_SCALE; see tests/invariant/test_invariants.py).
# Its figures (steps, transactions, seconds) land in reports/invariants.json.
soak: setup
	BAZAAR_INVARIANT_SCALE=20 $(BROWNIE) test tests/invariant/test_invariants.py $(NETWORK) -rP

demo: setup
	$(VENV)/python -m tools.local.demo

# SHOP_ARGS=--port 8001, say, when 8000 is taken.
shop: setup
	$(VENV)/python -m tools.local.shop $(SHOP_ARGS)

page: setup
	node web/build.mjs

bench: setup
	$(BENCH)
	$(VENV)/python -m tools.local.index_bench
	$(VENV)/python -m tools.local.storefront_bench

# After make bench, when an operation's gas moved on purpose: commit the new baseline with
# the change that moved it.
gas-baseline: setup
	$(VENV)/python -m tools.gates.gas_check --update

coverage: setup
	$(BROWNIE) test --coverage $(NETWORK)
	$(VENV)/python -m tools.gates.coverage_gate

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/python -m tools.gates.slither
	$(VENV)/python -m tools.gates.erc_check
	$(BROWNIE) compile
	$(VENV)/python -m tools.gates.contract_sizes

typecheck: setup
	$(VENV)/mypy

# slither-mutate's mutants of the oracle, the marketplace and their libraries, each run against
# its tests in a temporary copy (tools/gates/mutate.py; about 30 s a mutant). A sample that fits
# in 40 minutes:
#   make mutation MUTATION_ARGS="--max 30 --budget-minutes 40"
MUTATION_ARGS ?= --max 30
mutation: setup
	$(VENV)/python -m tools.gates.mutate --network $(MUTATION_NETWORK) $(MUTATION_ARGS)

format: setup
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

clean:
	rm -rf build reports/coverage.json reports/gas.json reports/mutation.json .pytest_cache .hypothesis
