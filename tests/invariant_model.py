"""A Python model of the whole BTC Bazaar suite, for the stateful invariant tests.

Plain integers and dictionaries, no chain access: the test machine (tests/test_invariants.py)
predicts every transaction's outcome with this model (the exact amounts, or the custom error
it must revert with), sends it, and then compares the model with the contracts' own views.
Every formula here restates a contract's documented behaviour in Python; where a contract
rounds, the model rounds the same way, so the comparison is to the unit.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from eth_abi import encode
from eth_utils import keccak

ONE_HOUR, ONE_DAY, ONE_WEEK = 3_600, 86_400, 7 * 86_400
BPS = 10_000
USD = 10**8  # USD amounts and feed answers carry 8 decimals
PEG_ONE = 10**8
MAX_USD_AMOUNT = 10**12 * USD  # PriceMath.MAX_USD_AMOUNT
POINT = 10**18
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
STATUS_NAMES = dict(
    enumerate(
        ["None", "Paid", "Shipped", "Completed", "Refunded", "Cancelled", "Disputed", "Resolved"]
    )
)
FLAG_CANCEL_REQUESTED, FLAG_REVIEWED = 1, 2

# MockAggregator.Mode
NORMAL, REVERTS, BURNS_GAS = 0, 1, 2

TERMS_TYPES = ["address"] * 4 + ["uint256"] * 9


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def fee_of(amount: int, bps: int) -> int:
    """SettlementMath.feeOf: rounded down."""
    return amount * bps // BPS


def buffered_deposit(locked: int, buffer_bps: int) -> int:
    """SettlementMath.bufferedDeposit: the locked amount plus the buffer, rounded up."""
    return ceil_div(locked * (BPS + buffer_bps), BPS)


def order_id(terms: tuple) -> str:
    """keccak256(abi.encode(terms)), as 0x-hex."""
    return "0x" + keccak(encode(TERMS_TYPES, list(terms))).hex()


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

    def error(self, now: int) -> str | None:
        """The oracle's error for this leg at `now` (WbtcUsdOracle._readLeg), or None."""
        if self.mode != NORMAL:
            return "OracleFeedCallFailed"
        if self.updated_at > now:
            return "OracleTimestampInFuture"
        if now - self.updated_at > self.max_staleness:
            return "OracleStale"
        if not self.min_answer <= self.answer <= self.max_answer:
            return "OracleAnswerOutOfBounds"
        return None


@dataclass(frozen=True)
class Token:
    """A payment token and how the oracle prices it: peg leg, optional USD leg (feed keys)."""

    address: str
    symbol: str
    decimals: int
    peg_feed: str
    usd_feed: str | None
    depeg_floor: int


@dataclass
class Oracle:
    feeds: dict[str, Feed]

    def quote(self, token: Token, usd: int, now: int) -> tuple[str | None, int]:
        """(error, token units for `usd`), as WbtcUsdOracle.quote at `now` (rounded up)."""
        peg = self.feeds[token.peg_feed]
        if error := peg.error(now):
            return error, 0
        if peg.answer * PEG_ONE < token.depeg_floor * 10**8:
            return "OracleDepegged", 0
        capped = min(peg.answer, 10**8)
        if token.usd_feed is None:
            num, den = capped, 10**8
        else:
            usd_leg = self.feeds[token.usd_feed]
            if error := usd_leg.error(now):
                return error, 0
            num, den = usd_leg.answer * capped, 10**16
        if usd > MAX_USD_AMOUNT:
            return "PriceMathUsdAmountTooLarge", 0
        return None, ceil_div(usd * 10**token.decimals * den, num * USD)


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
    order_count: int
    listing_count: int


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


@dataclass
class Order:
    id: str
    terms: tuple
    quantity: int
    amount: int
    deadline: int
    status: int
    goods_id: int
    points_escrowed: int = 0
    flags: int = 0

    buyer = property(lambda self: self.terms[0])
    seller = property(lambda self: self.terms[1])
    token = property(lambda self: self.terms[2])
    arbiter = property(lambda self: self.terms[3])
    listing_id = property(lambda self: self.terms[4])
    usd_amount = property(lambda self: self.terms[6])
    locked = property(lambda self: self.terms[7])
    buffer_bps = property(lambda self: self.terms[8])
    fee_bps = property(lambda self: self.terms[9])
    arbiter_fee_bps = property(lambda self: self.terms[10])

    @property
    def open(self) -> bool:
        return self.status in OPEN


@dataclass
class Completion:
    """How `_complete` splits an order's escrow."""

    to_seller: int  # after the fee
    fee: int
    to_buyer: int


def complete_split(order: Order, oracle: Oracle, token: Token, now: int) -> Completion:
    """EscrowMarketplace._complete: locked-amount orders pay the escrow to the seller;
    USD-protected ones pay the USD still owed at the release-time rate (the locked rate if
    the oracle cannot quote), capped at the escrow, and return the rest to the buyer."""
    escrow = order.amount
    to_seller, to_buyer = escrow, 0
    if order.buffer_bps:
        deposit = buffered_deposit(order.locked, order.buffer_bps)
        usd_owed = order.usd_amount * escrow // deposit
        error, owed = oracle.quote(token, usd_owed, now)
        if error is not None:
            owed = order.locked * escrow // deposit
        to_seller = min(owed, escrow)
        to_buyer = escrow - to_seller
    fee = fee_of(to_seller, order.fee_bps)
    return Completion(to_seller - fee, fee, to_buyer)


