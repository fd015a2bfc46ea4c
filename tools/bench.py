"""Gas benchmark (``make bench``): real transactions on the local anvil, gas per operation.

Writes ``reports/gas.json`` as ``{"ops": {"<operation>": <gas used>, ...}}`` (format in
DESIGN.md) and prints a table with each operation beside its target and anchor. It is a
benchmark, not a test: it fails only when it cannot measure. Operations are added here as
the contracts that perform them land.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from brownie import accounts

from tools import local_suite

REPORT = Path(__file__).resolve().parent.parent / "reports" / "gas.json"

# operation -> (target gas or None, anchor for comparison); from DESIGN.md "Gas targets".
TARGETS: dict[str, tuple[int | None, str]] = {
    "quote_wbtc": (None, "transaction calling quote: BTC/USD + WBTC/BTC reads, all checks"),
    "quote_stable": (None, "transaction calling quote: USDC/USD read, all checks"),
    "wbtcTransfer": (None, "plain ERC-20 transfer, for scale"),
}


def measure() -> dict[str, int]:
    ops: dict[str, int] = {}

    def record(name: str, send: Callable[[], object]) -> None:
        ops[name] = int(send().gas_used)  # type: ignore[attr-defined]

    deployer, alice, bob = accounts[0], accounts[1], accounts[2]
    suite = local_suite.deploy(deployer)
    usd_1000 = 1_000 * local_suite.USD
    # A view function sent as a transaction: its gas is what a contract pays to price a deal.
    record("quote_wbtc", lambda: suite.oracle.quote.transact(suite.wbtc, usd_1000, {"from": alice}))
    record(
        "quote_stable", lambda: suite.oracle.quote.transact(suite.usdc, usd_1000, {"from": alice})
    )
    wbtc = suite.wbtc
    wbtc.mint(alice, 10**8, {"from": alice})
    wbtc.mint(bob, 1, {"from": bob})  # warm the receiver's balance slot, as in real use
    record("wbtcTransfer", lambda: wbtc.transfer(bob, 12_345, {"from": alice}))
    return ops


def table(ops: dict[str, int]) -> str:
    rows = [f"{'operation':<36}{'gas':>10}{'target':>10}  anchor"]
    for name, gas in ops.items():
        target, anchor = TARGETS.get(name, (None, ""))
        flag = "" if target is None or gas <= target else "  OVER TARGET"
        target_text = f"{target:,}" if target else "-"
        rows.append(f"{name:<36}{gas:>10,}{target_text:>10}  {anchor}{flag}")
    return "\n".join(rows)


def main() -> None:
    ops = measure()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"ops": ops}, indent=2, sort_keys=True) + "\n")
    print(table(ops))
    print(f"\nwritten: {REPORT}")
