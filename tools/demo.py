"""The demo (``make demo``), played on the local anvil that brownie launches.

It grows with the contracts. Today: deploy the price adapter and the escrow marketplace with
mock feeds; a seller lists; a buyer checks out at a locked price; BTC moves 20 %; shipping
and confirmation; a USD-protected order; a dispute and its ruling; the oracle failing closed;
final balances.
"""

from __future__ import annotations

import time
from decimal import Decimal

from brownie import accounts
from brownie.exceptions import VirtualMachineError

from tools import local_suite
from tools.local_suite import USD

SATS_PER_BTC = 10**8
FAR = 2**40
QUIET = {"silent": True}


def btc(sats: int) -> str:
    return f"{Decimal(sats) / SATS_PER_BTC:.8f} BTC"


def usd(units: int) -> str:
    return f"${Decimal(units) / USD:,.2f}"


def step(text: str) -> None:
    print(f"\n-- {text}")


def main() -> None:
    started = time.monotonic()
    deployer, buyer, seller, guardian, treasury = accounts[:5]
    arbiter = accounts[7]
    print("\n== BTC Bazaar demo ==")
    suite = local_suite.deploy(deployer, treasury, guardian, [arbiter])
    market, wbtc, oracle = suite.market, suite.wbtc, suite.oracle
    for name in ("wbtc", "usdc", "btc_usd", "wbtc_btc", "usdc_usd", "oracle", "market"):
        contract = getattr(suite, name)
        print(f"  {name:<10}{contract._name:<19}{contract.address}")
    wbtc.mint(buyer, SATS_PER_BTC, {"from": deployer}, **QUIET)

    def price_btc(dollars: int) -> None:
        suite.btc_usd.setAnswer(dollars * USD, {"from": deployer}, **QUIET)
        print(f"   BTC/USD feed now {usd(dollars * USD)}")

    def checkout(listing: int) -> tuple:
        amount = market.quote(listing, 1, wbtc)
        wbtc.approve(market, amount, {"from": buyer}, **QUIET)
        tx = market.checkout(listing, 1, wbtc, amount, FAR, arbiter, 0, {"from": buyer}, **QUIET)
        event = tx.events["OrderPaid"]
        print(
            f"   order {str(event['orderId'])[:12]}..: {btc(amount)} escrowed "
            f"(BTC/USD {usd(event['usdLegAnswer'])}, WBTC/BTC "
            f"{Decimal(event['pegLegAnswer']) / SATS_PER_BTC:.4f}, gas {tx.gas_used:,})"
        )
        return tuple(event["terms"])

    def ship_and_confirm(terms: tuple) -> None:
        market.ship(terms, b"\x07" * 32, {"from": seller}, **QUIET)
        tx = market.confirm(terms, {"from": buyer}, **QUIET)
        done = tx.events["OrderCompleted"]
        print(
            f"   shipped (tracking hash only) and confirmed: seller paid {btc(done['toSeller'])}"
            f" ({usd(oracle.tokenToUsd(wbtc, done['toSeller']))} now), fee {btc(done['fee'])},"
            f" buyer refunded {btc(done['toBuyer'])}"
        )

    step("A seller lists a $1,000 lamp (price locked at checkout) and a $2,000 chair")
    step_listing = {"from": seller}
    lamp = market.list(
        1_000 * USD, 5, [wbtc, suite.usdc], 0, 1_000, 0, b"\x01" * 32, step_listing, **QUIET
    ).events["Listed"]["listingId"]
    chair = market.list(
        2_000 * USD, 5, [wbtc], 1_000, 0, 0, b"\x02" * 32, step_listing, **QUIET
    ).events["Listed"]["listingId"]
    print(f"   listing {lamp}: lamp, $1,000, WBTC or USDC, locked-amount settlement")
    print(f"   listing {chair}: chair, $2,000, WBTC, USD-protected (+10 % buffer escrowed)")

    step("The buyer checks out the lamp in WBTC at the current rate")
    lamp_order = checkout(lamp)
    step("BTC jumps 20 % before delivery: the escrowed amount does not move")
    price_btc(120_000)
    ship_and_confirm(lamp_order)

    step("The buyer checks out the chair; BTC then falls 20 % during a long shipment")
    chair_order = checkout(chair)
    price_btc(96_000)
    ship_and_confirm(chair_order)

    step("A second lamp order goes wrong: the buyer disputes, the arbiter rules 70/30")
    disputed = checkout(lamp)
    market.ship(disputed, b"\x08" * 32, {"from": seller}, **QUIET)
    market.openDispute(disputed, b"\x09" * 32, {"from": buyer}, **QUIET)
    escrow = market.getOrder(market.orderIdOf(disputed))["amount"]
    arbiter_fee = escrow * disputed[10] // 10_000
    ruling = market.resolveDispute(
        disputed, (escrow - arbiter_fee) * 70 // 100, {"from": arbiter}, **QUIET
    ).events["DisputeResolved"]
    print(
        f"   buyer {btc(ruling['toBuyer'])}, seller {btc(ruling['toSeller'])}, "
        f"arbiter fee {btc(ruling['arbiterFee'])}, platform fee {btc(ruling['fee'])}"
    )

    step("The BTC/USD feed breaks: new checkouts stop, nothing else does")
    suite.btc_usd.setMode(1, {"from": deployer}, **QUIET)
    try:
        market.quote(lamp, 1, wbtc)
    except VirtualMachineError as exc:
        print(f"   checkout refused: {exc.revert_msg}")
    suite.btc_usd.setMode(0, {"from": deployer}, **QUIET)
    market.withdrawFees(wbtc, {"from": buyer}, **QUIET)

    step("Balances")
    print(f"   {'':<10}{'WBTC':>18}")
    for name, account in (
        ("buyer", buyer),
        ("seller", seller),
        ("arbiter", arbiter),
        ("treasury", treasury),
        ("escrow", market),
    ):
        print(f"   {name:<10}{btc(wbtc.balanceOf(account)):>18}")
    assert wbtc.balanceOf(market) == 0, "escrow should be empty: every order is settled"
    print(
        f"\nDone in {time.monotonic() - started:.1f} s: 3 orders, every satoshi accounted for."
        "\nDigital goods, points and governance join this story as they land."
    )
