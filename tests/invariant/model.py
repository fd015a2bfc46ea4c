"""A Python model of the whole BTC Bazaar suite, for the stateful invariant tests.

Plain integers and dictionaries, no chain access: the test machine
(tests/invariant/test_invariants.py) predicts every transaction's outcome with this model (the
exact amounts, or the custom error it must revert with), sends it, and then compares the model
with the contracts' own views.
Every formula here restates a contract's documented behaviour in Python; where a contract
rounds, the model rounds the same way, so the comparison is to the unit.

One file, over 400 lines: the formulas of one suite that call each other (a settlement
feeds the fees, the points and the credits); the driver is split by concern in system/.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from bazaar.settings import BPS, ONE_DAY, ONE_WEEK, USD
from bazaar.types import STATUS_NAMES as STATUS_TUPLE
from bazaar.types import OrderTerms

PEG_ONE = 10**8
MAX_USD_AMOUNT = 10**12 * USD  # PriceMath.MAX_USD_AMOUNT
CENTI = 10**16  # point units per hundredth of a point
POINT_UNITS_PER_USD_UNIT = 10**12  # one whole point redeems for one US cent
USD_UNITS_PER_CENT = 10**6
REWARD_PRECISION = 10**27
MIN_SHARED_STAKE = 10**18  # PointsStaking: streams pause while less than 1 point earns
REWARD_STREAM_SECONDS = 7 * 86_400  # PointsStaking: a deposit streams over a week
TOTAL_SAMPLE_SECONDS = 86_400  # PointsStaking: the staked total is sampled once a day
EPOCH_SECONDS = ONE_WEEK  # RewardPoints.EPOCH_SECONDS
MAX_WINDOW_SECONDS = 60 * ONE_DAY  # longest window any order can be given

# IEscrowMarketplace.Status
NONE, PAID, SHIPPED, COMPLETED, REFUNDED, CANCELLED, DISPUTED, RESOLVED = range(8)
OPEN = (PAID, SHIPPED, DISPUTED)
STATUS_NAMES = dict(enumerate(STATUS_TUPLE))
FLAG_CANCEL_REQUESTED, FLAG_REVIEWED, FLAG_SELLER_DISPUTED_UNSHIPPED = 1, 2, 4
FLAG_REVIEW_REWARDED, FLAG_DIGITAL = 8, 16
SETTLEMENT_OUTAGE_SECONDS = 3 * ONE_DAY  # EscrowMarketplace.SETTLEMENT_OUTAGE_SECONDS
OUTAGE_CONFIRMATION_SECONDS = ONE_DAY  # WbtcUsdOracle.OUTAGE_CONFIRMATION_SECONDS
SETTLEMENT_STALENESS_FACTOR = 2  # WbtcUsdOracle: settlement reads allow twice the staleness
MAX_VERSION_DEVIATION_BPS = 500  # WbtcUsdOracle: a new version within 5 % of the latest
MIN_REVIEW_REWARD_USD = 10 * USD  # EscrowMarketplace: review points from $10 settled
MAX_COMMISSION_BPS = 2_000  # EscrowMarketplace.MAX_COMMISSION_BPS: 20 % of the proceeds
MAX_CART_LINES = 20  # EscrowMarketplace.MAX_CART_LINES
MAX_RELAYER_FEE_BPS = 300  # EscrowMarketplace.MAX_RELAYER_FEE_BPS

# MockAggregator.Mode
NORMAL, REVERTS, BURNS_GAS = 0, 1, 2


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def fee_of(amount: int, bps: int) -> int:
    """SettlementMath.feeOf: rounded down."""
    return amount * bps // BPS


def buffered_deposit(locked: int, buffer_bps: int) -> int:
    """SettlementMath.bufferedDeposit: the locked amount plus the buffer, rounded up."""
    return ceil_div(locked * (BPS + buffer_bps), BPS)


# --- oracle ---------------------------------------------------------------------------------


@dataclass
class Feed:
    """A mock Chainlink feed (8 decimals) and the limits the oracle checks it against."""

    address: str
    answer: int
    updated_at: int
    max_staleness: int
    min_answer: int
    max_answer: int
    mode: int = NORMAL

    def error(self, now: int, factor: int = 1) -> str | None:
        """The oracle's error for this leg at `now` (WbtcUsdOracle._readLeg), or None;
        `factor` multiplies the staleness limit (settlement reads)."""
        if self.mode != NORMAL:
            return "OracleFeedCallFailed"
        if self.updated_at > now:
            return "OracleTimestampInFuture"
        if now - self.updated_at > self.max_staleness * factor:
            return "OracleStale"
        if not self.min_answer <= self.answer <= self.max_answer:
            return "OracleAnswerOutOfBounds"
        return None


@dataclass(frozen=True)
class Version:
    """One configuration version of a payment token: its feeds (keys) and depeg floor."""

    peg_feed: str
    usd_feed: str | None
    depeg_floor: int


@dataclass
class Token:
    """A payment token and its oracle configurations, `versions[v - 1]` being version v
    (append-only; new quotes use the latest)."""

    address: str
    symbol: str
    decimals: int
    versions: list[Version]

    @property
    def latest(self) -> int:
        return len(self.versions)


@dataclass
class Oracle:
    feeds: dict[str, Feed]
    # (token, version) -> (since, last seen): a record vouches for an outage while it was seen
    # again within OUTAGE_CONFIRMATION_SECONDS
    outages: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    def outage_since(self, key: tuple[str, int], now: int) -> int:
        """WbtcUsdOracle.outageSince at `now`: the start of the live outage, or 0."""
        since, seen = self.outages.get(key, (0, 0))
        return 0 if now - seen > OUTAGE_CONFIRMATION_SECONDS else since

    def price(
        self, token: Token, version: int, now: int, settlement: bool
    ) -> tuple[str | None, int, int]:
        """(error, num, den): USD per whole token as WbtcUsdOracle._price (settlement: twice
        the staleness, no depeg floor)."""
        v = token.versions[version - 1]
        factor = SETTLEMENT_STALENESS_FACTOR if settlement else 1
        peg = self.feeds[v.peg_feed]
        if error := peg.error(now, factor):
            return error, 0, 0
        if not settlement and peg.answer * PEG_ONE < v.depeg_floor * 10**8:
            return "OracleDepegged", 0, 0
        capped = min(peg.answer, 10**8)
        if v.usd_feed is None:
            return None, capped, 10**8
        usd_leg = self.feeds[v.usd_feed]
        if error := usd_leg.error(now, factor):
            return error, 0, 0
        return None, usd_leg.answer * capped, 10**16

    def quote(self, token: Token, usd: int, now: int) -> tuple[str | None, int]:
        """(error, token units for `usd`), as WbtcUsdOracle.quote at `now` (rounded up), at
        the latest version."""
        error, num, den = self.price(token, token.latest, now, settlement=False)
        if error:
            return error, 0
        if usd > MAX_USD_AMOUNT:
            return "PriceMathUsdAmountTooLarge", 0
        return None, ceil_div(usd * 10**token.decimals * den, num * USD)

    def settlement_quote(self, token: Token, version: int, usd: int, now: int) -> int | None:
        """settlementQuote(token, version, usd) at `now`: token units, or None (not ok)."""
        error, num, den = self.price(token, version, now, settlement=True)
        if error:
            return None
        return ceil_div(usd * 10**token.decimals * den, num * USD)

    def whole_token_usd(self, token: Token, version: int, now: int, settlement: bool):
        """USD (8 decimals) of one whole token at `version`, or None if it cannot be read."""
        error, num, den = self.price(token, version, now, settlement)
        return None if error else num * USD // den


# --- marketplace ------------------------------------------------------------------------------


@dataclass
class MarketConfig:
    fee_bps: int
    arbiter_fee_bps: int
    fulfilment_window: int
    confirm_window: int
    ruling_window: int
    digital_window: int
    paused: bool
    listing_count: int
    points_per_usd: int  # fixed in each order's terms at checkout
    staker_share_bps: int  # of the fees withdrawn, streamed to the stakers


@dataclass
class Listing:
    id: int
    seller: str
    price: int
    stock: int
    tokens: tuple[str, ...]
    buffer_bps: int
    points_cap_bps: int
    goods_id: int  # 0: physical
    active: bool = True
    commission_bps: int = 0  # offered to referrers of new orders


@dataclass
class SignedOffer:
    """A seller's signed offer (`checkoutOffer`): what it signed (tests.support.offers.Offer),
    its hash, and a listing as the order-writing code sees it (id: the hash as a number; stock:
    the units left to sell, `offer.stock - offerFilled`)."""

    offer: Any
    hash: str
    listing: Listing
    cancelled: bool = False

    @property
    def filled(self) -> int:
        return 2**256 - 1 if self.cancelled else self.offer.stock - self.listing.stock


@dataclass
class Order:
    id: str
    terms: OrderTerms
    amount: int
    deadline: int
    status: int
    goods_id: int
    points_escrowed: int = 0
    flags: int = 0
    refunded: int = 0  # refunded in part so far (the model's own record)

    buyer = property(lambda self: self.terms.buyer)
    seller = property(lambda self: self.terms.seller)
    token = property(lambda self: self.terms.token)
    arbiter = property(lambda self: self.terms.arbiter)
    listing_id = property(lambda self: self.terms.listingId)
    quantity = property(lambda self: self.terms.quantity)
    usd_amount = property(lambda self: self.terms.usdAmount)
    locked = property(lambda self: self.terms.lockedAmount)
    buffer_bps = property(lambda self: self.terms.bufferBps)
    fee_bps = property(lambda self: self.terms.feeBps)
    arbiter_fee_bps = property(lambda self: self.terms.arbiterFeeBps)
    version = property(lambda self: self.terms.oracleVersion)

    @property
    def args(self) -> tuple:
        """The terms as a contract call takes them."""
        return self.terms.as_tuple()

    @property
    def open(self) -> bool:
        return self.status in OPEN


@dataclass
class Settlement:
    """What a USD-protected order's escrow owes the seller now (EscrowMarketplace.
    _protectedOwed), or the error that stops its settlement."""

    error: str | None
    owed: int = 0
    usd_owed: int = 0
    at_locked: bool = False  # settled at the locked amount after a recorded outage


def protected_owed(
    order: Order, oracle: Oracle, token: Token, now: int, past_deadline: bool
) -> Settlement:
    """EscrowMarketplace._protectedOwed: the tokens the USD still owed is worth at the
    order's oracle version (capped at the escrow, the USD shrunk in proportion); while that
    price cannot be read, the locked amount once a recorded outage is old enough (and, when
    `past_deadline`, the order's deadline passed)."""
    escrow, t = order.amount, order.terms
    deposit = buffered_deposit(t.lockedAmount, t.bufferBps)
    usd_owed = t.usdAmount * escrow // deposit
    owed = oracle.settlement_quote(token, t.oracleVersion, usd_owed, now)
    at_locked = owed is None
    if owed is None:
        since = oracle.outage_since((t.token, t.oracleVersion), now)
        if (
            since == 0
            or now < since + SETTLEMENT_OUTAGE_SECONDS
            or (past_deadline and now <= order.deadline)
        ):
            return Settlement("MarketplaceSettlementPriceUnavailable")
        owed = t.lockedAmount * escrow // deposit
    if owed > escrow:
        usd_owed = usd_owed * escrow // owed
        owed = escrow
    return Settlement(None, owed, usd_owed, at_locked)


@dataclass
class Completion:
    """How `_complete` splits an order's escrow (or why it cannot)."""

    error: str | None
    to_seller: int = 0  # after the fee (and before a royalty)
    fee: int = 0
    to_buyer: int = 0
    usd_settled: int = 0
    at_locked: bool = False


def complete_split(order: Order, oracle: Oracle, token: Token, now: int) -> Completion:
    """EscrowMarketplace._complete: locked-amount orders pay the escrow to the seller and
    settle its share of the USD price; USD-protected ones pay the USD still owed at the
    order's version's price (see `protected_owed`) and return the rest to the buyer."""
    escrow = order.amount
    to_seller, at_locked = escrow, False
    if order.buffer_bps == 0:
        usd_settled = order.usd_amount * escrow // order.locked
    else:
        owed = protected_owed(order, oracle, token, now, past_deadline=True)
        if owed.error:
            return Completion(owed.error)
        to_seller, usd_settled, at_locked = owed.owed, owed.usd_owed, owed.at_locked
    fee = fee_of(to_seller, order.fee_bps)
    return Completion(None, to_seller - fee, fee, escrow - to_seller, usd_settled, at_locked)


@dataclass
class Ruling:
    """How `_resolve` splits a disputed order's escrow (or why it cannot)."""

    error: str | None
    to_buyer: int = 0
    seller_gross: int = 0  # before the platform fee
    fee: int = 0
    arbiter_fee: int = 0
    at_locked: bool = False


def ruling_split(
    order: Order, oracle: Oracle, token: Token, now: int, share: int, by_default: bool
) -> Ruling:
    """EscrowMarketplace._resolve: `share` bps of the ruled part (the escrow, or for a
    USD-protected order what its USD price is worth now, the buffer going to the buyer)
    after the arbiter fee; the seller's part rounds down."""
    escrow = order.amount
    ruled, at_locked = escrow, False
    if order.buffer_bps:
        owed = protected_owed(order, oracle, token, now, past_deadline=False)
        if owed.error:
            return Ruling(owed.error)
        ruled, at_locked = owed.owed, owed.at_locked
    arbiter_fee = 0 if by_default else fee_of(ruled, order.arbiter_fee_bps)
    seller_gross = (ruled - arbiter_fee) * (BPS - share) // BPS
    to_buyer = escrow - seller_gross - arbiter_fee
    fee = fee_of(seller_gross, order.fee_bps)
    return Ruling(None, to_buyer, seller_gross, fee, arbiter_fee, at_locked)


def points_burned(points: int, settled: int, whole: int) -> int:
    """EscrowMarketplace._settlePoints: the share of redeemed points burned."""
    return points if settled >= whole else points * settled // whole


# --- points -----------------------------------------------------------------------------------


@dataclass
class MintState:
    order_cap: int
    epoch_cap: int
    account_epoch_cap: int
    review_points: int
    epoch: int
    epoch_minted_centi: int
    tallies: dict[str, tuple[int, int]] = field(default_factory=dict)  # account -> (epoch, centi)

    def award(self, account: str, centi: int, now: int) -> int:
        """RewardPoints._award: point units minted for `centi` hundredths of a point, clipped
        to what is left of the epoch's cap for all, then of the account's own cap (and the
        tallies updated)."""
        epoch = now // EPOCH_SECONDS
        minted = self.epoch_minted_centi if epoch == self.epoch else 0
        centi = min(centi, max(self.epoch_cap * 100 - minted, 0))
        tally_epoch, tally = self.tallies.get(account, (0, 0))
        account_minted = tally if tally_epoch == epoch else 0
        centi = min(centi, max(self.account_epoch_cap * 100 - account_minted, 0))
        if centi == 0:
            return 0
        self.epoch = epoch
        self.epoch_minted_centi = minted + centi
        self.tallies[account] = (epoch, account_minted + centi)
        return centi * CENTI

    def order_award(self, account: str, usd_settled: int, per_usd: int, now: int) -> int:
        """RewardPoints.onOrderCompleted for `usd_settled` (8 decimals) at `per_usd`."""
        centi = usd_settled // USD_UNITS_PER_CENT * per_usd
        return self.award(account, min(centi, self.order_cap * 100), now)

    def review_award(self, account: str, now: int) -> int:
        return self.award(account, self.review_points * 100, now)


# --- staking ----------------------------------------------------------------------------------


@dataclass
class Pending:
    amount: int = 0
    ready_at: int = 0
    closes_at: int = 0


class Trace:
    """A checkpointed value over time (OpenZeppelin Checkpoints.Trace208 keyed by timestamp):
    the value at `t` is the last one written at or before `t`."""

    def __init__(self) -> None:
        self.keys: list[int] = []
        self.values: list[int] = []

    def latest(self) -> int:
        return self.values[-1] if self.values else 0

    def push(self, t: int, value: int) -> None:
        if self.keys and self.keys[-1] == t:
            self.values[-1] = value
        else:
            self.keys.append(t)
            self.values.append(value)

    def at(self, t: int) -> int:
        i = bisect_right(self.keys, t)
        return self.values[i - 1] if i else 0


@dataclass
class Stream:
    """One reward token's stream: rate (units a second, times REWARD_PRECISION), end, last
    update, accumulator."""

    rate: int = 0
    finish: int = 0
    last_update: int = 0
    reward_per_unit: int = 0


@dataclass
class Staking:
    """PointsStaking: stakes, delegation, the warm-up rule, cooldowns, and the fee share in
    each reward token (the marketplace's payment tokens it lists): warming buckets, earning
    balances, one stream per token with its pause while less than a point earns."""

    warmup: int
    cooldown: int
    window: int
    reward_tokens: tuple[str, ...] = ()
    staked: dict[str, int] = field(default_factory=dict)
    delegatee: dict[str, str] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)
    paid: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, token)
    owed: dict[tuple[str, str], int] = field(default_factory=dict)
    earning: dict[str, int] = field(default_factory=dict)  # stake past its warm-up, activated
    matures_at: dict[str, int] = field(default_factory=dict)  # the warming bucket's maturity
    earning_total: int = 0
    streams: dict[str, Stream] = field(default_factory=dict)
    units: dict[str, Trace] = field(default_factory=dict)  # delegated units per delegate
    total: Trace = field(default_factory=Trace)

    def stream(self, token: str) -> Stream:
        return self.streams.setdefault(token, Stream())

    def total_staked(self) -> int:
        return self.total.latest()

    def total_pending(self) -> int:
        return sum(p.amount for p in self.pending.values())

    def trace(self, account: str) -> Trace:
        return self.units.setdefault(account, Trace())

    def warming(self, account: str) -> int:
        return self.staked.get(account, 0) - self.earning.get(account, 0)

    def per_unit_at(self, token: str, t: int) -> int:
        """rewardPerToken(token) at `t` (the view: nothing written)."""
        s = self.stream(token)
        if self.earning_total < MIN_SHARED_STAKE:
            return s.reward_per_unit  # paused
        end = min(t, s.finish)
        if end <= s.last_update:
            return s.reward_per_unit
        return s.reward_per_unit + (end - s.last_update) * s.rate // self.earning_total

    def update(self, token: str, t: int) -> int:
        """_updateStream: up to date at `t`; paused (its end moved later) while too little
        earns."""
        s = self.stream(token)
        last, finish = s.last_update, s.finish
        if last == t or finish <= last:
            return s.reward_per_unit
        if self.earning_total < MIN_SHARED_STAKE:
            s.finish = t + (finish - last)
        else:
            s.reward_per_unit += (min(t, finish) - last) * s.rate // self.earning_total
        s.last_update = t
        return s.reward_per_unit

    def settle(self, account: str, t: int) -> None:
        """_settleAll: every stream up to date, the account's share of each booked."""
        for token in self.reward_tokens:
            per_unit, paid = self.update(token, t), self.paid.get((account, token), 0)
            if per_unit == paid:
                continue
            accrued = self.earning.get(account, 0) * (per_unit - paid) // REWARD_PRECISION
            key = (account, token)
            self.owed[key] = self.owed.get(key, 0) + accrued
            self.paid[key] = per_unit

    def earned(self, account: str, token: str, t: int) -> int:
        """earned(account, token) at `t` (a matured bucket not yet activated earns nothing)."""
        per_unit = self.per_unit_at(token, t)
        key = (account, token)
        accrued = self.earning.get(account, 0) * (per_unit - self.paid.get(key, 0))
        return self.owed.get(key, 0) + accrued // REWARD_PRECISION

    def matured(self, account: str, t: int) -> bool:
        return 0 < self.matures_at.get(account, 0) <= t

    def activate(self, account: str, t: int) -> int:
        """_activateIfMatured: the matured bucket joins the earning balance; returns its
        amount (0: nothing to activate)."""
        if not self.matured(account, t):
            return 0
        self.settle(account, t)
        amount = self.warming(account)
        self.earning[account] = self.staked[account]
        self.earning_total += amount
        self.matures_at[account] = 0
        return amount

    def deposit(self, token: str, amount: int, t: int) -> None:
        self.update(token, t)
        s = self.stream(token)
        leftover = (s.finish - t) * s.rate if s.finish > t else 0
        s.rate = (leftover + amount * REWARD_PRECISION) // REWARD_STREAM_SECONDS
        s.finish = t + REWARD_STREAM_SECONDS
        s.last_update = t

    def claim(self, account: str, token: str, t: int) -> int:
        """claimRewards(token): activation (every stream settled), then this token's stream."""
        self.activate(account, t)
        per_unit = self.update(token, t)
        key = (account, token)
        accrued = self.earning.get(account, 0) * (per_unit - self.paid.get(key, 0))
        amount = self.owed.get(key, 0) + accrued // REWARD_PRECISION
        self.paid[key], self.owed[key] = per_unit, 0
        return amount

    def remaining(self, token: str, t: int) -> int:
        """rewardsRemaining(token): what the stream has not paid yet (paused: since its last
        update)."""
        s = self.stream(token)
        start = s.last_update if self.earning_total < MIN_SHARED_STAKE else t
        start = max(start, s.last_update)
        return (s.finish - start) * s.rate // REWARD_PRECISION if s.finish > start else 0

    def _move(self, source: str | None, target: str | None, amount: int, t: int) -> None:
        """Votes._moveDelegateVotes."""
        if source == target or amount == 0:
            return
        if source is not None:
            trace = self.trace(source)
            trace.push(t, trace.latest() - amount)
        if target is not None:
            trace = self.trace(target)
            trace.push(t, trace.latest() + amount)

    def add_units(self, account: str, amount: int, t: int) -> None:
        """_transferVotingUnits(0, account, amount)."""
        self.total.push(t, self.total.latest() + amount)
        self._move(None, self.delegatee.get(account), amount, t)

    def remove_units(self, account: str, amount: int, t: int) -> None:
        """_transferVotingUnits(account, 0, amount)."""
        self.total.push(t, self.total.latest() - amount)
        self._move(self.delegatee.get(account), None, amount, t)

    def stake(self, account: str, amount: int, t: int) -> None:
        self.activate(account, t)
        if self.staked.get(account, 0) == 0 and self.delegatee.get(account) is None:
            self.delegatee[account] = account
        self.staked[account] = self.staked.get(account, 0) + amount
        self.matures_at[account] = t + self.warmup
        self.add_units(account, amount, t)

    def request_unstake(self, account: str, amount: int, t: int) -> Pending:
        self.activate(account, t)
        warming = self.warming(account)
        if amount >= warming:
            self.matures_at[account] = 0
            if amount > warming:
                self.settle(account, t)
                self.earning[account] -= amount - warming
                self.earning_total -= amount - warming
        self.staked[account] -= amount
        self.remove_units(account, amount, t)
        before = self.pending.get(account, Pending()).amount
        ready = t + self.cooldown
        self.pending[account] = Pending(before + amount, ready, ready + self.window)
        return self.pending[account]

    def cancel_unstake(self, account: str, t: int) -> int:
        amount = self.pending.pop(account).amount
        self.activate(account, t)
        self.matures_at[account] = t + self.warmup
        self.staked[account] = self.staked.get(account, 0) + amount
        self.add_units(account, amount, t)
        return amount

    def delegate(self, account: str, target: str, t: int) -> None:
        old = self.delegatee.get(account)
        self.delegatee[account] = target
        self._move(old, target, self.staked.get(account, 0), t)

    def votes_at(self, account: str, t: int) -> int:
        """getPastVotes(account, t) (and getVotes at the current timestamp): the warm-up rule,
        min(delegated units at t, at t - W); 0 before W."""
        trace = self.units.get(account)
        now_units = trace.at(t) if trace else 0
        if now_units == 0 or t < self.warmup:
            return 0
        return min(now_units, trace.at(t - self.warmup))

    def total_at(self, t: int) -> int:
        """getPastTotalSupply(t): the same rule on the total sampled at the start of each day,
        min(total at the start of t's day, at the start of (t - W)'s day); 0 before W."""

        def at_day_start(x: int) -> int:
            return self.total.at(x - x % TOTAL_SAMPLE_SECONDS - 1)

        if t < self.warmup:
            return 0
        now_total = at_day_start(t)
        if now_total == 0:
            return 0
        return min(now_total, at_day_start(t - self.warmup))

    def delegated_units(self, account: str, t: int) -> int:
        trace = self.units.get(account)
        return trace.at(t) if trace else 0


