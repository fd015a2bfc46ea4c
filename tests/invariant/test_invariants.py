"""Stateful invariant tests over the whole suite (brownie `state_machine`).

Nine people buy, sell, arbitrate, review, stake, delegate and claim in random order while
time jumps (feeds refreshed, or left to go stale), prices move, feeds break, the test
stablecoin pauses and blacklists, the guardian pauses and governance changes parameters.
Every transaction's outcome is predicted by a Python model (tests/invariant/model.py) and
checked; after every step the money invariants are checked against the contracts'
views:

- the marketplace's balance of each token is exactly open escrows + credits + fees (+ tokens
  sent to it by mistake, until swept), and its own books (`escrowed`, `creditsOutstanding`,
  `feesAccrued`) agree with its per-order views;
- every open order has a timeout exit that a third party can take once its deadline passes
  (with the feeds published on time); a USD-protected order whose feed failed waits for the
  outage path (record the outage, wait three days, settle at the locked amount);
- every order's state and flags, every listing's stock (restocked when an order is undone),
  every balance, credit and reward are as the model predicted;
- the points supply is minted minus burned;
- the staking contract's points are exactly the stakes plus the pending unstakes, and each
  reward token's streams are covered by what it holds;
- no account's votes exceed the staked points delegated to it (its own stake when it
  delegates to itself), now and at past timepoints.

Issue H's paths are rules: partial refunds then completion (points on the USD settled),
rulings as buyer shares (by the arbiter, or by default: half, or all when the seller disputed
before shipping), reviews of every ended order, an outage at settlement (refused, recorded,
waited out, settled at the locked amount, cleared when the feed returns), oracle versions
(a second BTC/USD feed; new versions within 5 % for new orders, old orders settling against
theirs), the stakers' share of fees streamed per token, sweeps of mistaken transfers,
royalties on digital resales, the reward rate fixed at checkout and the per-account cap.
Issue K's: carts (lines from several sellers in one token, one pull of the total; a line that
must fail, out of stock, a token not accepted or the buyer's own listing, leaves nothing
changed), affiliate commissions (set by the seller, snapshotted at checkout only for a referrer the
line's seller approved, others recorded at 0 % (finding F1); approvals granted and revoked
along the way; paid or credited from the seller's proceeds at completion and by the ruling's
split; a referrer that may not refer refused), batch ship and confirm (all or nothing), and
gasless checkouts (a cart signed for Permit2 by its buyer, relayed by another person for a fee
within the cap; now and then a replayed signature, a relayer that raises the fee, or a fee
above the cap: refused, nothing changed), and signed offers (a person signs an offer off
chain, others buy from it until its units run out; now and then past the units left, after
its expiry, after a cancel or the seller's cancelAllOffers: refused; cancels, reclaims and
full refunds of its orders give the units back to the offer).

At the end of every example everyone leaves (`System.drain`): the marketplace is left with
nothing and the staking contract with nothing but the rewards not streamed yet (the stream
pauses once nobody earns) and rounding dust; every reward claim is predicted to the unit
(WBTC deposited = WBTC claimed + held).

Size: 25 examples of 100 steps (examples shorter than 10 steps are rejected: hypothesis
starts with a few of a step or two). BAZAAR_INVARIANT_SCALE (default 1; `make soak` uses 20)
multiplies the number of examples; BAZAAR_INVARIANT_EXAMPLES and BAZAAR_INVARIANT_STEPS set
them outright. The figures of the last run (steps, transactions, what was refused and why,
seconds) are written to reports/invariants.json. Under `--coverage` the run is a tenth as
long: its transactions go out as raw JSON-RPC, which brownie's coverage does not see.

One file, over 400 lines: a hypothesis state machine's rules must be methods of one class.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from pathlib import Path

import hypothesis
import pytest
from brownie import ZERO_ADDRESS, chain, web3
from brownie.test import strategy
from eth_account import Account
from hypothesis import HealthCheck, Verbosity
from hypothesis import strategies as st

from bazaar.settings import BTC_USD_LIMITS, DEPEG_FLOOR, ONE_DAY, ONE_HOUR, PEG_LIMITS, SATS, USD
from tests.invariant.model import (
    BURNS_GAS,
    CANCELLED,
    COMPLETED,
    DISPUTED,
    FLAG_CANCEL_REQUESTED,
    NORMAL,
    OPEN,
    PAID,
    POINT_UNITS_PER_USD_UNIT,
    REFUNDED,
    RESOLVED,
    REVERTS,
    SETTLEMENT_OUTAGE_SECONDS,
    SHIPPED,
    Feed,
    MarketConfig,
    MintState,
    Model,
    Oracle,
    Staking,
    Token,
    Version,
)
from tests.invariant.system import STATS, System, World
from tools.local import suite as local_suite
from tools.toolchain import brownie_patches

EXAMPLES_PER_SCALE = 25
STEPS_PER_EXAMPLE = 100
MIN_STEPS_PER_EXAMPLE = 10
REPORT = (
    Path(__file__).resolve().parents[2] / "reports" / "invariants.json"
)  # the last run's figures
STABLE = 10**6  # the stablecoins carry 6 decimals


def run_size() -> tuple[int, int]:
    """(examples, steps per example) for this run."""
    scale = float(os.environ.get("BAZAAR_INVARIANT_SCALE", "1"))
    if brownie_patches.coverage_enabled():
        scale /= 10
    examples = int(os.environ.get("BAZAAR_INVARIANT_EXAMPLES", round(EXAMPLES_PER_SCALE * scale)))
    steps = int(os.environ.get("BAZAAR_INVARIANT_STEPS", STEPS_PER_EXAMPLE))
    return max(examples, 1), steps


def pick(items, index):
    """items[index mod len], or None when there is nothing to pick from."""
    items = list(items)
    return items[index % len(items)] if items else None


# --- the world --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(accounts, BlacklistToken, InvariantProbe, MockAggregator):
    admin, people = accounts[0], tuple(accounts[1:10])
    arbiters = people[6:9]
    suite = local_suite.deploy(admin, admin, admin, list(arbiters))
    tx = {"from": admin}
    busd = BlacklistToken.deploy(tx)
    no_leg = ("0x" + "00" * 20, 0, 0, 0)
    suite.oracle.configureToken(busd, (no_leg, PEG_LIMITS.leg(suite.usdc_usd), DEPEG_FLOOR), tx)
    suite.market.addPaymentToken(busd, tx)
    probe = InvariantProbe.deploy(tx)
    # a second BTC/USD feed: governance moves WBTC's pricing between the two by new versions
    btc2 = MockAggregator.deploy(8, suite.btc_usd.latestRoundData()[1], "BTC / USD (2)", tx)
    for person in people:
        mine = {"from": person}
        suite.wbtc.mint(person, 1_000 * SATS, tx)
        suite.usdc.mint(person, 10_000_000 * STABLE, tx)
        busd.mint(person, 10_000_000 * STABLE, tx)
        for token in (suite.wbtc, suite.usdc, busd):
            token.approve(suite.market, 2**256 - 1, mine)
            token.approve(suite.permit2, 2**256 - 1, mine)  # for gasless checkouts
        suite.points.approve(suite.staking, 2**256 - 1, mine)
        suite.wbtc.approve(suite.staking, 2**256 - 1, mine)
        suite.usdc.approve(suite.staking, 2**256 - 1, mine)
    feeds = {"btc": suite.btc_usd, "peg": suite.wbtc_btc, "stable": suite.usdc_usd, "btc2": btc2}
    return World(
        admin,
        people,
        arbiters,
        suite.wbtc,
        suite.usdc,
        busd,
        feeds,
        FEED_LIMITS,
        suite.oracle,
        suite.goods,
        suite.market,
        suite.points,
        suite.staking,
        probe,
        suite.permit2,
        {str(person): dev_key(n) for n, person in enumerate(people, start=1)},
    )


def dev_key(index: int):
    """anvil's account `index` (its default mnemonic) as an eth-account key: the people sign
    their gasless checkouts."""
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


ANVIL_MNEMONIC = "test test test test test test test test test test test junk"


FEED_LIMITS = {
    key: (limits.max_staleness, limits.min_answer, limits.max_answer)
    for key, limits in (
        ("btc", BTC_USD_LIMITS),
        ("btc2", BTC_USD_LIMITS),
        ("peg", PEG_LIMITS),
        ("stable", PEG_LIMITS),
    )
}


def model_of(w: World) -> Model:
    """The model of the freshly deployed and funded world, from the contracts' views
    (called with `.call()`: under `--coverage` brownie would send plain calls as
    transactions, mining blocks behind the model's back)."""
    now = chain[-1].timestamp
    feeds = {}
    for key, feed in w.feeds.items():
        _, answer, _, updated_at, _ = feed.latestRoundData.call()
        feeds[key] = Feed(feed.address, answer, updated_at, *w.feed_limits[key])
    floor = DEPEG_FLOOR
    tokens = {
        w.wbtc.address: Token(w.wbtc.address, "WBTC", 8, [Version("peg", "btc", floor)]),
        w.usdc.address: Token(w.usdc.address, "USDC", 6, [Version("stable", None, floor)]),
        w.busd.address: Token(w.busd.address, "BUSD", 6, [Version("stable", None, floor)]),
    }
    for token in tokens.values():
        assert w.oracle.latestVersion.call(token.address) == token.latest
    c = w.market.config.call()
    config = MarketConfig(
        c["feeBps"],
        c["arbiterFeeBps"],
        c["fulfilmentWindow"],
        c["confirmWindow"],
        c["rulingWindow"],
        c["digitalWindow"],
        c["paused"],
        c["listingCount"],
        c["pointsPerUsd"],
        w.market.stakerShareBps.call(),
    )
    s, rules = w.points.mintState.call(), w.points.rules.call()
    mint = MintState(
        s["orderCap"],
        s["epochCap"],
        rules["accountEpochCap"],
        rules["reviewPoints"],
        s["epoch"],
        s["epochMintedCenti"],
    )
    staking = Staking(
        w.staking.warmupSeconds.call(),
        w.staking.cooldownSeconds.call(),
        w.staking.withdrawWindowSeconds.call(),
        tuple(w.staking.rewardTokens.call()),
    )
    assert list(staking.reward_tokens) == w.reward_tokens
    holders = [*w.accounts, w.market.address, w.staking.address]
    balances = {
        token: {h: contract.balanceOf.call(h) for h in holders}
        for token, contract in zip(w.token_addresses, (w.wbtc, w.usdc, w.busd), strict=True)
    }
    supply = w.points.totalSupply.call()
    assert supply == 0 and w.staking.totalStaked.call() == 0
    return Model(
        now=now,
        tokens=tokens,
        oracle=Oracle(feeds),
        config=config,
        mint=mint,
        staking=staking,
        balances=balances,
        points={},
        points_supply=supply,
        arbiters={str(a) for a in w.arbiters},
        initial_points_supply=supply,
    )


def seed(system: System) -> None:
    """What every example starts from: points earned by everyone, some stakes, open orders
    in each state, a protected listing and a digital one."""
    w, people = system.w, [str(p) for p in system.w.people]
    wbtc, usdc, busd = w.token_addresses
    system.refresh_feeds()
    shop = system.list_item(people[0], 1_000 * USD, 50, [wbtc, usdc, busd], 0, 2_000)
    protected = system.list_item(people[1], 250 * USD, 50, [wbtc], 1_000, 1_000)
    shop, protected = system.m.listings[shop], system.m.listings[protected]
    arbiter = people[6]
    for buyer in people[1:]:
        order = system.checkout(buyer, shop, wbtc, 1, people[7] if buyer == arbiter else arbiter)
        system.ship(order, people[0])
        system.confirm(order, buyer)
    order = system.checkout(people[0], protected, wbtc, 1, arbiter)
    system.ship(order, people[1])
    system.confirm(order, people[0])
    for person in people[:5]:
        system.stake(person, system.m.points[person] // 2)
    system.checkout(people[5], shop, usdc, 2, arbiter)
    shipped = system.checkout(people[2], protected, wbtc, 1, people[7])
    system.ship(shipped, people[1])
    disputed = system.checkout(people[3], shop, busd, 1, people[8])
    system.open_dispute(disputed, people[3])
    system.set_commission(shop, 1_000, people[0])
    system.set_referrer(people[0], people[5], True)  # the cart's shop line pays, the other not
    cart = system.checkout_cart(
        people[4], [(shop, 1, 0), (protected, 1, 0)], wbtc, arbiter, people[5]
    )
    system.ship_batch(cart, people[0])  # the second line is people[1]'s: refused, nothing shipped
    system.ship(cart[0], people[0])
    system.list_digital(people[2], 40 * USD, [wbtc, usdc], 0, 2_000)
    system.check_all()


@pytest.fixture(scope="module")
def seeded(world):
    system = System(world, model_of(world))
    seed(system)
    return system.m


# --- the machine ------------------------------------------------------------------------------

FAULTS = [None] * 10 + ["expired", "max_payment", "points_cap", "quantity", "arbiter", "token"]
CART_FAULTS = [None] * 8 + ["expired", "max_payment", "stock", "token", "own listing", "referrer"]
TOKEN_SETS = [(0,), (1, 2), (0, 1, 2), (2,), (0, 2)]
WINDOW_PRESETS = [
    (7 * ONE_DAY, 14 * ONE_DAY, 7 * ONE_DAY, 2 * ONE_DAY),  # the defaults
    (ONE_DAY, ONE_DAY, ONE_DAY, ONE_HOUR),  # the shortest
    (60 * ONE_DAY, 60 * ONE_DAY, 30 * ONE_DAY, 7 * ONE_DAY),  # the longest
    (3 * ONE_DAY, 5 * ONE_DAY, 2 * ONE_DAY, ONE_DAY),
]
# (orderCap, epochCap, accountEpochCap, reviewPoints), and the reward rate of new orders
MINT_PRESETS = [
    (1_000, 1_000_000, 10_000, 5),
    (10_000, 10_000_000, 1_000_000, 50),
    (100, 1_500, 300, 0),
    (1_000, 1_000_000, 1_200, 5),
]
POINTS_RATES = [1, 10, 2, 0, 11]  # 11: above the bound, refused
FEE_SHARES = [2_000, 0, 5_000, 5_001, 1]  # 5,001: above the bound, refused
STAKING_PRESETS = [(7 * ONE_DAY, 2 * ONE_DAY), (ONE_DAY, ONE_DAY), (30 * ONE_DAY, 14 * ONE_DAY)]
FEE_CHOICES = [0, 1, 100, 250, 500]
JUMPS = [1, 59, ONE_HOUR, ONE_HOUR + 1, ONE_DAY, 2 * ONE_DAY, 7 * ONE_DAY, 7 * ONE_DAY + 1]


class Bazaar(System):
    """The rules: each picks its actors and an order, listing or amount from the drawn
    numbers, among those for which the action makes sense, and does nothing if there is
    none. Wrong inputs are made on purpose now and then; the model says which error the
    contract must answer with."""

    st_index = strategy("uint16")
    st_share = st.one_of(st.just(10_000), st.integers(1, 10_000))
    st_price = st.integers(5 * USD, 5_000 * USD)
    st_stock = st.integers(1, 5)
    st_quantity = st.integers(1, 3)
    st_token_set = st.integers(0, len(TOKEN_SETS) - 1)
    st_buffer = st.sampled_from([0, 0, 1_000, 5_000])
    st_cap = st.sampled_from([0, 1_000, 2_000])
    st_fault = st.sampled_from(FAULTS)
    st_cart_fault = st.sampled_from(CART_FAULTS)
    st_relay_attack = st.sampled_from((None, None, None, "replay", "raised fee"))
    st_offer_attack = st.sampled_from(
        (None, None, None, None, "stock", "expired", "cancelled", "counter", "new")
    )
    st_fee_bps = st.integers(min_value=0, max_value=400)  # the cap is 300
    st_lines = st.integers(1, 4)
    st_commission = st.sampled_from([0, 500, 1_000, 2_000, 2_001])  # 2,001: above the cap
    st_flag = strategy("bool")
    st_seldom = st.sampled_from([False, False, False, True])
    st_rating = st.integers(0, 6)
    st_seconds = st.one_of(
        st.sampled_from(JUMPS), st.integers(1, 3 * ONE_DAY), st.integers(1, 20 * ONE_DAY)
    )
    st_refresh = st.sampled_from([True, True, True, False])
    st_offset = st.integers(-1, 2)
    st_factor = st.integers(50, 150)
    st_peg = st.sampled_from([10**8] * 4 + [99_000_000, 98_000_000, 97_999_999, 105_000_000])
    st_stable = st.sampled_from([10**8] * 4 + [99_950_000, 101_000_000, 97_000_000])
    st_feed = st.sampled_from(["btc", "btc", "peg", "stable", "btc2"])
    st_deviation = st.sampled_from([0, 100, -300, 499, -499, 501, -600, 250])
    st_preset = st.integers(0, 3)
    st_sats = st.integers(0, 10 * SATS)

    def setup(self):
        self.m = pickle.loads(type(self).seed_model)
        self.touched = set()
        self.dirty = self.acted = False
        self.steps = -1  # hypothesis checks the invariants once before the first step
        STATS["examples"] += 1

    def teardown(self):
        if self.dirty or sys.exc_info()[0] is not None:
            return  # a step failed (hypothesis calls this in a `finally`): leave it as it is
        if self.steps < MIN_STEPS_PER_EXAMPLE:
            # Hypothesis starts with examples of a step or two (its "small examples"), then
            # mutates them: a waste of a slow test's examples. Rejected, they stop it from
            # making more (after five), and every example counted has a full run of steps.
            STATS["short examples rejected"] += 1
            STATS["steps"] -= self.steps
            hypothesis.reject()
        self.drain()

    # --- pickers ----------------------------------------------------------------------------

    @property
    def people(self) -> list[str]:
        return [str(p) for p in self.w.people]

    def person(self, index: int) -> str:
        return pick(self.people, index)

    def anyone(self, index: int) -> str:
        """A person or the admin: whoever calls a timeout's exit (no party's cooperation)."""
        return pick([*self.people, str(self.w.admin)], index)

    def orders_in(self, *statuses: int) -> list:
        return [o for o in self.m.orders.values() if o.status in statuses]

    def in_time(self, *statuses: int) -> list:
        """Orders in `statuses` whose deadline has not passed, or else all of them."""
        orders = self.orders_in(*statuses)
        return [o for o in orders if o.deadline >= self.next_ts] or orders

    def listing_for(self, buyer: str, index: int, token: str | None = None):
        listings = [
            item
            for item in self.m.listings.values()
            if item.active and item.stock and item.seller != buyer
        ]
        matching = [item for item in listings if token is None or token in item.tokens]
        return pick(matching or listings, index)

    def arbiter_for(self, order_parties: tuple[str, str], index: int) -> str:
        fair = [a for a in sorted(self.m.arbiters) if a not in order_parties]
        return pick(fair or self.people, index)

    def stranger_to(self, order, index: int) -> str:
        return pick([p for p in self.people if p not in (order.buyer, order.seller)], index)

    # --- listings -----------------------------------------------------------------------------

    def rule_list(
        self,
        seller="st_index",
        price="st_price",
        stock="st_stock",
        tokens="st_token_set",
        buffer="st_buffer",
        cap="st_cap",
    ):
        chosen = [self.w.token_addresses[i] for i in TOKEN_SETS[tokens]]
        self.list_item(self.person(seller), price, stock, chosen, buffer, cap)

    def rule_list_digital(
        self,
        seller="st_index",
        price="st_price",
        tokens="st_token_set",
        buffer="st_buffer",
        cap="st_cap",
    ):
        chosen = [self.w.token_addresses[i] for i in TOKEN_SETS[tokens]]
        self.list_digital(self.person(seller), price, chosen, buffer, cap)

    def rule_update_listing(self, index="st_index", price="st_price", stock="st_stock"):
        listing = pick([item for item in self.m.listings.values() if item.active], index)
        if listing is not None:
            self.update_listing(listing, price, stock if stock > 1 else listing.stock)

    def rule_delist(self, index="st_index", wrong_sender="st_flag"):
        listing = pick([item for item in self.m.listings.values() if item.active], index)
        if listing is not None:
            sender = self.person(index + 1) if wrong_sender else listing.seller
            self.delist(listing, sender)

    # --- checkout -----------------------------------------------------------------------------

    def _checkout(self, buyer, index, token, quantity, arbiter, fault, points=0):
        listing = self.listing_for(buyer, index, token)
        if listing is None:
            return
        if index % 4:
            self.refresh_stale_feeds()  # else the oracle may refuse: predicted too
        if token not in listing.tokens and fault != "token":
            token = listing.tokens[index % len(listing.tokens)]
        if fault == "token":
            others = [t for t in self.w.token_addresses if t not in listing.tokens]
            token = pick(others, index) or token
        chosen_arbiter = self.arbiter_for((buyer, listing.seller), arbiter)
        if fault == "arbiter":
            chosen_arbiter = pick([buyer, listing.seller, str(self.w.admin)], arbiter)
        quantity = listing.stock + 1 if fault == "quantity" else min(quantity, listing.stock)
        known = {"expired", "max_payment", "points_cap"}
        self.checkout(
            buyer,
            listing,
            token,
            quantity,
            chosen_arbiter,
            points,
            fault if fault in known else None,
        )

    def rule_checkout_in_wbtc(
        self,
        buyer="st_index",
        index="st_index",
        quantity="st_quantity",
        arbiter="st_index",
        fault="st_fault",
    ):
        wbtc = self.w.wbtc.address
        self._checkout(self.person(buyer), index, wbtc, quantity, arbiter, fault)

    def rule_checkout_in_a_stablecoin(
        self,
        buyer="st_index",
        index="st_index",
        quantity="st_quantity",
        arbiter="st_index",
        fault="st_fault",
        busd="st_flag",
    ):
        token = self.w.busd.address if busd else self.w.usdc.address
        self._checkout(self.person(buyer), index, token, quantity, arbiter, fault)

    def rule_checkout_a_digital_item(
        self, buyer="st_index", index="st_index", arbiter="st_index", token="st_index"
    ):
        """Delivered at checkout: the order starts Shipped, its window the digital one."""
        who = self.person(buyer)
        items = [
            item
            for item in self.m.listings.values()
            if item.goods_id and item.active and item.stock and item.seller != who
        ]
        listing = pick(items, index)
        if listing is None:
            return
        if index % 4:
            self.refresh_stale_feeds()
        coin = listing.tokens[token % len(listing.tokens)]
        self.checkout(who, listing, coin, 1, self.arbiter_for((who, listing.seller), arbiter))

    def rule_checkout_redeeming_points(
        self,
        buyer="st_index",
        index="st_index",
        quantity="st_quantity",
        arbiter="st_index",
        share="st_share",
        token="st_index",
    ):
        m = self.m
        people = [p for p in self.people if m.points.get(p, 0) >= POINT_UNITS_PER_USD_UNIT]
        who = pick(people, buyer)
        if who is None:
            return
        listings = [
            item
            for item in m.listings.values()
            if item.active and item.stock and item.seller != who and item.points_cap_bps
        ]
        listing = pick(listings, index)
        if listing is None:
            return
        quantity = min(quantity, listing.stock)
        cap = listing.price * quantity * listing.points_cap_bps // 10_000
        most = min(m.points[who], cap * POINT_UNITS_PER_USD_UNIT)
        points = max(most * share // 10_000, POINT_UNITS_PER_USD_UNIT)
        arbiter_ = self.arbiter_for((who, listing.seller), arbiter)
        coin = listing.tokens[token % len(listing.tokens)]
        if index % 4:
            self.refresh_stale_feeds()
        self.checkout(who, listing, coin, quantity, arbiter_, points)

    def rule_checkout_a_cart(
        self,
        buyer="st_index",
        index="st_index",
        lines="st_lines",
        quantity="st_quantity",
        arbiter="st_index",
        referrer="st_index",
        fault="st_cart_fault",
        token="st_index",
    ):
        """Lines from one or several sellers in one token, one order each; now and then a
        line that must fail (out of stock, a token not accepted, the buyer's own listing), or
        a referrer that may not refer (the buyer, a seller, the arbiter)."""
        who = self.person(buyer)
        coin = pick(self.w.token_addresses, token)
        listings = [
            item
            for item in self.m.listings.values()
            if item.active and item.stock and item.seller != who and coin in item.tokens
        ]
        if not listings:
            return
        chosen = [pick(listings, index + 7 * n) for n in range(lines)]
        cart = [(item, min(quantity, item.stock), 0) for item in chosen]
        if fault == "stock":
            item, _, _ = cart[-1]
            cart[-1] = (item, item.stock + 1, 0)
        elif fault in ("token", "own listing"):
            odd = [
                item
                for item in self.m.listings.values()
                if item.active
                and item.stock
                and (coin not in item.tokens if fault == "token" else item.seller == who)
            ]
            if odd:
                cart.insert(1, (pick(odd, index), 1, 0))
        sellers = tuple(item.seller for item, _, _ in cart)
        chosen_arbiter = self.arbiter_for((who, *sellers), arbiter)
        referral = None
        if referrer % 3 != 1:  # (uint16 draws favour 0 and 65,535)
            fair = [p for p in self.people if p not in (who, chosen_arbiter, *sellers)]
            referral = pick(fair, referrer)
        if fault == "referrer":
            referral = pick([who, sellers[0], chosen_arbiter], referrer)
        if index % 4:
            self.refresh_stale_feeds()
        known = {"expired", "max_payment"}
        self.checkout_cart(
            who, cart, coin, chosen_arbiter, referral, fault if fault in known else None
        )

    def rule_checkout_a_cart_by_signature(
        self,
        buyer="st_index",
        index="st_index",
        lines="st_lines",
        quantity="st_quantity",
        relayer="st_index",
        fee="st_fee_bps",
        attack="st_relay_attack",
        token="st_index",
    ):
        """A cart signed by its buyer for Permit2 and relayed by another person for a fee (in
        basis points of the cart's total: sometimes above the cap); now and then a replay of
        one of the buyer's used signatures, or a relayer that raises the fee it was signed."""
        who = self.person(buyer)
        coin = pick(self.w.token_addresses, token)
        listings = [
            item
            for item in self.m.listings.values()
            if item.active and item.stock and item.seller != who and coin in item.tokens
        ]
        if not listings:
            return
        chosen = [pick(listings, index + 7 * n) for n in range(lines)]
        cart = [(item, min(quantity, item.stock), 0) for item in chosen]
        sellers = tuple(item.seller for item, _, _ in cart)
        chosen_arbiter = self.arbiter_for((who, *sellers), index)
        submitter = pick([p for p in self.people if p != who], relayer)
        if index % 4:
            self.refresh_stale_feeds()
        self.checkout_cart(who, cart, coin, chosen_arbiter, None, relay=(submitter, fee, attack))

    def rule_checkout_a_signed_offer(
        self,
        seller="st_index",
        buyer="st_index",
        price="st_price",
        stock="st_stock",
        quantity="st_quantity",
        attack="st_offer_attack",
        token="st_index",
    ):
        """A person signs an offer (no transaction) or reuses one it signed, another buys from
        it; now and then past the units left, after its expiry, after the seller cancelled
        it, or after the seller's cancelAllOffers (stale counter): refused, nothing changed.
        The model counts the units each offer sold, and the restocks of its orders."""
        maker = self.person(seller)
        who = pick([p for p in self.people if p != maker], buyer)
        coin = pick(self.w.token_addresses, token)
        mine = [
            o
            for o in self.m.offers.values()
            if o.offer.seller == maker
            and coin in o.listing.tokens
            and o.offer.expiry > self.next_ts
        ]
        signed = pick(mine, price) if attack != "new" else None
        if signed is None or attack == "expired":
            expiry = self.next_ts - 1 if attack == "expired" else self.next_ts + 30 * ONE_DAY
            others = [t for t in self.w.token_addresses if t != coin]
            tokens = [coin, *others[: price % 2]]
            signed = self.sign_offer(maker, price, max(stock, 1), tokens, expiry)
        if attack == "cancelled":
            self.cancel_offer(signed, maker if price % 4 else who)
        elif attack == "counter":
            self.cancel_all_offers(maker)
        units = (
            signed.listing.stock + 1 if attack == "stock" else min(quantity, signed.listing.stock)
        )
        arbiter = self.arbiter_for((who, maker), token)
        if price % 4:
            self.refresh_stale_feeds()
        self.checkout_offer(who, signed, coin, units, arbiter)
        self.check_offers_filled()

    def rule_set_commission(self, index="st_index", bps="st_commission", wrong_sender="st_seldom"):
        listing = pick([item for item in self.m.listings.values() if item.active], index)
        if listing is not None:
            sender = self.person(index + 1) if wrong_sender else listing.seller
            self.set_commission(listing, bps, sender)

    def rule_set_referrer(
        self, index="st_index", referrer="st_index", approved="st_flag", zero="st_seldom"
    ):
        """A seller (mostly one with an active listing) approves or revokes a referrer; now
        and then the zero address, refused."""
        listing = pick([item for item in self.m.listings.values() if item.active], index)
        seller = listing.seller if listing is not None else self.person(index)
        account = ZERO_ADDRESS if zero and approved else self.person(referrer)
        self.set_referrer(seller, account, approved)

    # --- order lifecycle ----------------------------------------------------------------------

    def rule_ship_a_batch(self, index="st_index", size="st_lines", wrong="st_seldom"):
        """A seller's paid orders shipped at once; now and then one that is not theirs."""
        first = pick(self.in_time(PAID), index)
        if first is None:
            return
        mine = [o for o in self.in_time(PAID) if o.seller == first.seller and o is not first]
        batch = [first, *mine[: size - 1]]
        others = [o for o in self.orders_in(PAID) if o.seller != first.seller]
        if wrong and others:
            batch.append(pick(others, index))
        self.ship_batch(batch, first.seller)

    def rule_confirm_a_batch(self, index="st_index", size="st_lines", wrong="st_seldom"):
        """A buyer's shipped orders confirmed at once; now and then one that is not theirs."""
        first = pick(self.orders_in(SHIPPED), index)
        if first is None:
            return
        mine = [o for o in self.orders_in(SHIPPED) if o.buyer == first.buyer and o is not first]
        batch = [first, *mine[: size - 1]]
        others = [o for o in self.orders_in(SHIPPED) if o.buyer != first.buyer]
        if wrong and others:
            batch.insert(1, pick(others, index))
        self.confirm_batch(batch, first.buyer)

    def rule_ship(self, index="st_index", wrong_sender="st_flag"):
        order = pick(self.in_time(PAID), index)
        if order is not None:
            self.ship(order, order.buyer if wrong_sender and index % 4 == 0 else order.seller)

    def rule_confirm(self, index="st_index"):
        order = pick(self.orders_in(SHIPPED), index)
        if order is not None:
            self.confirm(order, order.buyer)

    def rule_release_after_the_window(self, index="st_index", caller="st_index"):
        order = pick(self.orders_in(SHIPPED), index)
        if order is not None:
            self.release(order, self.anyone(caller))

    def rule_reclaim_after_the_fulfilment_deadline(self, index="st_index", caller="st_index"):
        order = pick(self.orders_in(PAID), index)
        if order is not None:
            self.reclaim(order, self.anyone(caller))

    def rule_cancel_before_shipping(self, index="st_index", by_buyer="st_flag"):
        """The buyer asks to cancel, or the seller cancels (those asked first)."""
        orders = self.orders_in(PAID)
        if by_buyer:
            order = pick(orders, index)
            if order is not None:
                self.cancel(order, order.buyer)
            return
        order = pick([o for o in orders if o.flags & FLAG_CANCEL_REQUESTED] or orders, index)
        if order is not None:
            self.cancel(order, order.seller)

    def rule_refund(self, index="st_index", share="st_share"):
        """Partial or full (refused while disputed: the ruling decides)."""
        order = pick(self.orders_in(*OPEN), index)
        if order is not None:
            self.refund(order, max(order.amount * share // 10_000, 1), order.seller)

    def rule_refund_then_complete(
        self, index="st_index", share="st_share", times="st_quantity", release="st_flag"
    ):
        """Partial refunds, then completion (confirmed, or released after the window): the
        seller is paid the rest, points are minted on the USD that settled, redeemed points
        burned in proportion."""
        order = pick(self.orders_in(PAID, SHIPPED), index)
        if order is None:
            return
        for _ in range(times):
            part = order.amount * min(share, 9_000) // 10_000 // times
            if part:
                self.refund(order, part, order.seller)
        if order.status == PAID:
            self.ship(order, order.seller)
        if order.status != SHIPPED:
            return
        self.refresh_stale_feeds()
        if release and self.land_next_at(order.deadline + 1, refresh=True):
            self.release(order, self.anyone(index))
        else:
            self.confirm(order, order.buyer)

    def rule_open_dispute(self, index="st_index", by_buyer="st_flag"):
        order = pick(self.in_time(PAID, SHIPPED), index)
        if order is not None:
            self.open_dispute(order, order.buyer if by_buyer else order.seller)

    def rule_arbiter_rules(self, index="st_index", share="st_share", too_much="st_flag"):
        """A share of the ruled part for the buyer (all of it, nothing, or between)."""
        order = pick(self.in_time(DISPUTED), index)
        if order is None:
            return
        if too_much and index % 4 == 0:
            share = 10_001
        elif index % 5 == 0:
            share = 0
        self.refresh_stale_feeds()
        self.resolve(order, share, order.arbiter)

    def rule_resolve_after_the_ruling_deadline(self, index="st_index", caller="st_index"):
        order = pick(self.orders_in(DISPUTED), index)
        if order is not None:
            self.resolve_after_timeout(order, self.anyone(caller))

    def rule_review(self, index="st_index", rating="st_rating", open_one="st_seldom"):
        """A review of an ended order (completed, refunded, cancelled or resolved; points
        only for completed orders that settled $10 or more), or now and then of an open one
        (refused)."""
        ended = self.orders_in(COMPLETED, REFUNDED, CANCELLED, RESOLVED)
        order = pick(self.orders_in(*OPEN) if open_one else ended, index)
        if order is not None:
            self.review(order, rating, order.buyer)

    def rule_someone_else_meddles(self, index="st_index", who="st_index", action="st_preset"):
        """A party that is not entitled tries an order's call: refused."""
        order = pick(self.orders_in(*OPEN), index)
        if order is None:
            return
        stranger = self.stranger_to(order, who)
        [self.ship, self.confirm, self.cancel, self.open_dispute][action](order, stranger)

    def rule_claim_credit(self, index="st_index", token="st_index", to_another="st_flag"):
        owed = sorted(key for key, credit in self.m.credits.items() if credit)
        account, coin = pick(owed, index) or (
            self.person(index),
            pick(self.w.token_addresses, token),
        )
        to = self.person(index + 1) if to_another else account
        self.claim(account, coin, to)

    def rule_withdraw_fees(self, token="st_index"):
        """The stakers' share streams to the staking contract (not for a token it does not
        stream: all to the treasury), the rest to the treasury."""
        self.withdraw_fees(pick(self.w.token_addresses, token))

    def rule_sweep_a_mistaken_transfer(
        self, who="st_index", token="st_index", amount="st_sats", sweep_now="st_flag"
    ):
        """Someone sends tokens straight to the marketplace; anyone sweeps the surplus to the
        treasury (nothing to sweep: refused; the points it escrows: never)."""
        coin = pick(self.w.token_addresses, token)
        if amount % 3:
            self.send_by_mistake(self.person(who), coin, amount % (10**6) + 1)
        if sweep_now:
            target = self.w.points.address if amount % 7 == 0 else coin
            self.sweep(target, self.anyone(who))

    def rule_resell_a_digital_item(
        self, index="st_index", price="st_price", tokens="st_token_set", buffer="st_buffer"
    ):
        """A buyer lists a digital item it holds: its sale pays the creator's royalty."""
        people = set(self.people)
        held = sorted(
            g
            for g, owner in self.m.goods_owner.items()
            if owner in people and owner != self.m.goods_creator[g]
        )
        goods_id = pick(held, index)
        if goods_id is not None:
            chosen = [self.w.token_addresses[i] for i in TOKEN_SETS[tokens]]
            self.resell_digital(goods_id, price, chosen, buffer, 0)

    def rule_pass_on_a_digital_item(self, index="st_index", to="st_index"):
        people = set(self.people)
        held = sorted(g for g, owner in self.m.goods_owner.items() if owner in people)
        goods_id = pick(held, index)
        if goods_id is not None:
            self.pass_on_item(goods_id, self.person(to))

    # --- time, prices, feeds, the stablecoin --------------------------------------------------

    def rule_time_passes(self, seconds="st_seconds", refresh="st_refresh"):
        self.advance(seconds)
        if refresh:
            self.refresh_feeds()

    def rule_at_an_order_deadline(
        self, index="st_index", offset="st_offset", late="st_flag", refresh="st_refresh"
    ):
        """At deadline - 1, deadline, + 1 or + 2: the timeout exit (refused up to the
        deadline), or the action that must come before it (refused after)."""
        order = pick(self.orders_in(*OPEN), index)
        if order is None or not self.land_next_at(order.deadline + offset, refresh):
            return
        if order.status == PAID:
            self.reclaim(order, order.buyer) if late else self.ship(order, order.seller)
        elif order.status == SHIPPED:
            self.release(order, order.seller) if late else self.open_dispute(order, order.buyer)
        elif late:
            self.resolve_after_timeout(order, order.seller)
        else:
            self.resolve(order, 3_333, order.arbiter)

    def rule_a_price_moves(self, feed="st_feed", factor="st_factor", peg="st_peg"):
        """BTC/USD moves by -50 % .. +50 %; WBTC/BTC or the stablecoin's USD price moves
        around its peg (sometimes below the depeg floor, or above par)."""
        if feed == "btc":
            answer = self.m.oracle.feeds["btc"].answer * factor // 100
            self.set_answer("btc", min(max(answer, 5_000 * USD), 5_000_000 * USD))
        else:
            self.set_answer(feed, peg)

    def rule_outage_at_settlement(self, index="st_index", burns_gas="st_flag", wait="st_flag"):
        """A USD-protected order's feed fails: its settlement is refused (the price cannot be
        read), someone records the outage, time passes beyond the bound (three days) and the
        order settles at its locked amount; or the feed returns and the record is cleared."""
        orders = [o for o in self.orders_in(SHIPPED, DISPUTED) if o.buffer_bps]
        order = pick(orders, index)
        if order is None:
            return
        version = self.m.tokens[order.token].versions[order.version - 1]
        feed = version.usd_feed if version.usd_feed and index % 3 else version.peg_feed
        if self.m.oracle.feeds[feed].mode == NORMAL:
            self.set_feed_mode(feed, BURNS_GAS if burns_gas else REVERTS)
        self._settle_now(order, index)  # refused: no outage recorded (or not long enough)
        self.record_outage(order.token, order.version, self.anyone(index))
        if wait:
            key = (order.token, order.version)
            since = self.m.oracle.outage_since(key, self.m.now) or self.m.now
            target = max(since + SETTLEMENT_OUTAGE_SECONDS, order.deadline + 1)
            self.keep_outages_seen([key], target)  # seen again daily: the record stays live
            self.land_next_at(target, True)
            self._settle_now(order, index)  # at the locked amount
        self.set_feed_mode(feed, NORMAL)
        self.refresh_feeds()
        self.record_outage(order.token, order.version, self.anyone(index + 1))  # cleared

    def _settle_now(self, order, index: int) -> None:
        if order.status == SHIPPED:
            if self.next_ts > order.deadline:
                self.release(order, self.anyone(index))
            else:
                self.confirm(order, order.buyer)
        elif order.status == DISPUTED:
            if self.next_ts > order.deadline:
                self.resolve_after_timeout(order, self.anyone(index))
            else:
                self.resolve(order, index % 10_001, order.arbiter)

    def rule_record_an_outage(self, index="st_index", token="st_index"):
        """Anyone records an outage of some version (or clears one; refused when the version
        can be read and nothing is recorded)."""
        coin = pick(self.w.token_addresses[:2], token)
        versions = self.m.tokens[coin].latest
        self.record_outage(coin, 1 + index % versions, self.anyone(index))

    def rule_governance_adds_a_version(
        self, token="st_flag", move="st_deviation", index="st_index"
    ):
        """A new oracle configuration for new orders: WBTC's BTC/USD leg moves to the other
        BTC/USD feed (its answer within a few per cent of the latest version's: refused beyond
        5 %), or USDC is configured anew; orders already paid settle against their version."""
        if token:
            coin = self.w.usdc.address
            version = Version("stable", None, self.m.tokens[coin].versions[-1].depeg_floor)
        else:
            coin = self.w.wbtc.address
            latest = self.m.tokens[coin].versions[-1]
            other = "btc2" if latest.usd_feed == "btc" else "btc"
            answer = self.m.oracle.feeds[latest.usd_feed].answer * (10_000 + move) // 10_000
            self.set_answer(other, answer)
            self.refresh_stale_feeds()
            version = Version(latest.peg_feed, other, latest.depeg_floor)
        self.configure_version(coin, version)

    def rule_a_feed_fails(
        self, feed="st_feed", burns_gas="st_flag", index="st_index", stays="st_seldom"
    ):
        """A feed starts reverting (or burning all the gas it is given): checkouts in the
        tokens it prices are refused, every timeout exit still works (USD-protected orders
        settle at their locked amount); it recovers at once, or when this rule comes again."""
        if self.m.oracle.feeds[feed].mode != NORMAL:
            self.set_feed_mode(feed, NORMAL)
            return
        self.set_feed_mode(feed, BURNS_GAS if burns_gas else REVERTS)
        self.try_new_business(index)
        if not stays:
            self.set_feed_mode(feed, NORMAL)

    def rule_the_stablecoin_pauses_or_blacklists(self, index="st_index", pause="st_flag"):
        """The test stablecoin pauses or resumes, or (un)blacklists someone (the marketplace
        itself now and then): payouts become credits, claims wait."""
        if pause:
            self.set_busd_paused(not self.m.busd_paused)
        else:
            account = pick([*self.people, self.w.market.address], index)
            self.set_blacklisted(account, account not in self.m.blacklisted)

    def rule_the_guardian_pauses(self, index="st_index", stays="st_seldom"):
        """The guardian pauses: new listings and checkouts are refused, every timeout exit
        still works; then it resumes (or stays paused until this rule comes again)."""
        if self.m.config.paused:
            self.set_paused(False)
            return
        self.set_paused(True)
        self.try_new_business(index)
        if not stays:
            self.set_paused(False)

    def try_new_business(self, index: int) -> None:
        """A listing and a checkout (refused, the model says why) while something is down,
        and the timeout exits of every open order checked there and then."""
        buyer = self.person(index)
        listing = self.listing_for(buyer, index)
        if listing is not None:
            arbiter = self.arbiter_for((buyer, listing.seller), index)
            self.checkout(buyer, listing, listing.tokens[index % len(listing.tokens)], 1, arbiter)
        self.list_item(buyer, 10 * USD, 1, [self.w.wbtc.address], 0, 0)
        orders = self.orders_in(*OPEN)
        exits = web3.provider.make_batch_request(self.exit_calls(orders)) if orders else []
        self.check_timeout_exits(orders, exits)

    def rule_governance_changes_a_parameter(
        self, what="st_preset", preset="st_preset", index="st_index"
    ):
        """Fees, windows, the arbiter set, minting or unstaking parameters: orders and
        unstake requests in flight keep what they were made with."""
        if what == 0:
            self.set_fees(pick(FEE_CHOICES, preset + index), pick(FEE_CHOICES, index))
        elif what == 1:
            self.set_windows(*WINDOW_PRESETS[preset])
        elif what == 2:
            account = pick(self.people[4:], index)
            self.set_arbiter(account, account not in self.m.arbiters)
        elif index % 4 == 1:
            self.set_mint_config(*MINT_PRESETS[preset % len(MINT_PRESETS)])
        elif index % 4 == 3:
            self.set_points_rate(pick(POINTS_RATES, preset + index))
        elif index % 8 == 0:
            self.set_fee_share(pick(FEE_SHARES, preset + index // 8))
        else:
            self.set_staking_windows(*STAKING_PRESETS[preset % len(STAKING_PRESETS)])

    # --- points and staking ---------------------------------------------------------------------

    def rule_stake(self, who="st_index", share="st_share"):
        holders = [p for p in self.people if self.m.points.get(p, 0)]
        account = pick(holders, who) or self.person(who)
        self.stake(account, self.m.points.get(account, 0) * share // 10_000)

    def rule_request_unstake(self, who="st_index", share="st_share"):
        stakers = [p for p in self.people if self.m.staking.staked.get(p, 0)]
        account = pick(stakers, who) or self.person(who)
        self.request_unstake(account, self.m.staking.staked.get(account, 0) * share // 10_000)

    def rule_withdraw_unstaked_points(self, who="st_index"):
        waiting = sorted(self.m.staking.pending)
        self.withdraw(pick(waiting, who) or self.person(who))

    def rule_withdraw_at_the_window_edges(
        self, who="st_index", to_close="st_flag", offset="st_offset"
    ):
        """Withdraws at readyAt - 1 .. + 2 or closesAt - 1 .. + 2."""
        account = pick(sorted(self.m.staking.pending), who)
        if account is None:
            return
        pending = self.m.staking.pending[account]
        edge = pending.closes_at if to_close else pending.ready_at
        if self.land_next_at(edge + offset, refresh=False):
            self.withdraw(account)

    def rule_cancel_unstake(self, who="st_index"):
        waiting = sorted(self.m.staking.pending)
        self.cancel_unstake(pick(waiting, who) or self.person(who))

    def rule_activate(self, who="st_index", by="st_index"):
        warming = [p for p in self.people if self.m.staking.matures_at.get(p)]
        self.activate(pick(warming, who) or self.person(who), self.person(by))

    def rule_delegate(self, who="st_index", to="st_index"):
        self.delegate(self.person(who), self.person(to))

    def rule_deposit_rewards(self, who="st_index", amount="st_sats", token="st_index"):
        coin = pick(self.w.token_addresses, token)  # BUSD is no reward token: refused
        self.deposit_rewards(self.person(who), coin, amount)

    def rule_claim_rewards(self, who="st_index", to_another="st_flag", token="st_index"):
        coin = pick(self.w.reward_tokens, token)
        earners = [p for p in self.people if self.m.staking.earned(p, coin, self.next_ts)]
        account = pick(earners, who) or self.person(who)
        self.claim_rewards(account, coin, self.person(who + 1) if to_another else account)

    def rule_transfer_points(self, who="st_index", to="st_index", share="st_share"):
        holders = [p for p in self.people if self.m.points.get(p, 0)]
        account = pick(holders, who)
        if account is not None:
            amount = self.m.points[account] * share // 10_000
            self.transfer_points(account, self.person(to), amount)

    # --- invariants ---------------------------------------------------------------------------

    def invariant_after_every_step(self):
        self.steps += 1
        if self.steps:
            STATS["steps"] += 1
            STATS["steps that sent or were refused"] += self.acted
        self.acted = False
        if self.dirty or not self.steps:  # else nothing changed since the last check
            self.check_all()


def test_the_whole_suite_keeps_its_invariants(state_machine, world, seeded):
    examples, steps = run_size()
    STATS.clear()
    started = time.monotonic()
    settings = {
        "max_examples": examples,
        "stateful_step_count": steps,
        "suppress_health_check": list(HealthCheck),
        "verbosity": Verbosity.normal,
    }
    Bazaar.seed_model = pickle.dumps(seeded)
    state_machine(Bazaar, world, seeded, settings=settings)
    elapsed = time.monotonic() - started
    summary = ", ".join(f"{key} {value}" for key, value in sorted(STATS.items()))
    print(f"\ninvariant run: {elapsed:.0f} s; {summary}")
    report = {"seconds": round(elapsed), "examples_asked": examples, "steps_asked": steps}
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({**report, **dict(sorted(STATS.items()))}, indent=1) + "\n")
    # Hypothesis runs about the examples asked for (plus mutations and a few that overrun
    # its buffer); a run of many falls short of their steps only if something is wrong.
    least = 0.8 * examples * steps if examples >= 10 else steps / 2
    assert STATS["steps"] >= least, f"{STATS['steps']} steps, far fewer than asked for"
