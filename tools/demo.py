"""The demo (``make demo``), played on the local anvil that brownie launches.

It grows with the contracts. Today: deploy the mocks and the price adapter, lock a price for
a $1,000 listing, move BTC 20 % both ways and show what each settlement mode pays, and show
the adapter failing closed.
"""

from __future__ import annotations

import time
from decimal import Decimal

from brownie import accounts
from brownie.exceptions import VirtualMachineError

from tools import local_suite
from tools.local_suite import USD

SATS_PER_BTC = 10**8
LISTING_USD = 1_000 * USD
BUFFER_BPS = 1_000  # USD-protected listings escrow +10 %


def btc(sats: int) -> str:
    return f"{Decimal(sats) / SATS_PER_BTC:.8f} BTC"


def usd(units: int) -> str:
    return f"${Decimal(units) / USD:,.2f}"


def main() -> None:
    started = time.monotonic()
    deployer, buyer = accounts[0], accounts[1]
    owner = {"from": deployer}
    print("\n== BTC Bazaar demo ==\n")
    suite = local_suite.deploy(deployer)
    for name in ("wbtc", "usdc", "btc_usd", "wbtc_btc", "usdc_usd", "oracle"):
        contract = getattr(suite, name)
        print(f"  {name:<10}{contract._name:<16}{contract.address}")

    oracle, wbtc = suite.oracle, suite.wbtc
    lock = oracle.quote(wbtc, LISTING_USD)
    locked = lock["tokenAmount"]
    deposit = -(-locked * (10_000 + BUFFER_BPS) // 10_000)  # rounded up, as on chain
    print(f"\nA {usd(LISTING_USD)} listing, BTC at {usd(lock['usdLegAnswer'])}, WBTC/BTC 1.0000:")
    print(
        f"  price lock: {btc(locked)} (feeds updated at {lock['usdLegUpdatedAt']}, "
        f"{lock['pegLegUpdatedAt']}; locked at {lock['quotedAt']})"
    )
    print(f"  USD-protected listing: the buyer escrows {btc(deposit)} (+10 % buffer)")

    print(
        f"\n{'BTC at release':<16}{'locked mode pays':>20}{'worth':>12}"
        f"{'protected pays':>20}{'worth':>12}{'refund':>18}"
    )
    for move in (-20, 0, 20):
        suite.btc_usd.setAnswer(lock["usdLegAnswer"] * (100 + move) // 100, owner, silent=True)
        ok, owed = oracle.tryQuote(wbtc, LISTING_USD)
        to_seller = min(owed, deposit) if ok else locked
        print(
            f"{usd(lock['usdLegAnswer'] * (100 + move) // 100):<16}"
            f"{btc(locked):>20}{usd(oracle.tokenToUsd(wbtc, locked)):>12}"
            f"{btc(to_seller):>20}{usd(oracle.tokenToUsd(wbtc, to_seller)):>12}"
            f"{btc(deposit - to_seller):>18}"
        )

    print("\nThe BTC/USD feed breaks (reverts):")
    suite.btc_usd.setMode(1, owner, silent=True)
    try:
        oracle.quote(wbtc, LISTING_USD)
    except VirtualMachineError as exc:
        print(f"  new quotes refused: {exc.revert_msg}")
    ok, _ = oracle.tryQuote(wbtc, LISTING_USD)
    print(
        f"  release-time price available: {ok} -> protected orders settle at the locked "
        f"{btc(locked)}, buffer back to the buyer"
    )
    suite.btc_usd.setMode(0, owner, silent=True)

    suite.wbtc.mint(buyer, SATS_PER_BTC, owner, silent=True)
    print(f"\nbuyer {buyer.address} holds {btc(wbtc.balanceOf(buyer))}")
    print(
        f"\nDone in {time.monotonic() - started:.1f} s. Escrow, goods, points and governance "
        "join this story as they land."
    )