# --- the whole system -----------------------------------------------------------------------


@dataclass
class Model:
    """Everything the machine predicts. Token balances are per token address, per holder."""

    now: int
    tokens: dict[str, Token]
    oracle: Oracle
    config: MarketConfig
    mint: MintState
    staking: Staking
    balances: dict[str, dict[str, int]]  # token -> holder -> units
    points: dict[str, int]  # holder -> point units
    points_supply: int
    arbiters: set[str]
    listings: dict[int, Listing] = field(default_factory=dict)
    # (seller, referrer) pairs the seller approved (setReferrer): only they earn its commissions
    referrers: set[tuple[str, str]] = field(default_factory=set)
    orders: dict[str, Order] = field(default_factory=dict)
    credits: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, token)
    fees: dict[str, int] = field(default_factory=dict)
    goods_owner: dict[int, str] = field(default_factory=dict)
    goods_creator: dict[int, str] = field(default_factory=dict)  # the ERC-2981 receiver
    # seller -> [sum, count, completed, refunded, resolved] (sellerReviews)
    ratings: dict[str, list[int]] = field(default_factory=dict)
    order_counts: dict[str, int] = field(default_factory=dict)  # token -> orders paid in it
    strays: dict[str, int] = field(default_factory=dict)  # token -> sent to the market by mistake
    busd_paused: bool = False
    blacklisted: set[str] = field(default_factory=set)
    permit2_nonces: dict[str, set[int]] = field(default_factory=dict)  # owner -> used nonces
    offers: dict[int, SignedOffer] = field(default_factory=dict)  # by int(offer hash)
    offer_counters: dict[str, int] = field(default_factory=dict)  # seller -> cancelAllOffers
    minted: int = 0  # point units minted since the model started (predicted)
    burned: int = 0
    initial_points_supply: int = 0
    seen_minted: int = 0  # ... and as the points contract's Transfer events said
    seen_burned: int = 0

    def open_orders(self) -> list[Order]:
        return [o for o in self.orders.values() if o.open]

    def balance(self, token: str, holder: str) -> int:
        return self.balances[token].get(holder, 0)

    def move(self, token: str, source: str, target: str, amount: int) -> None:
        book = self.balances[token]
        book[source] = book.get(source, 0) - amount
        book[target] = book.get(target, 0) + amount

    def move_points(self, source: str, target: str, amount: int) -> None:
        self.points[source] = self.points.get(source, 0) - amount
        self.points[target] = self.points.get(target, 0) + amount

    def mint_points(self, to: str, amount: int) -> None:
        self.points[to] = self.points.get(to, 0) + amount
        self.points_supply += amount
        self.minted += amount

    def burn_points(self, holder: str, amount: int) -> None:
        self.points[holder] -= amount
        self.points_supply -= amount
        self.burned += amount
