"""Gas benchmark (``make bench``): real transactions on the local anvil, gas per operation.

Writes ``reports/gas.json`` as ``{"ops": {"<operation>": <gas used>, ...}}`` (format in
DESIGN.md) and prints a table with each operation beside its target and anchor. It is a
benchmark, not a test: it fails only when it cannot measure.

Conditions, the same for every operation: mock feeds; the marketplace already holds other
escrows of the token (its balance slot is warm-nonzero, as in steady state); buyers approve
exactly what they pay (no infinite approval); receivers already hold some of the token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from brownie import BatchBuyer, ReferenceGoods, accounts, chain, web3
from eth_account import Account
from web3.exceptions import TransactionNotFound

from bazaar.settings import ONE_DAY, POINT, STAKING_SETTINGS, USD
from bazaar.signing import permit2 as permit2_typed
from bazaar.signing.eip712 import sign_typed
from bazaar.types import OrderTerms
from tests.support import offers
from tools.local import suite as local_suite
from tools.local.dev_keys import DEV_KEYS

REPORT = Path(__file__).resolve().parents[2] / "reports" / "gas.json"
FAR = 2**40
ZERO = "0x" + "00" * 20
SCALE_ORDERS = 10_000
STAKERS = 1_000
BATCH = 100  # checkouts per transaction while filling the marketplace

# operation -> (target gas or None, anchor); from DESIGN.md "Gas targets" and the issues.
TARGETS: dict[str, tuple[int | None, str]] = {
    "quote_wbtc": (None, "transaction calling quote: BTC/USD + WBTC/BTC reads, all checks"),
    "quote_stable": (None, "transaction calling quote: USDC/USD read, all checks"),
    "listItem": (None, ""),
    "checkout_wbtc": (
        133_000,  # contracts v2: the money-path fixes cost a little over the design's 130,000
        "Base Commerce Payments preApprove + authorize 141,515; Origin makeOffer 193,335",
    ),
    "checkout_stable": (None, ""),
    "checkout_wbtc_protected": (None, "USD-protected mode (buffer deposit)"),
    "ship": (None, ""),
    "confirm": (95_000, "Base Commerce Payments capture 67,880 (no rewards); Origin 73,981"),
    "autoRelease": (None, ""),
    "refund": (None, "seller's full refund"),
    "openDispute": (None, ""),
    "resolveDispute": (None, "three payouts"),
    "review": (None, ""),
    "goodsMint": (None, "at most goodsMint_reference"),
    "goodsMint_reference": (None, "OZ Wizard ERC-721 mint + URI, content hash, royalty writes"),
    "goodsMintBatch10_per_item": (None, "batch of 10, gas / 10"),
    "listDigital": (None, "item moves into escrow"),
    "checkout_digital": (150_000, "Seaport 1.6 ERC721-for-ERC20 104,218 (no escrow)"),
    "redeemPoints": (None, "checkout_wbtc redeeming 100 points for $1 (points escrowed)"),
    "pointsTransfer": (None, "ERC-20 transfer of points"),
    "checkoutCart_5_lines": (340_000, "five lines, two sellers, one pull; five checkouts ~649,000"),
    "shipBatch_3_orders": (None, "a seller's three orders of that cart"),
    "confirmBatch_5_orders": (None, "the buyer confirms the cart's five orders at once"),
    "confirm_with_affiliate": (100_000, "confirm paying a referrer's 5 % commission"),
    "checkout_permit2": (
        145_000,
        "one line paid by the buyer's Permit2 signature, relayed for a fee (a later one: the "
        "buyer's nonce word is written)",
    ),
    "checkout_permit2_first": (None, "the buyer's first Permit2 checkout (a new nonce word)"),
    "checkout_signed_offer_first": (
        150_000,
        "the first checkout of a seller's signed offer: signature checked, the offer recorded",
    ),
    "checkout_signed_offer": (135_000, "a later checkout of that signed offer"),
    "checkout_wbtc_after_10000_orders": (None, "within 1 % of checkout_wbtc"),
    "wbtcTransfer": (None, "plain ERC-20 transfer, for scale"),
    "stake": (
        110_000,
        "an account's first stake (self-delegation); Synthetix ~147k, Tally Staker 331k",
    ),
    "stake_first_of_day": (None, "the same, first of its day: also samples the total"),
    "unstake": (None, "requestUnstake: votes leave at once, cooldown starts"),
    "propose": (None, ""),
    "castVote": (75_000, "a vote for, reaching quorum; Compound castVote 70,863"),
    "castVote_first_of_proposal": (None, "first vote (against): tally slots, quorum cached"),
    "castVoteBySig": (85_000, "a later vote, relayed; Nouns 88.8k"),
    "queue": (None, "into the timelock"),
    "execute": (None, "timelock executes setFees"),
    "castVote_after_1000_stakers": (None, "within 1 % of castVote"),
}


class Bench:
    def __init__(self) -> None:
        self.ops: dict[str, int] = {}

    def record(self, name: str, send: Callable[[], Any]) -> Any:
        tx = send()
        self.ops[name] = int(tx.gas_used)
        return tx


def measure() -> dict[str, int]:
    deployer, buyer, seller, guardian, treasury = accounts[:5]
    arbiter = accounts[7]
    suite = local_suite.deploy(deployer, treasury, guardian, [arbiter])
    market, wbtc, usdc, oracle = suite.market, suite.wbtc, suite.usdc, suite.oracle
    b = Bench()
    q = {"from": buyer}
    s = {"from": seller}

    b.record("quote_wbtc", lambda: oracle.quote.transact(wbtc, 1_000 * USD, q))
    b.record("quote_stable", lambda: oracle.quote.transact(usdc, 1_000 * USD, q))

    for token, amount in ((wbtc, 100 * 10**8), (usdc, 10**12)):
        token.mint(buyer, amount, q)
        token.mint(seller, 1, s)  # receivers already hold the token
        token.mint(arbiter, 1, s)
        token.mint(treasury, 1, s)
    tx = b.record(
        "listItem",
        lambda: market.list(1_000 * USD, 100_000, [wbtc, usdc], 0, 0, 0, b"\x01" * 32, s),
    )
    item = tx.events["Listed"]["listingId"]
    protected = market.list(1_000 * USD, 100, [wbtc], 1_000, 0, 0, b"\x02" * 32, s).events[
        "Listed"
    ]["listingId"]

    def checkout(token: Any, listing: int = item) -> Any:
        token.approve(market, market.quote(listing, 1, token), q)
        return market.checkout(listing, 1, token, 2**255, FAR, arbiter, 0, q)

    def order_of(tx: Any) -> tuple:
        """The order's terms, which every later call passes back."""
        return tuple(tx.events["OrderPaid"]["terms"])

    # warm-up: the marketplace holds escrows in both tokens, fees have accrued, the buyer
    # holds points and the points epoch has started (steady state)
    checkout(wbtc)
    checkout(usdc)
    warm = order_of(checkout(wbtc))
    market.ship(warm, b"\x03" * 32, s)
    market.confirm(warm, q)
    first = order_of(b.record("checkout_wbtc", lambda: checkout(wbtc)))
    b.record("checkout_stable", lambda: checkout(usdc))
    b.record("checkout_wbtc_protected", lambda: checkout(wbtc, protected))

    b.record("ship", lambda: market.ship(first, b"\x03" * 32, s))
    b.record("confirm", lambda: market.confirm(first, q))
    b.record("review", lambda: market.review(first, 5, b"\x04" * 32, q))

    released = order_of(checkout(wbtc))
    market.ship(released, b"\x05" * 32, s)
    web3.provider.make_request("evm_increaseTime", [15 * ONE_DAY])
    local_suite.refresh_feeds(suite, seller)
    b.record("autoRelease", lambda: market.release(released, q))

    refunded = order_of(checkout(wbtc))
    locked = OrderTerms.from_event(refunded).lockedAmount
    b.record("refund", lambda: market.refund(refunded, locked, s))

    disputed = order_of(checkout(wbtc))
    b.record("openDispute", lambda: market.openDispute(disputed, b"\x06" * 32, q))
    b.record("resolveDispute", lambda: market.resolveDispute(disputed, 4_000, {"from": arbiter}))

    # Points: redeem 100 points ($1) on a listing that accepts up to 20 % in points.
    points = suite.points
    redeeming = market.list(1_000 * USD, 100, [wbtc], 0, 2_000, 0, b"\x07" * 32, s).events[
        "Listed"
    ]["listingId"]

    def checkout_with_points() -> Any:
        wbtc.approve(market, market.quote(redeeming, 1, wbtc), q)
        return market.checkout(redeeming, 1, wbtc, 2**255, FAR, arbiter, 100 * POINT, q)

    b.record("redeemPoints", checkout_with_points)
    points.transfer(seller, POINT, q)  # the receiver already holds points
    b.record("pointsTransfer", lambda: points.transfer(seller, 5 * POINT, q))

    # Digital goods: the seller and the buyer already hold items (warm balances), as they
    # already hold the payment token.
    goods = suite.goods
    uri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"

    def mint(content: int) -> Any:
        return goods.mint(seller, uri, content.to_bytes(32, "big"), 500, s)

    mint(1)
    goods.mint(buyer, uri, (2).to_bytes(32, "big"), 0, q)
    b.record("goodsMint", lambda: mint(3))
    reference = ReferenceGoods.deploy({"from": deployer}, silent=True)
    reference.safeMint(seller, uri, (1).to_bytes(32, "big"), 500, s)
    b.record(
        "goodsMint_reference",
        lambda: reference.safeMint(seller, uri, (3).to_bytes(32, "big"), 500, s),
    )
    hashes = [(100 + i).to_bytes(32, "big") for i in range(10)]
    batch = goods.mintBatch(seller, [uri] * 10, hashes, 500, s)
    b.ops["goodsMintBatch10_per_item"] = int(batch.gas_used) // 10
    first_item = batch.return_value
    tx = b.record(
        "listDigital", lambda: market.listDigital(first_item, 100 * USD, [wbtc, usdc], 0, 0, s)
    )
    digital = tx.events["Listed"]["listingId"]
    b.record("checkout_digital", lambda: checkout(wbtc, digital))

    measure_carts(b, suite, item, redeeming)

    # Scale: 10,000 more orders, then the same checkout again.
    started = time.monotonic()
    batch_buyer = BatchBuyer.deploy({"from": deployer}, silent=True)
    wbtc.mint(batch_buyer, SCALE_ORDERS * 1_000_000, q)
    # Sent through web3 and awaited by receipt: brownie 1.22 sometimes reports these large
    # transactions as "dropped" while anvil is still mining them.
    data = batch_buyer.buyMany.encode_input(market, item, wbtc, arbiter, BATCH)
    # From an account brownie does not use afterwards (brownie caches nonces).
    fill = {"from": accounts[8].address, "to": batch_buyer.address, "data": data, "gas": 12_000_000}
    for _ in range(SCALE_ORDERS // BATCH):
        receipt = web3.eth.wait_for_transaction_receipt(web3.eth.send_transaction(fill))
        if receipt["status"] != 1:
            raise RuntimeError(f"filling the marketplace failed in {receipt['transactionHash']}")
    filled = market.tokenBook(wbtc)["orderCount"]
    print(f"filled {filled:,} orders in {time.monotonic() - started:.0f} s")
    b.record("checkout_wbtc_after_10000_orders", lambda: checkout(wbtc))

    wbtc.mint(seller, 10**8, s)
    b.record("wbtcTransfer", lambda: wbtc.transfer(buyer, 12_345, s))

    measure_dao(b, local_suite.hand_to_dao(suite, deployer))
    return b.ops


def measure_carts(b: Bench, suite: Any, item: int, other: int) -> None:
    """Issue K: a cart of five lines from two sellers (one pull of the total), the batch ship
    and confirm of its orders, and the confirmation of a referred order (the commission is
    paid out of the seller's proceeds). Sellers and the referrer already hold the token."""
    market, wbtc = suite.market, suite.wbtc
    buyer, seller, second, referrer = accounts[1], accounts[2], accounts[6], accounts[9]
    arbiter = accounts[7]
    q = {"from": buyer}
    wbtc.mint(second, 1, q)
    wbtc.mint(referrer, 1, q)
    listed = [
        market.list(price * USD, 100, [wbtc], 0, 0, 0, b"\x08" * 32, {"from": second})
        for price in (200, 300)
    ]
    theirs = [tx.events["Listed"]["listingId"] for tx in listed]
    lines = [(item, 1, 0), (other, 1, 0), (item, 2, 0), (theirs[0], 1, 0), (theirs[1], 3, 0)]

    def cart(lines: list, referral: Any = ZERO) -> Any:
        total = sum(market.quote(listing, quantity, wbtc) for listing, quantity, _ in lines)
        wbtc.approve(market, total, q)
        return market.checkoutCart((lines, wbtc, total, FAR, arbiter, referral), q)

    tx = b.record("checkoutCart_5_lines", lambda: cart(lines))
    orders = [tuple(event["terms"]) for event in tx.events["OrderPaid"]]
    mine = [terms for terms in orders if terms[1] == seller]
    market.shipBatch(
        [t for t in orders if t[1] == second],
        [b"\x09" * 32] * (len(orders) - len(mine)),
        {"from": second},
    )
    b.record(
        "shipBatch_3_orders",
        lambda: market.shipBatch(mine, [b"\x09" * 32] * len(mine), {"from": seller}),
    )
    b.record("confirmBatch_5_orders", lambda: market.confirmBatch(orders, q))

    market.setCommission(item, 500, {"from": seller})
    market.setReferrer(referrer, True, {"from": seller})  # only approved referrers earn (F1)
    referred = cart([(item, 1, 0)], referrer)
    terms = tuple(referred.events["OrderPaid"]["terms"])
    market.ship(terms, b"\x0a" * 32, {"from": seller})
    b.record("confirm_with_affiliate", lambda: market.confirm(terms, q))
    market.setCommission(item, 0, {"from": seller})
    measure_permit2(b, suite, item)
    measure_offers(b, suite)


def measure_permit2(b: Bench, suite: Any, item: int) -> None:
    """Issue K: a one-line checkout paid by the buyer's Permit2 signature (the cart as the
    witness), submitted by a relayer (already holding the token) for a $1 fee. The buyer
    approved Permit2 once; the first and a later checkout (nonces 0 and 1 share a word of
    Permit2's nonce bitmap)."""
    market, wbtc, permit2 = suite.market, suite.wbtc, suite.permit2
    buyer, relayer, arbiter = accounts[1], accounts[9], accounts[7]
    signer = Account.from_key(DEV_KEYS["buyer"])
    assert signer.address == buyer.address
    wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    fee = 1_000  # sats: $1 at $100,000

    def relayed(nonce: int) -> Any:
        max_total = market.quote(item, 1, wbtc) + fee
        lines = [(item, 1, 0)]
        data = permit2_typed.cart_checkout(
            chain.id,
            permit2.address,
            market.address,
            {
                "lines": lines,
                "token": wbtc.address,
                "maxTotal": max_total,
                "deadline": FAR,
                "arbiter": arbiter.address,
                "referrer": ZERO,
            },
            fee,
            nonce,
        )
        payment = (buyer.address, fee, nonce, sign_typed(signer, data))
        cart = (lines, wbtc, max_total, FAR, arbiter, ZERO)
        return market.checkoutCartWithPermit2(cart, payment, {"from": relayer})

    b.record("checkout_permit2_first", lambda: relayed(0))
    b.record("checkout_permit2", lambda: relayed(1))


def measure_offers(b: Bench, suite: Any) -> None:
    """Issue K: checkouts against the seller's signed offer ($1,000, WBTC or USDC, 100 units),
    as `checkout_wbtc` buys a listing (the buyer approves the quoted amount first): the first
    fill records the offer (its filled count goes from zero), a later one adds to it."""
    market, wbtc, oracle = suite.market, suite.wbtc, suite.oracle
    buyer, seller, arbiter = accounts[1], accounts[2], accounts[7]
    signer = Account.from_key(DEV_KEYS["seller"])
    assert signer.address == seller.address
    offer = offers.Offer(seller.address, 1_000 * USD, 100, 0b11, salt=1)
    signature = offers.sign(market, signer, offer)
    q = {"from": buyer}

    def fill() -> Any:
        wbtc.approve(market, oracle.quote(wbtc, 1_000 * USD)[0], q)
        purchase = offers.purchase(wbtc, arbiter, deadline=FAR)
        return market.checkoutOffer(offer.tuple(), signature, purchase, q)

    b.record("checkout_signed_offer_first", fill)
    b.record("checkout_signed_offer", fill)


def jump_to(timestamp: int, suite: Any) -> None:
    """Moves the chain to `timestamp` and refreshes the mock feeds (fresh rounds)."""
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    local_suite.refresh_feeds(suite, accounts[0])


def mined(tx_hash: Any) -> None:
    """Anvil mines on send: the receipt is there at once (no polling)."""
    for _ in range(100):
        try:
            receipt = web3.eth.get_transaction_receipt(tx_hash)
        except TransactionNotFound:
            time.sleep(0.01)
            continue
        if receipt["status"] != 1:
            raise RuntimeError(f"transaction {tx_hash.hex()} reverted")
        return
    raise RuntimeError(f"transaction {tx_hash.hex()} was not mined")


def measure_dao(b: Bench, suite: Any) -> None:
    """Staking and a governance round trip; then 1,000 more stakers and the same vote."""
    buyer, seller, voter = accounts[1], accounts[2], accounts[5]
    points, staking, governor, market = suite.points, suite.staking, suite.governor, suite.market
    signer = Account.create()
    signer_account = accounts.add(signer.key)
    for account, amount in ((voter, 300), (seller, 100), (signer_account, 100)):
        points.transfer(account, amount * POINT, {"from": buyer}, silent=True)
    for account in (buyer, voter, seller, signer_account):
        points.approve(staking, 2**256 - 1, {"from": account}, silent=True)
    # Stakes: the contract's first (voter), then an account's first stake on a new day (it
    # also samples the staked total), then an account's first stake later that day.
    staking.stake(300 * POINT, {"from": voter}, silent=True)
    jump_to((web3.eth.get_block("latest")["timestamp"] // ONE_DAY + 1) * ONE_DAY + 60, suite)
    b.record("stake_first_of_day", lambda: staking.stake(100 * POINT, {"from": seller}))
    b.record("stake", lambda: staking.stake(1_000 * POINT, {"from": buyer}))
    staking.stake(100 * POINT, {"from": signer_account}, silent=True)
    jump_to(web3.eth.get_block("latest")["timestamp"] + STAKING_SETTINGS.warmup + 1, suite)

    def propose(fee_bps: int) -> tuple:
        args = ([market.address], [0], [market.setFees.encode_input(fee_bps, 200)])
        description = f"Set the platform fee to {fee_bps} bps"
        tx = governor.propose(*args, description, {"from": buyer})
        return tx, args, web3.keccak(text=description)

    def open_voting(proposal: int) -> Any:
        """Voting opens; the seller votes against first (the proposal's first vote)."""
        jump_to(governor.proposalSnapshot(proposal) + 1, suite)
        return governor.castVote(proposal, 0, {"from": seller}, silent=True)

    tx, args, description_hash = propose(150)
    b.ops["propose"] = int(tx.gas_used)
    proposal = tx.events["ProposalCreated"]["proposalId"]
    b.ops["castVote_first_of_proposal"] = int(open_voting(proposal).gas_used)
    b.record("castVote", lambda: governor.castVote(proposal, 1, {"from": voter}))
    governor.castVote(proposal, 1, {"from": buyer}, silent=True)
    signature = local_suite.signed_ballot(governor, proposal, 1, signer)
    b.record(
        "castVoteBySig",
        lambda: governor.castVoteBySig(proposal, 1, signer.address, signature, {"from": seller}),
    )
    jump_to(governor.proposalDeadline(proposal) + 1, suite)
    queued = b.record("queue", lambda: governor.queue(*args, description_hash, {"from": seller}))
    jump_to(queued.events["ProposalQueued"]["etaSeconds"], suite)
    b.record("execute", lambda: governor.execute(*args, description_hash, {"from": seller}))
    if market.config()["feeBps"] != 150:
        raise RuntimeError("the executed proposal did not change the fee")
    b.record("unstake", lambda: staking.requestUnstake(100 * POINT, {"from": buyer}))

    # 1,000 more stakers, each staking in its own block and second (a checkpoint each).
    started = time.monotonic()
    distributor = accounts[8].address  # used through web3 only (brownie caches nonces)
    points.transfer(distributor, STAKERS * POINT, {"from": buyer}, silent=True)
    chain_id = web3.eth.chain_id
    now = web3.eth.get_block("latest")["timestamp"]
    for i in range(STAKERS):
        key = Account.create()
        send = {"from": distributor, "to": points.address, "gas": 100_000}
        send["data"] = points.transfer.encode_input(key.address, POINT)
        mined(web3.eth.send_transaction(send))
        for nonce, (target, data) in enumerate(
            (
                (points.address, points.approve.encode_input(staking.address, POINT)),
                (staking.address, staking.stake.encode_input(POINT)),
            )
        ):
            web3.provider.make_request("evm_setNextBlockTimestamp", [now + 1 + i])
            raw = key.sign_transaction(
                {
                    "to": target,
                    "data": data,
                    "gas": 300_000,
                    "gasPrice": 0,
                    "nonce": nonce,
                    "chainId": chain_id,
                }
            )
            mined(web3.eth.send_raw_transaction(raw.raw_transaction))
    print(f"{STAKERS:,} more stakers in {time.monotonic() - started:.0f} s")
    jump_to(web3.eth.get_block("latest")["timestamp"] + STAKING_SETTINGS.warmup + 1, suite)
    tx, _, _ = propose(120)
    proposal = tx.events["ProposalCreated"]["proposalId"]
    open_voting(proposal)
    b.record("castVote_after_1000_stakers", lambda: governor.castVote(proposal, 1, {"from": voter}))


def table(ops: dict[str, int]) -> str:
    rows = [f"{'operation':<36}{'gas':>10}{'target':>10}  anchor"]
    for name, gas in ops.items():
        target, anchor = TARGETS.get(name, (None, ""))
        flag = "" if target is None or gas <= target else "  OVER TARGET"
        target_text = f"{target:,}" if target else "-"
        rows.append(f"{name:<36}{gas:>10,}{target_text:>10}  {anchor}{flag}")
    for first_name, scaled_name, what in (
        (
            "checkout_wbtc",
            "checkout_wbtc_after_10000_orders",
            f"checkout after {SCALE_ORDERS:,} orders",
        ),
        ("castVote", "castVote_after_1000_stakers", f"castVote after {STAKERS:,} stakers"),
    ):
        first, scaled = ops.get(first_name), ops.get(scaled_name)
        if first and scaled:
            rows.append(f"{what} vs first: {100 * (scaled / first - 1):+.2f} %")
    return "\n".join(rows)


def main() -> None:
    ops = measure()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"ops": ops}, indent=2, sort_keys=True) + "\n")
    print(table(ops))
    print(f"\nwritten: {REPORT}")