# --- points -----------------------------------------------------------------------------------


@dataclass
class MintState:
    points_per_usd: int
    order_cap: int
    epoch_cap: int
    review_points: int
    epoch: int
    epoch_minted_centi: int

    def award(self, centi: int, now: int) -> int:
        """RewardPoints._award: point units minted for `centi` hundredths of a point, clipped
        to what is left of the epoch's cap (and the tally updated)."""
        epoch = now // EPOCH_SECONDS
        minted = self.epoch_minted_centi if epoch == self.epoch else 0
        left = max(self.epoch_cap * 100 - minted, 0)
        centi = min(centi, left)
        if centi == 0:
            return 0
        self.epoch = epoch
        self.epoch_minted_centi = minted + centi
        return centi * CENTI

    def order_award(self, usd_amount: int, now: int) -> int:
        """RewardPoints.onOrderCompleted for an order of `usd_amount` (8 decimals)."""
        centi = usd_amount // USD_UNITS_PER_CENT * self.points_per_usd
        return self.award(min(centi, self.order_cap * 100), now)

    def review_award(self, now: int) -> int:
        return self.award(self.review_points * 100, now)


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
class Staking:
    """PointsStaking: stakes, delegation, the warm-up rule, cooldowns, and the fee share in
    one reward token (WBTC): warming buckets, earning balances, the stream (rate, end, last
    update, accumulator) with its pause while less than a point earns."""

    warmup: int
    cooldown: int
    window: int
    staked: dict[str, int] = field(default_factory=dict)
    delegatee: dict[str, str] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)
    paid: dict[str, int] = field(default_factory=dict)
    owed: dict[str, int] = field(default_factory=dict)
    earning: dict[str, int] = field(default_factory=dict)  # stake past its warm-up, activated
    matures_at: dict[str, int] = field(default_factory=dict)  # the warming bucket's maturity
    earning_total: int = 0
    rate: int = 0  # the stream: units a second, times REWARD_PRECISION
    finish: int = 0
    last_update: int = 0
    reward_per_unit: int = 0
    units: dict[str, Trace] = field(default_factory=dict)  # delegated units per delegate
    total: Trace = field(default_factory=Trace)

    def total_staked(self) -> int:
        return self.total.latest()

    def total_pending(self) -> int:
        return sum(p.amount for p in self.pending.values())

    def trace(self, account: str) -> Trace:
        return self.units.setdefault(account, Trace())

    def warming(self, account: str) -> int:
        return self.staked.get(account, 0) - self.earning.get(account, 0)

    def per_unit_at(self, t: int) -> int:
        """rewardPerToken at `t` (the view: nothing written)."""
        if self.earning_total < MIN_SHARED_STAKE:
            return self.reward_per_unit  # paused
        end = min(t, self.finish)
        if end <= self.last_update:
            return self.reward_per_unit
        return self.reward_per_unit + (end - self.last_update) * self.rate // self.earning_total

    def update(self, t: int) -> int:
        """_updateStream: up to date at `t`; paused (its end moved later) while too little
        earns."""
        last, finish = self.last_update, self.finish
        if last == t or finish <= last:
            return self.reward_per_unit
        if self.earning_total < MIN_SHARED_STAKE:
            self.finish = t + (finish - last)
        else:
            self.reward_per_unit += (min(t, finish) - last) * self.rate // self.earning_total
        self.last_update = t
        return self.reward_per_unit

    def settle(self, account: str, t: int) -> None:
        per_unit, paid = self.update(t), self.paid.get(account, 0)
        if per_unit == paid:
            return
        accrued = self.earning.get(account, 0) * (per_unit - paid) // REWARD_PRECISION
        self.owed[account] = self.owed.get(account, 0) + accrued
        self.paid[account] = per_unit

    def earned(self, account: str, t: int) -> int:
        """earned(account, wbtc) at `t` (a matured bucket not yet activated earns nothing)."""
        per_unit = self.per_unit_at(t)
        accrued = self.earning.get(account, 0) * (per_unit - self.paid.get(account, 0))
        return self.owed.get(account, 0) + accrued // REWARD_PRECISION

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

    def deposit(self, amount: int, t: int) -> None:
        self.update(t)
        leftover = (self.finish - t) * self.rate if self.finish > t else 0
        self.rate = (leftover + amount * REWARD_PRECISION) // REWARD_STREAM_SECONDS
        self.finish = t + REWARD_STREAM_SECONDS
        self.last_update = t

    def claim(self, account: str, t: int) -> int:
        self.activate(account, t)
        self.settle(account, t)
        amount = self.owed.get(account, 0)
        self.owed[account] = 0
        return amount

    def remaining(self, t: int) -> int:
        """rewardsRemaining: what the stream has not paid yet (paused: since its last update)."""
        start = self.last_update if self.earning_total < MIN_SHARED_STAKE else t
        start = max(start, self.last_update)
        return (self.finish - start) * self.rate // REWARD_PRECISION if self.finish > start else 0

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
    orders: dict[str, Order] = field(default_factory=dict)
    credits: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, token)
    fees: dict[str, int] = field(default_factory=dict)
    goods_owner: dict[int, str] = field(default_factory=dict)
    ratings: dict[str, list[int]] = field(default_factory=dict)  # seller -> [sum, count]
    busd_paused: bool = False
    blacklisted: set[str] = field(default_factory=set)
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
