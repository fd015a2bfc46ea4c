"""The demo (``make demo``), played on the local anvil that brownie launches.

Deploy the whole suite with mock feeds; a seller lists a physical and a digital item; a buyer
checks out at a locked price; BTC moves 20 %; shipping and confirmation; points minted; a
USD-protected order; a digital licence bought with a points discount; a dispute and its
ruling; DAO members stake, propose a fee change, vote (one vote signed and relayed by another
account), queue and execute; the oracle failing closed; final balances.
"""

from __future__ import annotations

import time
from decimal import Decimal

from brownie import accounts, web3
from brownie.exceptions import VirtualMachineError
from eth_account import Account

from bazaar.settings import POINT, SATS, STAKING_SETTINGS, TIMELOCK_DELAY, USD
from bazaar.types import OrderTerms
from tools.local import suite as local_suite

FAR = 2**40
QUIET = {"silent": True}


def btc(sats: int) -> str:
    return f"{Decimal(sats) / SATS:.8f} BTC"


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
    names = ("wbtc", "usdc", "btc_usd", "wbtc_btc", "usdc_usd", "oracle", "market", "goods")
    for name in (*names, "points", "staking"):
        contract = getattr(suite, name)
        print(f"  {name:<10}{contract._name:<19}{contract.address}")
    wbtc.mint(buyer, SATS, {"from": deployer}, **QUIET)

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
            f"{Decimal(event['pegLegAnswer']) / SATS:.4f}, gas {tx.gas_used:,})"
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

    points = suite.points

    def jump(seconds: int) -> None:
        """Time travel; the mock feeds then publish fresh rounds at the same prices."""
        web3.provider.make_request("evm_increaseTime", [seconds])
        local_suite.refresh_feeds(suite, deployer)

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

    print(f"   points minted to the buyer: {points.balanceOf(buyer) / POINT:,.2f} BZP")

    step("The seller mints a software licence (ERC-721) and lists it for $50, 20 % in points")
    licence = suite.goods.mint(
        seller, "ipfs://bafy-licence", b"\x0a" * 32, 500, {"from": seller}, **QUIET
    ).return_value
    digital = market.listDigital(licence, 50 * USD, [wbtc], 0, 2_000, step_listing, **QUIET)
    digital_id = digital.events["Listed"]["listingId"]
    print(f"   licence #{licence} (5 % royalty) held in escrow by listing {digital_id}")
    amount = market.quote(digital_id, 1, wbtc)
    wbtc.approve(market, amount, {"from": buyer}, **QUIET)
    tx = market.checkout(
        digital_id, 1, wbtc, amount, FAR, arbiter, 500 * POINT, {"from": buyer}, **QUIET
    )
    digital_terms = tuple(tx.events["OrderPaid"]["terms"])
    paid = OrderTerms.from_event(digital_terms)
    print(
        f"   500 BZP redeemed for $5.00: the buyer pays {usd(paid.usdAmount)} "
        f"({btc(paid.lockedAmount)}); licence now held by "
        f"{'the buyer' if suite.goods.ownerOf(licence) == buyer else '?'}"
    )
    market.confirm(digital_terms, {"from": buyer}, **QUIET)
    held = points.balanceOf(buyer) / POINT
    print(f"   confirmed within the 2-day dispute window; the buyer holds {held:,.2f} BZP")

    step("The buyer checks out the chair; BTC then falls 20 % during a long shipment")
    chair_order = checkout(chair)
    price_btc(96_000)
    ship_and_confirm(chair_order)

    step("A second lamp order goes wrong: the buyer disputes, the arbiter rules 70/30")
    disputed = checkout(lamp)
    market.ship(disputed, b"\x08" * 32, {"from": seller}, **QUIET)
    market.openDispute(disputed, b"\x09" * 32, {"from": buyer}, **QUIET)
    ruling = market.resolveDispute(disputed, 7_000, {"from": arbiter}, **QUIET).events[
        "DisputeResolved"
    ]  # 70 % of the escrow after the arbiter fee to the buyer
    print(
        f"   buyer {btc(ruling['toBuyer'])}, seller {btc(ruling['toSeller'])}, "
        f"arbiter fee {btc(ruling['arbiterFee'])}, platform fee {btc(ruling['fee'])}"
    )

    step("The DAO takes over: the timelock owns every parameter, the deployer keeps nothing")
    suite = local_suite.hand_to_dao(suite, deployer)
    governor, staking = suite.governor, suite.staking
    print(f"   governor {governor.address}, timelock {suite.timelock.address}")
    member_key = Account.create()
    member = accounts.add(member_key.key)
    points.transfer(member, 400 * POINT, {"from": buyer}, **QUIET)
    for account, amount in ((buyer, 1_000 * POINT), (member, 400 * POINT)):
        points.approve(staking, amount, {"from": account}, **QUIET)
        staking.stake(amount, {"from": account}, **QUIET)
    print("   the buyer stakes 1,000 BZP, a second member 400 BZP; votes count after 2 days")
    jump(STAKING_SETTINGS.warmup + 1)
    args = ([market.address], [0], [market.setFees.encode_input(150, 200)])
    description = "Platform fee 1.0 % -> 1.5 %"
    proposal = governor.propose(*args, description, {"from": buyer}, **QUIET).events[
        "ProposalCreated"
    ]["proposalId"]
    print(f"   proposal: {description}")
    jump(governor.proposalSnapshot(proposal) + 1 - web3.eth.get_block("latest")["timestamp"])
    governor.castVote(proposal, 1, {"from": buyer}, **QUIET)
    signature = local_suite.signed_ballot(governor, proposal, 1, member_key)
    governor.castVoteBySig(proposal, 1, member.address, signature, {"from": seller}, **QUIET)
    _, votes_for, _ = governor.proposalVotes(proposal)
    print(f"   {votes_for / POINT:,.0f} BZP for (the member signed off-line; the seller relayed)")
    jump(governor.proposalDeadline(proposal) + 1 - web3.eth.get_block("latest")["timestamp"])
    description_hash = web3.keccak(text=description)
    governor.queue(*args, description_hash, {"from": seller}, **QUIET)
    jump(TIMELOCK_DELAY + 1)
    governor.execute(*args, description_hash, {"from": seller}, **QUIET)
    print(
        f"   queued, 2 days of timelock, executed: platform fee now {market.config()['feeBps']} bps"
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
        print(
            f"   {name:<10}{btc(wbtc.balanceOf(account)):>18}"
            f"{points.balanceOf(account) / POINT:>14,.2f} BZP"
        )
    assert wbtc.balanceOf(market) == 0, "escrow should be empty: every order is settled"
    print(
        f"\nDone in {time.monotonic() - started:.1f} s: 4 orders (one digital), "
        f"{points.totalSupply() / POINT:,.2f} BZP in circulation, a fee change voted and "
        "executed, every satoshi accounted for."
    )
