"""The driver of the stateful invariant tests: one method per user or governance action.

Each action predicts its outcome with the model (tests/invariant/model.py) at the timestamp
the transaction will get (every block's timestamp is pinned, so the prediction is exact),
sends the transaction, and then either applies the prediction to the model and checks the
events against it, or checks that the transaction reverted with the predicted custom error.
`check_all` compares the model with the contracts' views after each step.
"""

from __future__ import annotations

import collections
import copy
import functools
from dataclasses import dataclass
from typing import Any

from brownie import ZERO_ADDRESS, web3
from eth_utils import keccak, to_checksum_address

from bazaar.types import OrderTerms
from tests.invariant.model import (
    BPS,
    CANCELLED,
    COMPLETED,
    DISPUTED,
    FLAG_CANCEL_REQUESTED,
    FLAG_DIGITAL,
    FLAG_REVIEW_REWARDED,
    FLAG_REVIEWED,
    FLAG_SELLER_DISPUTED_UNSHIPPED,
    MAX_VERSION_DEVIATION_BPS,
    MAX_WINDOW_SECONDS,
    MIN_REVIEW_REWARD_USD,
    NORMAL,
    OPEN,
    OUTAGE_CONFIRMATION_SECONDS,
    PAID,
    POINT_UNITS_PER_USD_UNIT,
    REFUNDED,
    RESOLVED,
    SETTLEMENT_OUTAGE_SECONDS,
    SHIPPED,
    STATUS_NAMES,
    Listing,
    Model,
    Order,
    Version,
    buffered_deposit,
    complete_split,
    points_burned,
    ruling_split,
)
from tools.toolchain import brownie_patches

FAR_FUTURE = 2**40
TRACKING = b"\x5a" * 32
EVIDENCE = b"\xe0" * 32
REVIEW = b"\x7e" * 32
METADATA = b"\x11" * 32
TX_GAS = hex(8_000_000)
ROYALTY_BPS = 250  # every digital item is minted with a 2.5 % ERC-2981 royalty to its creator

# Counters over the whole run (all examples), printed at its end.
STATS: collections.Counter = collections.Counter()


@dataclass(frozen=True)
class World:
    """The deployed contracts and the accounts. `admin` deploys, governs (owner of every
    contract), guards, receives the fees (treasury), administers the test token and makes
    the third-party calls; it never buys or sells."""

    admin: Any
    people: tuple  # buyers, sellers, stakers (every one of them, in random roles)
    arbiters: tuple  # the allow-listed arbiters (also people)
    wbtc: Any
    usdc: Any
    busd: Any  # the stablecoin that can pause and blacklist (BlacklistToken)
    feeds: dict  # model feed key -> MockAggregator ("btc2": a second BTC/USD feed)
    feed_limits: dict  # model feed key -> (maxStaleness, minAnswer, maxAnswer)
    oracle: Any
    goods: Any
    market: Any
    points: Any
    staking: Any
    probe: Any

    @property
    def accounts(self) -> list[str]:
        return [str(self.admin)] + [str(p) for p in self.people]

    @functools.cached_property
    def errors(self) -> Errors:
        contracts = [self.market, self.oracle, self.points, self.staking, self.goods]
        return Errors([*contracts, self.wbtc, self.busd, *self.feeds.values()])

    @property
    def token_addresses(self) -> list[str]:
        return [self.wbtc.address, self.usdc.address, self.busd.address]

    @property
    def reward_tokens(self) -> list[str]:
        """The staking contract's reward tokens (the payment tokens it streams)."""
        return [self.wbtc.address, self.usdc.address]

    def account(self, address: str):
        return next(a for a in (self.admin, *self.people) if str(a) == address)


def rpc(method: str, params: list):
    answer = web3.provider.make_request(method, params)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def eth_call(call: dict, timestamp: int, block: str = "latest") -> dict:
    """The raw answer of `eth_call` on `block`'s state at block time `timestamp` (anvil's
    block overrides): a "result", or an "error" with the revert data."""
    return web3.provider.make_request("eth_call", [call, block, {}, {"time": hex(timestamp)}])


def pin_next_block(timestamp: int) -> None:
    rpc("evm_setNextBlockTimestamp", [timestamp])


def mine_at(timestamp: int) -> None:
    rpc("evm_mine", [timestamp])


@dataclass(frozen=True)
class Sent:
    """A mined transaction's decoded events (brownie's EventDict)."""

    events: Any


class Errors:
    """Custom error names by selector, from the ABIs of the contracts involved."""

    def __init__(self, contracts) -> None:
        self.names = {"0x08c379a0": "Error", "0x4e487b71": "Panic"}
        for contract in contracts:
            for item in contract.abi:
                if item["type"] == "error":
                    types = ",".join(i["type"] for i in item["inputs"])
                    selector = "0x" + keccak(text=f"{item['name']}({types})")[:4].hex()
                    self.names[selector] = item["name"]

    def name(self, error: dict) -> str:
        data = error.get("data") or ""
        if not isinstance(data, str) or len(data) < 10:
            return f"no revert data ({error.get('message')})"
        return self.names.get(data[:10], f"unknown error {data[:10]}")


class System:
    """Sends the actions and keeps the model in step. `m.now` is the latest block's time."""

    def __init__(self, world: World, model: Model) -> None:
        self.w = world
        self.m = model
        self.touched: set[str] = set()
        self.dirty = False  # something was sent since the invariants last held
        self.acted = False  # something was sent or refused (this step)
        self.errors = world.errors

    # --- sending --------------------------------------------------------------------------

    @property
    def next_ts(self) -> int:
        """The timestamp the next transaction gets."""
        return self.m.now + 1

    def send(self, fn, *args, sender, expect: str | None = None):
        """Sends `fn(*args)` from `sender` in a block pinned at `next_ts`; returns what was
        sent, with its decoded events (an unexpected revert fails the test). With `expect`,
        asserts instead that the call reverts with that custom error at `next_ts` (an
        `eth_call` at that block time: nothing is mined, as a reverted transaction would
        change nothing but the sender's nonce) and returns None.

        Raw JSON-RPC (two requests a transaction: the pin, and anvil's
        `eth_sendTransactionSync`, which answers with the receipt) rather than brownie's
        transaction machinery (a dozen requests, with a snapshot per transaction): the run
        is several times faster, which buys steps."""
        call = {"from": str(sender), "to": fn._address, "data": fn.encode_input(*args)}
        call["gas"] = TX_GAS
        self.acted = True
        if expect is not None:
            answer = eth_call(call, self.next_ts)
            assert "error" in answer, f"{fn._name}{args} should revert {expect}, went through"
            got = self.errors.name(answer["error"])
            assert got == expect, f"{fn._name} should revert {expect}, reverted {got}"
            STATS["expected reverts"] += 1
            STATS[f"refused {fn._name.split('.')[1]}: {expect}"] += 1
            return None
        self.dirty = True
        self.m.now += 1
        pin_next_block(self.m.now)
        STATS["transactions"] += 1
        STATS[f"sent {fn._name.split('.')[1]}"] += 1
        receipt = rpc("eth_sendTransactionSync", [call])  # answers with the mined receipt
        assert receipt["blockTimestamp"] == self.m.now, "the block time was not pinned"
        if int(receipt["status"], 16) != 1:
            # Replayed on the state before it, at its time, for the reason.
            before = hex(int(receipt["blockNumber"], 16) - 1)
            answer = eth_call(call, self.m.now, block=before)
            reason = self.errors.name(answer.get("error", {}))
            raise AssertionError(f"{fn._name}{args} from {sender} reverted: {reason}")
        for log in receipt["logs"]:
            log["address"] = to_checksum_address(log["address"])
        sent = Sent(brownie_patches.decode_logs(receipt["logs"]))
        self._tally_points(sent)
        return sent

    def _tally_points(self, sent: Sent) -> None:
        """Points minted and burned, as the points contract's Transfer events say."""
        for event in sent.events:
            if event.name != "Transfer" or event.address != self.w.points.address:
                continue
            if event["from"] == ZERO_ADDRESS:
                self.m.seen_minted += event["value"]
            if event["to"] == ZERO_ADDRESS:
                self.m.seen_burned += event["value"]

    def advance(self, seconds: int) -> None:
        """Time travel: mines an empty block `seconds` later."""
        if seconds <= 0:
            return
        self.dirty = True
        self.m.now += seconds
        mine_at(self.m.now)

    def land_next_at(self, target: int, refresh: bool) -> bool:
        """Moves time so that the next transaction lands at `target`, with fresh feeds if
        `refresh` (their three rounds published just before). False if `target` is past."""
        gap = target - 1 - self.m.now
        if gap < 0:
            return False
        feeds = len(self.w.feeds)
        if refresh and gap >= feeds:
            self.advance(gap - feeds)
            self.refresh_feeds()
        else:
            self.advance(gap)
        return True

    def refresh_stale_feeds(self) -> None:
        """A keeper publishes fresh rounds for the working feeds about to go stale."""
        for key, feed in self.m.oracle.feeds.items():
            if feed.mode == NORMAL and self.m.now + 10 - feed.updated_at > feed.max_staleness:
                self.set_answer(key, feed.answer)

    def refresh_feeds(self) -> None:
        """The feeds publish fresh rounds at their current answers (local_suite.refresh_feeds)."""
        for key in self.w.feeds:
            self.set_answer(key, self.m.oracle.feeds[key].answer)

    def set_answer(self, key: str, answer: int) -> None:
        self.send(self.w.feeds[key].setAnswer, answer, sender=self.w.admin)
        feed = self.m.oracle.feeds[key]
        feed.answer, feed.updated_at = answer, self.m.now

    def set_feed_mode(self, key: str, mode: int) -> None:
        self.send(self.w.feeds[key].setMode, mode, sender=self.w.admin)
        self.m.oracle.feeds[key].mode = mode

    # --- token movements ---------------------------------------------------------------------

    def transfer_error(self, token: str, source: str, target: str, amount: int) -> str | None:
        """Why a transfer of `token` would revert (BlacklistToken rules first), or None."""
        if token == self.w.busd.address:
            if self.m.busd_paused:
                return "BlacklistTokenPaused"
            if source in self.m.blacklisted or target in self.m.blacklisted:
                return "BlacklistTokenBlocked"
        if self.m.balance(token, source) < amount:
            return "ERC20InsufficientBalance"
        return None

    def _pay(self, token: str, to: str, amount: int) -> None:
        """EscrowMarketplace._pay: a push payment, or a credit if the transfer fails."""
        if amount == 0:
            return
        market = self.w.market.address
        if self.transfer_error(token, market, to, amount) is None:
            self.m.move(token, market, to, amount)
        else:
            key = (to, token)
            self.m.credits[key] = self.m.credits.get(key, 0) + amount
            STATS["payouts credited"] += 1

    def _settle_points(self, order: Order, settled: int, whole: int) -> None:
        """Escrowed points: `settled / whole` of them burned, the rest back to the buyer."""
        points, order.points_escrowed = order.points_escrowed, 0
        if not points:
            return
        market = self.w.market.address
        burned = points_burned(points, settled, whole)
        if burned:
            self.m.burn_points(market, burned)
        if points != burned:
            self.m.move_points(market, order.buyer, points - burned)
        STATS["redeemed points partly returned"] += 0 < burned < points

    def _goods_error(self, order: Order) -> str | None:
        """_takeBackGoods: the item must be with the buyer (or already with the seller)."""
        if order.goods_id and self.m.goods_owner[order.goods_id] not in (
            order.buyer,
            order.seller,
        ):
            return "MarketplaceGoodsNotReturned"
        return None

    def _take_back_goods(self, order: Order) -> None:
        if order.goods_id:
            self.m.goods_owner[order.goods_id] = order.seller

    # --- listings ---------------------------------------------------------------------------

    def list_item(self, seller, price, stock, tokens, buffer_bps, cap_bps) -> int | None:
        expect = "MarketplacePaused" if self.m.config.paused else None
        tx = self.send(
            self.w.market.list,
            price,
            stock,
            tokens,
            buffer_bps,
            cap_bps,
            0,
            METADATA,
            sender=seller,
            expect=expect,
        )
        if tx is None:
            return None
        return self._record_listing(tx, seller, price, stock, tokens, buffer_bps, cap_bps, 0)

    def list_digital(self, seller, price, tokens, buffer_bps, cap_bps) -> int | None:
        tx = self.send(self.w.goods.mint, seller, "ipfs://item", METADATA, 250, sender=seller)
        goods_id = tx.events["Transfer"]["tokenId"]
        self.m.goods_owner[goods_id] = self.m.goods_creator[goods_id] = str(seller)
        expect = "MarketplacePaused" if self.m.config.paused else None
        args = (goods_id, price, tokens, buffer_bps, cap_bps)
        tx = self.send(self.w.market.listDigital, *args, sender=seller, expect=expect)
        if tx is None:
            return None
        self.m.goods_owner[goods_id] = self.w.market.address
        return self._record_listing(tx, seller, price, 1, tokens, buffer_bps, cap_bps, goods_id)

    def _record_listing(self, tx, seller, price, stock, tokens, buffer_bps, cap_bps, goods_id):
        config = self.m.config
        config.listing_count += 1
        listing_id = config.listing_count
        assert tx.events["Listed"]["listingId"] == listing_id
        self.m.listings[listing_id] = Listing(
            listing_id, str(seller), price, stock, tuple(tokens), buffer_bps, cap_bps, goods_id
        )
        STATS["listings"] += 1
        return listing_id

    def update_listing(self, listing: Listing, price: int, stock: int) -> None:
        expect = None
        if listing.goods_id and stock != listing.stock:
            expect = (
                "MarketplaceStockOutOfRange"  # a digital listing's stock only changes by a sale
            )
        args = (listing.id, price, stock)
        tx = self.send(self.w.market.updateListing, *args, sender=listing.seller, expect=expect)
        if tx is not None:
            listing.price, listing.stock = price, stock

    def delist(self, listing: Listing, sender: str) -> None:
        expect = None if sender == listing.seller else "MarketplaceUnauthorized"
        tx = self.send(self.w.market.delist, listing.id, sender=sender, expect=expect)
        if tx is None:
            return
        listing.active = False
        if listing.goods_id and listing.stock:
            listing.stock = 0
            self.m.goods_owner[listing.goods_id] = listing.seller

    # --- checkout ---------------------------------------------------------------------------

    def checkout(
        self,
        buyer: str,
        listing: Listing,
        token: str,
        quantity: int,
        arbiter: str,
        points: int = 0,
        fault: str | None = None,
    ) -> Order | None:
        """Checks out; `fault` makes one input wrong on purpose: "expired" (deadline passed),
        "max_payment" (one unit below the price), "points_cap" (a discount above the cap)."""
        m, now = self.m, self.next_ts
        deadline = now - 1 if fault == "expired" else FAR_FUTURE
        if fault == "points_cap":
            points = (listing.price * quantity * listing.points_cap_bps // BPS + 1) * (
                POINT_UNITS_PER_USD_UNIT
            )
        usd = listing.price * quantity
        amount, expect, locked = 0, None, 0
        if m.config.paused:
            expect = "MarketplacePaused"
        elif now > deadline:
            expect = "MarketplaceCheckoutExpired"
        elif not listing.active:
            expect = "MarketplaceListingInactive"
        elif buyer == listing.seller:
            expect = "MarketplaceSelfDealing"
        elif quantity == 0 or quantity > listing.stock:
            expect = "MarketplaceOutOfStock"
        elif token not in listing.tokens:
            expect = "MarketplaceTokenNotAccepted"
        elif arbiter not in m.arbiters or arbiter in (buyer, listing.seller):
            expect = "MarketplaceArbiterInvalid"
        if expect is None and points:
            discount = points // POINT_UNITS_PER_USD_UNIT
            cap = usd * listing.points_cap_bps // BPS
            if discount == 0 or discount > cap:
                expect = "MarketplaceDiscountAboveCap"
            usd -= discount
        if expect is None:
            expect, locked = m.oracle.quote(m.tokens[token], usd, now)
            amount = buffered_deposit(locked, listing.buffer_bps) if listing.buffer_bps else locked
        max_payment = max(amount - 1, 0) if fault == "max_payment" else 2**256 - 1
        if expect is None and amount > max_payment:
            expect = "MarketplacePriceAboveMax"
        if expect is None and points > m.points.get(buyer, 0):
            expect = "ERC20InsufficientBalance"
        if expect is None:
            expect = self.transfer_error(token, buyer, self.w.market.address, amount)
        args = (listing.id, quantity, token, max_payment, deadline, arbiter, points)
        tx = self.send(self.w.market.checkout, *args, sender=buyer, expect=expect)
        if tx is None:
            STATS[f"checkout refused: {expect}"] += 1
            return None

        config = m.config
        nonce = m.order_counts[token] = m.order_counts.get(token, 0) + 1
        digital = listing.goods_id != 0
        terms = OrderTerms(
            buyer,
            listing.seller,
            token,
            arbiter,
            listing.id,
            nonce,
            quantity,
            usd,
            locked,
            listing.buffer_bps,
            config.fee_bps,
            config.arbiter_fee_bps,
            config.digital_window if digital else config.confirm_window,
            config.ruling_window,
            m.tokens[token].latest,
            config.points_per_usd,
        )
        oid = terms.id_hex()
        event = tx.events["OrderPaid"]
        assert str(event["orderId"]).lower() == oid, "order id is not the hash of the terms"
        got = OrderTerms.from_event(tuple(event["terms"]))
        assert got == terms, f"terms {got} != {terms}"
        order = Order(
            oid,
            terms,
            amount,
            now + (config.digital_window if digital else config.fulfilment_window),
            SHIPPED if digital else PAID,
            listing.goods_id,
            points,
            FLAG_DIGITAL if digital else 0,
        )
        m.orders[oid] = order
        listing.stock -= quantity
        m.move(token, buyer, self.w.market.address, amount)
        if points:
            m.move_points(buyer, self.w.market.address, points)
        if digital:
            m.goods_owner[listing.goods_id] = buyer
        self.touched.add(oid)
        STATS["orders"] += 1
        STATS["orders redeeming points"] += points > 0
        STATS["digital orders"] += digital
        STATS[f"orders on oracle version {terms.oracleVersion}"] += 1
        return order

    # --- order lifecycle --------------------------------------------------------------------

    def _wrong_status(self, order: Order, allowed: tuple) -> str | None:
        return None if order.status in allowed else "MarketplaceWrongStatus"

    def ship(self, order: Order, sender: str) -> None:
        now = self.next_ts
        expect = self._wrong_status(order, (PAID,))
        if expect is None and sender != order.seller:
            expect = "MarketplaceUnauthorized"
        if expect is None and now > order.deadline:
            expect = "MarketplaceDeadlinePassed"
        market = self.w.market
        tx = self.send(market.ship, order.args, TRACKING, sender=sender, expect=expect)
        if tx is None:
            return
        order.status, order.deadline = SHIPPED, now + order.terms.confirmWindow
        assert tx.events["OrderShipped"]["confirmDeadline"] == order.deadline
        self.touched.add(order.id)

    def confirm(self, order: Order, sender: str) -> None:
        expect = self._wrong_status(order, (SHIPPED,))
        if expect is None and sender != order.buyer:
            expect = "MarketplaceUnauthorized"
        self._completion(self.w.market.confirm, order, sender, expect, confirmed=True)

    def release(self, order: Order, sender: str) -> None:
        expect = self._wrong_status(order, (SHIPPED,))
        if expect is None and self.next_ts <= order.deadline:
            expect = "MarketplaceDeadlineNotReached"
        self._completion(self.w.market.release, order, sender, expect, confirmed=False)

    def royalty_of(self, order: Order, proceeds: int) -> tuple[str | None, int]:
        """EscrowMarketplace._payRoyalty: the creator's ERC-2981 cut of a resale's proceeds."""
        if not order.goods_id:
            return None, 0
        creator = self.m.goods_creator[order.goods_id]
        if creator == order.seller:
            return None, 0
        return creator, min(proceeds * ROYALTY_BPS // BPS, proceeds)

    def _completion(self, fn, order: Order, sender: str, expect, confirmed: bool) -> None:
        m = self.m
        split = complete_split(order, m.oracle, m.tokens[order.token], self.next_ts)
        if expect is None:
            expect = split.error
        tx = self.send(fn, order.args, sender=sender, expect=expect)
        if tx is None:
            return
        creator, royalty = self.royalty_of(order, split.to_seller)
        event = tx.events["OrderCompleted"]
        got = (event["toSeller"], event["fee"], event["toBuyer"], event["confirmed"])
        expected = (split.to_seller - royalty, split.fee, split.to_buyer, confirmed)
        assert got == expected, (got, expected)
        order.status, order.amount = COMPLETED, 0
        if split.usd_settled >= MIN_REVIEW_REWARD_USD:
            order.flags |= FLAG_REVIEW_REWARDED
        m.fees[order.token] = m.fees.get(order.token, 0) + split.fee
        self._settle_points(order, split.usd_settled, order.usd_amount)
        if royalty:
            self._pay(order.token, creator, royalty)
            assert tx.events["RoyaltyPaid"]["amount"] == royalty
            STATS["royalties paid"] += 1
        self._pay(order.token, order.seller, split.to_seller - royalty)
        self._pay(order.token, order.buyer, split.to_buyer)
        award = m.mint.order_award(order.buyer, split.usd_settled, order.terms.pointsPerUsd, m.now)
        if award:
            m.mint_points(order.buyer, award)
        assert "RewardsHookFailed" not in tx.events
        self.touched.add(order.id)
        STATS["orders completed"] += 1
        STATS["orders completed after partial refunds"] += order.refunded > 0
        STATS["protected orders settled at the locked amount"] += split.at_locked

    def _restock(self, order: Order, tx) -> None:
        """EscrowMarketplace._restock: an undone physical order's units back in its listing."""
        if order.goods_id:
            return
        listing = self.m.listings[order.listing_id]
        listing.stock += order.quantity
        event = tx.events["Restocked"]
        assert (event["quantity"], event["stock"]) == (order.quantity, listing.stock)
        STATS["restocks"] += 1

    def reclaim(self, order: Order, sender: str) -> None:
        expect = self._wrong_status(order, (PAID,))
        if expect is None and self.next_ts <= order.deadline:
            expect = "MarketplaceDeadlineNotReached"
        tx = self.send(self.w.market.reclaim, order.args, sender=sender, expect=expect)
        if tx is not None:
            assert tx.events["OrderReclaimed"]["amount"] == order.amount
            self._refund_all(order, REFUNDED, tx)
            STATS["orders reclaimed"] += 1

    def _refund_all(self, order: Order, status: int, tx) -> None:
        """EscrowMarketplace._undo: all of the escrow back, points back, goods and stock back."""
        amount, order.amount, order.status = order.amount, 0, status
        self._restock(order, tx)
        self._settle_points(order, 0, 1)
        self._take_back_goods(order)
        self._pay(order.token, order.buyer, amount)
        self.touched.add(order.id)

    def cancel(self, order: Order, sender: str) -> None:
        expect = self._wrong_status(order, (PAID,))
        if expect is None and sender not in (order.buyer, order.seller):
            expect = "MarketplaceUnauthorized"
        tx = self.send(self.w.market.cancel, order.args, sender=sender, expect=expect)
        if tx is None:
            return
        if sender == order.buyer:
            order.flags |= FLAG_CANCEL_REQUESTED
            assert "CancelRequested" in tx.events
        else:
            self._refund_all(order, CANCELLED, tx)
            STATS["orders cancelled"] += 1

    def refund(self, order: Order, amount: int, sender: str) -> None:
        expect = None
        if order.status == DISPUTED:
            expect = "MarketplaceRefundWhileDisputed"
        else:
            expect = self._wrong_status(order, (PAID, SHIPPED))
        if expect is None and sender != order.seller:
            expect = "MarketplaceUnauthorized"
        if expect is None and not 1 <= amount <= order.amount:
            expect = "MarketplaceRefundOutOfRange"
        full = expect is None and amount == order.amount
        if full:
            expect = self._goods_error(order)
        args = (order.args, amount)
        tx = self.send(self.w.market.refund, *args, sender=sender, expect=expect)
        if tx is None:
            return
        event = tx.events["OrderRefunded"]
        assert (event["amount"], event["remaining"]) == (amount, order.amount - amount)
        if full:
            self._refund_all(order, REFUNDED, tx)
            STATS["orders refunded"] += 1
            return
        order.amount -= amount
        order.refunded += amount
        self._pay(order.token, order.buyer, amount)
        self.touched.add(order.id)
        STATS["partial refunds"] += 1

    def open_dispute(self, order: Order, sender: str) -> None:
        now = self.next_ts
        expect = self._wrong_status(order, (PAID, SHIPPED))
        if expect is None and sender not in (order.buyer, order.seller):
            expect = "MarketplaceUnauthorized"
        if expect is None and now > order.deadline:
            expect = "MarketplaceDeadlinePassed"
        args = (order.args, EVIDENCE)
        tx = self.send(self.w.market.openDispute, *args, sender=sender, expect=expect)
        if tx is None:
            return
        if sender == order.seller and order.status == PAID:
            order.flags |= FLAG_SELLER_DISPUTED_UNSHIPPED
            STATS["disputes opened by the seller before shipping"] += 1
        order.status, order.deadline = DISPUTED, now + order.terms.rulingWindow
        assert tx.events["DisputeOpened"]["rulingDeadline"] == order.deadline
        self.touched.add(order.id)
        STATS["disputes"] += 1

    def resolve(self, order: Order, share: int, sender: str) -> None:
        """The arbiter rules `share` basis points of the ruled part for the buyer."""
        now = self.next_ts
        expect = self._wrong_status(order, (DISPUTED,))
        if expect is None and sender != order.arbiter:
            expect = "MarketplaceUnauthorized"
        if expect is None and now > order.deadline:
            expect = "MarketplaceDeadlinePassed"
        if expect is None and share > BPS:
            expect = "MarketplaceShareOutOfRange"
        expect, ruling = self._ruling(order, share, expect, by_default=False)
        args = (order.args, share)
        tx = self.send(self.w.market.resolveDispute, *args, sender=sender, expect=expect)
        if tx is not None:
            self._resolution(tx, order, share, ruling, by_default=False)
            STATS["disputes ruled"] += 1

    def _ruling(self, order: Order, share: int, expect: str | None, by_default: bool):
        """EscrowMarketplace._resolve, shared by both rulings: the split, or why it reverts
        (no settlement price; a digital item the buyer no longer holds for a full share)."""
        if expect is not None:
            return expect, None
        m = self.m
        ruling = ruling_split(
            order, m.oracle, m.tokens[order.token], self.next_ts, share, by_default
        )
        expect = ruling.error
        if expect is None and share == BPS:
            expect = self._goods_error(order)
        return expect, ruling

    def resolve_after_timeout(self, order: Order, sender: str) -> None:
        now = self.next_ts
        expect = self._wrong_status(order, (DISPUTED,))
        if expect is None and now <= order.deadline:
            expect = "MarketplaceDeadlineNotReached"
        share = BPS if order.flags & FLAG_SELLER_DISPUTED_UNSHIPPED else BPS // 2
        expect, ruling = self._ruling(order, share, expect, by_default=True)
        fn = self.w.market.resolveAfterTimeout
        tx = self.send(fn, order.args, sender=sender, expect=expect)
        if tx is not None:
            self._resolution(tx, order, share, ruling, by_default=True)
            STATS["disputes resolved by default"] += 1

    def _resolution(self, tx, order: Order, share: int, ruling, by_default: bool) -> None:
        m = self.m
        event = tx.events["DisputeResolved"]
        got = tuple(
            event[k]
            for k in ("buyerShareBps", "toBuyer", "toSeller", "fee", "arbiterFee", "byDefault")
        )
        expected = (
            share,
            ruling.to_buyer,
            ruling.seller_gross - ruling.fee,
            ruling.fee,
            ruling.arbiter_fee,
            by_default,
        )
        assert got == expected, (got, expected)
        order.status, order.amount = RESOLVED, 0
        m.fees[order.token] = m.fees.get(order.token, 0) + ruling.fee
        self._settle_points(order, BPS - share, BPS)
        if share == BPS:
            self._take_back_goods(order)
        self._pay(order.token, order.buyer, ruling.to_buyer)
        self._pay(order.token, order.seller, ruling.seller_gross - ruling.fee)
        self._pay(order.token, order.arbiter, ruling.arbiter_fee)
        self.touched.add(order.id)
        STATS["protected orders ruled at the locked amount"] += ruling.at_locked

    def review(self, order: Order, rating: int, sender: str) -> None:
        ended = (COMPLETED, REFUNDED, CANCELLED, RESOLVED)
        expect = self._wrong_status(order, ended)
        if expect is None and sender != order.buyer:
            expect = "MarketplaceUnauthorized"
        if expect is None and order.flags & FLAG_REVIEWED:
            expect = "MarketplaceAlreadyReviewed"
        if expect is None and not 1 <= rating <= 5:
            expect = "MarketplaceRatingOutOfRange"
        args = (order.args, rating, REVIEW)
        tx = self.send(self.w.market.review, *args, sender=sender, expect=expect)
        if tx is None:
            return
        order.flags |= FLAG_REVIEWED
        total = self.m.ratings.setdefault(order.seller, [0, 0, 0, 0, 0])
        total[0] += rating
        total[1] += 1
        outcome = {COMPLETED: 2, RESOLVED: 4}.get(order.status, 3)
        total[outcome] += 1
        assert tx.events["Reviewed"]["outcome"] == order.status
        assert tuple(self.w.market.sellerReviews.call(order.seller)) == tuple(total)
        if order.flags & FLAG_REVIEW_REWARDED:
            award = self.m.mint.review_award(order.buyer, self.m.now)
            if award:
                self.m.mint_points(order.buyer, award)
        assert "RewardsHookFailed" not in tx.events
        self.touched.add(order.id)
        STATS["reviews"] += 1
        STATS[f"reviews of {STATUS_NAMES[order.status].lower()} orders"] += 1

    def claim(self, account: str, token: str, to: str) -> None:
        credit = self.m.credits.get((account, token), 0)
        expect = "MarketplaceNothingToClaim" if credit == 0 else None
        if expect is None:
            expect = self.transfer_error(token, self.w.market.address, to, credit)
        tx = self.send(self.w.market.claim, token, to, sender=account, expect=expect)
        if tx is not None:
            self.m.credits[(account, token)] = 0
            self.m.move(token, self.w.market.address, to, credit)
            STATS["credits claimed"] += 1

    def withdraw_fees(self, token: str) -> None:
        """Fees out: `stakerShareBps` streamed to the stakers (a token the staking contract
        does not stream goes all to the treasury), the rest to the treasury."""
        m, w = self.m, self.w
        fees = m.fees.get(token, 0)
        treasury, market = str(w.admin), w.market.address
        to_stakers = fees * m.config.staker_share_bps // BPS
        streamed = to_stakers and token in m.staking.reward_tokens
        expect = "MarketplaceNothingToClaim" if fees == 0 else None
        if expect is None:
            expect = self.transfer_error(token, market, treasury, fees)
        tx = self.send(w.market.withdrawFees, token, sender=w.admin, expect=expect)
        if tx is None:
            return
        if not streamed:
            assert ("StakerShareFailed" in tx.events) == (to_stakers > 0)
            to_stakers = 0
        event = tx.events["FeesWithdrawn"]
        assert (event["toTreasury"], event["toStakers"]) == (fees - to_stakers, to_stakers)
        m.fees[token] = 0
        if to_stakers:
            m.staking.deposit(token, to_stakers, m.now)
            m.move(token, market, w.staking.address, to_stakers)
            STATS["fee shares streamed to stakers"] += 1
        m.move(token, market, treasury, fees - to_stakers)
        STATS["fee withdrawals"] += 1

    def send_by_mistake(self, sender: str, token: str, amount: int) -> None:
        """Someone transfers tokens straight to the marketplace (no order): a surplus."""
        market = self.w.market.address
        expect = self.transfer_error(token, sender, market, amount)
        contract = next(c for c in (self.w.wbtc, self.w.usdc, self.w.busd) if c.address == token)
        tx = self.send(contract.transfer, market, amount, sender=sender, expect=expect)
        if tx is not None:
            self.m.move(token, sender, market, amount)
            self.m.strays[token] = self.m.strays.get(token, 0) + amount
            STATS["tokens sent to the marketplace by mistake"] += 1

    def sweep(self, token: str, caller: str) -> None:
        """Anyone sends the surplus over escrows + fees + credits to the treasury."""
        m, w = self.m, self.w
        surplus = m.strays.get(token, 0)
        treasury, market = str(w.admin), w.market.address
        expect = "MarketplaceNothingToSweep" if token == w.points.address or not surplus else None
        if expect is None:
            expect = self.transfer_error(token, market, treasury, surplus)
        tx = self.send(w.market.sweep, token, sender=caller, expect=expect)
        if tx is None:
            return
        assert tx.events["Swept"]["amount"] == surplus
        m.strays[token] = 0
        m.move(token, market, treasury, surplus)
        STATS["sweeps"] += 1

    def pass_on_item(self, goods_id: int, to: str) -> None:
        holder = self.m.goods_owner[goods_id]
        self.send(self.w.goods.transferFrom, holder, to, goods_id, sender=holder)
        self.m.goods_owner[goods_id] = to

    def resell_digital(self, goods_id: int, price, tokens, buffer_bps, cap_bps) -> int | None:
        """The holder of a digital item lists it (a resale: its creator earns a royalty)."""
        seller = self.m.goods_owner[goods_id]
        expect = "MarketplacePaused" if self.m.config.paused else None
        args = (goods_id, price, tokens, buffer_bps, cap_bps)
        tx = self.send(self.w.market.listDigital, *args, sender=seller, expect=expect)
        if tx is None:
            return None
        self.m.goods_owner[goods_id] = self.w.market.address
        STATS["digital resale listings"] += 1
        return self._record_listing(tx, seller, price, 1, tokens, buffer_bps, cap_bps, goods_id)

    # --- the oracle: outages and versions -------------------------------------------------------

    def record_outage(self, token: str, version: int, caller: str) -> None:
        """recordOutage: records that `version` cannot be read for settlement (keeps an
        earlier record), or clears the record once it can."""
        m = self.m
        key = (token, version)
        readable = m.oracle.settlement_quote(m.tokens[token], version, 0, self.next_ts)
        since, seen = m.oracle.outages.get(key, (0, 0))
        expect = "OracleNoOutage" if readable is not None and not since else None
        fn = self.w.oracle.recordOutage
        tx = self.send(fn, token, version, sender=caller, expect=expect)
        if tx is None:
            return
        if readable is None:
            if not since or m.now - seen > OUTAGE_CONFIRMATION_SECONDS:
                since = m.now  # none, or a gap in the record: the outage starts now
                assert tx.events["OutageRecorded"]["since"] == m.now
                STATS["outages recorded"] += 1
            else:
                assert tx.events["OutageConfirmed"]["since"] == since
                STATS["outages seen again"] += 1
            m.oracle.outages[key] = (since, m.now)
        else:
            del m.oracle.outages[key]
            assert tx.events["OutageCleared"]["since"] == since
            STATS["outages cleared"] += 1

    def _outage_report(self) -> list:
        m = self.m
        return [
            (
                key,
                m.oracle.outages[key],
                m.oracle.price(m.tokens[key[0]], key[1], self.next_ts, True),
            )
            for key in m.oracle.outages
        ]

    def keep_outages_seen(self, keys: list[tuple[str, int]], target: int) -> None:
        """Someone sees each of these outages again at least daily until the next transaction
        lands at `target` (a record not seen for a day vouches for nothing)."""
        admin = str(self.w.admin)
        while target - self.m.now > OUTAGE_CONFIRMATION_SECONDS - 600:
            self.advance(OUTAGE_CONFIRMATION_SECONDS - 1_200)
            for token, version in keys:
                self.record_outage(token, version, admin)

    def configure_version(self, token: str, version: Version) -> None:
        """Governance adds a configuration version for new quotes: it must quote now, within
        5 % of the latest version (when that one can be read with the settlement rules)."""
        m, w, now = self.m, self.w, self.next_ts
        t = m.tokens[token]
        latest = m.oracle.whole_token_usd(t, t.latest, now, settlement=True)
        t.versions.append(version)
        new = m.oracle.whole_token_usd(t, t.latest, now, settlement=False)
        expect = None
        legs = [version.peg_feed, version.usd_feed]
        if any(key and m.oracle.feeds[key].mode != NORMAL for key in legs):
            expect = "OracleFeedCallFailed"  # its decimals are read and recorded first
        elif new is None:
            expect = "OracleNewVersionUnreadable"
        elif latest is not None and abs(new - latest) * BPS > latest * MAX_VERSION_DEVIATION_BPS:
            expect = "OracleVersionDeviation"
        if expect is not None:
            t.versions.pop()

        def leg(key):
            if key is None:
                return (ZERO_ADDRESS, 0, 0, 0)
            return (w.feeds[key].address, *w.feed_limits[key])

        config = (leg(version.usd_feed), leg(version.peg_feed), version.depeg_floor)
        tx = self.send(w.oracle.configureToken, token, config, sender=w.admin, expect=expect)
        if tx is None:
            STATS[f"versions refused: {expect}"] += 1
            return
        event = tx.events["TokenConfigured"]
        assert (event["version"], event["deviationChecked"]) == (t.latest, latest is not None)
        STATS["oracle versions added"] += 1

    # --- the test stablecoin's admin ------------------------------------------------------------

    def set_busd_paused(self, paused: bool) -> None:
        self.send(self.w.busd.setPaused, paused, sender=self.w.admin)
        self.m.busd_paused = paused

    def set_blacklisted(self, account: str, blocked: bool) -> None:
        self.send(self.w.busd.setBlacklisted, account, blocked, sender=self.w.admin)
        (self.m.blacklisted.add if blocked else self.m.blacklisted.discard)(account)

    # --- governance -------------------------------------------------------------------------

    def set_fees(self, fee_bps: int, arbiter_fee_bps: int) -> None:
        self.send(self.w.market.setFees, fee_bps, arbiter_fee_bps, sender=self.w.admin)
        self.m.config.fee_bps, self.m.config.arbiter_fee_bps = fee_bps, arbiter_fee_bps

    def set_windows(self, fulfilment: int, confirm: int, ruling: int, digital: int) -> None:
        admin, config = self.w.admin, self.m.config
        self.send(self.w.market.setWindows, fulfilment, confirm, ruling, sender=admin)
        self.send(self.w.market.setDigitalWindow, digital, sender=admin)
        config.fulfilment_window, config.confirm_window = fulfilment, confirm
        config.ruling_window, config.digital_window = ruling, digital

    def set_paused(self, paused: bool) -> None:
        self.send(self.w.market.setPaused, paused, sender=self.w.admin)
        self.m.config.paused = paused

    def set_arbiter(self, account: str, active: bool) -> None:
        arbiters = self.m.arbiters
        expect = None
        if (account in arbiters) == active:
            expect = "MarketplaceArbiterUnchanged"
        elif not active and len(arbiters) <= 1:
            expect = "MarketplaceTooFewArbiters"
        fn = self.w.market.setArbiter
        if self.send(fn, account, active, sender=self.w.admin, expect=expect) is not None:
            (arbiters.add if active else arbiters.discard)(account)

    def set_mint_config(
        self, order_cap: int, epoch_cap: int, account_cap: int, review: int
    ) -> None:
        """Caps and review points: they apply at minting time, to orders in flight too."""
        args = (order_cap, epoch_cap, account_cap, review)
        self.send(self.w.points.setMintConfig, *args, sender=self.w.admin)
        mint = self.m.mint
        mint.order_cap, mint.epoch_cap, mint.account_epoch_cap, mint.review_points = args

    def set_points_rate(self, per_usd: int) -> None:
        """The reward rate of new orders (orders in flight keep theirs, in their terms)."""
        expect = "MarketplacePointsRateOutOfRange" if per_usd > 10 else None
        fn = self.w.market.setPointsRate
        if self.send(fn, per_usd, sender=self.w.admin, expect=expect) is not None:
            self.m.config.points_per_usd = per_usd

    def set_fee_share(self, share_bps: int) -> None:
        expect = "MarketplaceStakerShareOutOfRange" if share_bps > 5_000 else None
        args = (self.w.staking.address, share_bps)
        if self.send(self.w.market.setFeeShare, *args, sender=self.w.admin, expect=expect):
            self.m.config.staker_share_bps = share_bps

    def set_staking_windows(self, cooldown: int, window: int) -> None:
        self.send(self.w.staking.setCooldown, cooldown, sender=self.w.admin)
        self.send(self.w.staking.setWithdrawWindow, window, sender=self.w.admin)
        self.m.staking.cooldown, self.m.staking.window = cooldown, window

    # --- points and staking ---------------------------------------------------------------------

    def transfer_points(self, source: str, target: str, amount: int) -> None:
        expect = "ERC20InsufficientBalance" if self.m.points.get(source, 0) < amount else None
        fn = self.w.points.transfer
        if self.send(fn, target, amount, sender=source, expect=expect) is not None:
            self.m.move_points(source, target, amount)

    def stake(self, account: str, amount: int) -> None:
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif self.m.points.get(account, 0) < amount:
            expect = "ERC20InsufficientBalance"
        tx = self.send(self.w.staking.stake, amount, sender=account, expect=expect)
        if tx is None:
            return
        self.m.staking.stake(account, amount, self.m.now)
        self.m.move_points(account, self.w.staking.address, amount)
        assert tx.events["Staked"]["staked"] == self.m.staking.staked[account]
        STATS["stakes"] += 1

    def request_unstake(self, account: str, amount: int) -> None:
        staked = self.m.staking.staked.get(account, 0)
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif amount > staked:
            expect = "StakingInsufficientStake"
        fn = self.w.staking.requestUnstake
        tx = self.send(fn, amount, sender=account, expect=expect)
        if tx is None:
            return
        pending = self.m.staking.request_unstake(account, amount, self.m.now)
        event = tx.events["UnstakeRequested"]
        got = (event["pending"], event["readyAt"], event["closesAt"])
        assert got == (pending.amount, pending.ready_at, pending.closes_at)
        STATS["unstake requests"] += 1

    def withdraw(self, account: str) -> None:
        now, staking = self.next_ts, self.m.staking
        pending = staking.pending.get(account)
        expect = None
        if pending is None:
            expect = "StakingNothingPending"
        elif now < pending.ready_at:
            expect = "StakingCooldownNotOver"
        elif now > pending.closes_at:
            expect = "StakingWindowClosed"
        if self.send(self.w.staking.withdraw, sender=account, expect=expect) is not None:
            del staking.pending[account]
            self.m.move_points(self.w.staking.address, account, pending.amount)
            STATS["withdrawals"] += 1

    def cancel_unstake(self, account: str) -> None:
        expect = None if account in self.m.staking.pending else "StakingNothingPending"
        if self.send(self.w.staking.cancelUnstake, sender=account, expect=expect) is not None:
            self.m.staking.cancel_unstake(account, self.m.now)
            STATS["unstakes cancelled"] += 1

    def activate(self, account: str, caller: str) -> None:
        staking = self.m.staking
        matured = staking.matured(account, self.next_ts)
        expect = None if matured else "StakingNothingToActivate"
        tx = self.send(self.w.staking.activate, account, sender=caller, expect=expect)
        if tx is None:
            return
        amount = staking.activate(account, self.m.now)
        assert tx.events["StakeActivated"]["amount"] == amount > 0
        STATS["activations"] += 1

    def delegate(self, account: str, target: str) -> None:
        self.send(self.w.staking.delegate, target, sender=account)
        self.m.staking.delegate(account, target, self.m.now)
        STATS["delegations"] += 1

    def deposit_rewards(self, account: str, token: str, amount: int) -> None:
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif token not in self.m.staking.reward_tokens:
            expect = "StakingRewardTokenUnknown"
        elif self.m.balance(token, account) < amount:
            expect = "ERC20InsufficientBalance"
        fn = self.w.staking.depositRewards
        if self.send(fn, token, amount, sender=account, expect=expect) is not None:
            self.m.staking.deposit(token, amount, self.m.now)
            self.m.move(token, account, self.w.staking.address, amount)
            STATS["reward deposits"] += 1

    def claim_rewards(self, account: str, token: str, to: str) -> None:
        staking = self.m.staking
        # a matured bucket is activated first, in the same second: it adds nothing yet
        earned = staking.earned(account, token, self.next_ts)
        expect = "StakingNothingToClaim" if earned == 0 else None
        tx = self.send(self.w.staking.claimRewards, token, to, sender=account, expect=expect)
        if tx is None:
            return
        assert tx.events["RewardsClaimed"]["amount"] == earned
        assert staking.claim(account, token, self.m.now) == earned
        self.m.move(token, self.w.staking.address, to, earned)
        STATS["reward claims"] += 1

    # --- the end of an example: everyone leaves --------------------------------------------------

    def drain(self) -> None:
        """Every open order is ended by a third party after its timeout, every credit and fee
        is paid out, every stake is withdrawn and every reward claimed; then the marketplace
        holds nothing and the staking contract holds only the rewards not streamed yet (the
        stream pauses once nobody earns) and rounding dust. A feed still failing stays down
        through the timeouts: USD-protected orders it prices leave by the outage path (an
        outage recorded, three days waited, the locked amount settled); then it returns and
        every outage record is cleared."""
        m, w = self.m, self.w
        if m.busd_paused:
            self.set_busd_paused(False)
        for account in sorted(m.blacklisted):
            self.set_blacklisted(account, False)
        last = max((o.deadline for o in m.open_orders()), default=m.now)
        self.advance(max(last - m.now, 0) + 1)
        self.refresh_feeds()
        admin = str(w.admin)
        waiting = sorted(
            {
                (o.token, o.version)
                for o in m.open_orders()
                if o.status in (SHIPPED, DISPUTED)
                and o.buffer_bps
                and m.oracle.settlement_quote(m.tokens[o.token], o.version, 0, self.next_ts) is None
            }
        )
        for token, version in waiting:
            self.record_outage(token, version, admin)
        if waiting:
            target = max(m.oracle.outages[key][0] for key in waiting) + SETTLEMENT_OUTAGE_SECONDS
            self.keep_outages_seen(waiting, target)
            self.advance(target - m.now)
            self.refresh_feeds()
            STATS["drains through an outage"] += 1
        exits = {PAID: self.reclaim, SHIPPED: self.release, DISPUTED: self.resolve_after_timeout}
        for order in m.open_orders():
            exits[order.status](order, admin)
        for key, feed in m.oracle.feeds.items():
            if feed.mode != NORMAL:
                self.set_feed_mode(key, NORMAL)
        self.refresh_feeds()
        for token, version in sorted(m.oracle.outages):
            self.record_outage(token, version, admin)  # readable again: cleared
        for (account, token), credit in list(m.credits.items()):
            if credit:
                self.claim(account, token, account)
        for token in w.token_addresses:
            if m.fees.get(token):
                self.withdraw_fees(token)
            if m.strays.get(token):
                self.sweep(token, admin)
        for token in w.token_addresses:
            assert m.balance(token, w.market.address) == 0, "the marketplace still holds tokens"
        assert m.points.get(w.market.address, 0) == 0, "the marketplace still holds points"
        # A record may stay only for a version that still cannot be read (e.g. its feed's
        # answer drifted out of that version's sanity bounds): an outage that goes on.
        assert all(error for _, _, (error, _, _) in self._outage_report()), (
            f"outage records left for readable versions: {self._outage_report()}"
        )

        staking = m.staking
        for account in list(staking.pending):
            self.cancel_unstake(account)  # back into the stake (its window may have closed)
        for account, staked in list(staking.staked.items()):
            if staked:
                self.request_unstake(account, staked)
        if staking.pending:
            self.advance(max(p.ready_at for p in staking.pending.values()) - m.now)
            for account in list(staking.pending):
                self.withdraw(account)
        for account in w.accounts:
            for token in staking.reward_tokens:
                if staking.earned(account, token, self.next_ts):
                    self.claim_rewards(account, token, account)
        assert m.points.get(w.staking.address, 0) == 0, "the staking contract still holds points"
        STATS["drains"] += 1
        self.check_all()

    # --- invariants ----------------------------------------------------------------------------

    def vote_queries(self) -> list[tuple[str, int]]:
        """(account, past timepoint) pairs: just before now, and around each account's last
        two checkpoints and the ends of their warm-ups (the boundaries of the rule)."""
        staking, now = self.m.staking, self.m.now
        queries = []
        for account in self.w.accounts:
            times = {now - 1}
            trace = staking.units.get(account)
            for key in trace.keys[-2:] if trace else []:
                times |= {key - 1, key, key + staking.warmup - 1, key + staking.warmup}
            queries += [(account, t) for t in sorted(times) if 0 <= t < now]
        return queries

    def read(self, watched: list[Order], queries: list[tuple[str, int]]):
        """Every view the invariants need, in one `eth_call` to the probe, batched with the
        timeout-exit simulations of the open orders (one round trip). Returns the probe's
        snapshot and the raw answers of the simulations."""
        w = self.w
        system = (w.market, w.points, w.staking, w.reward_tokens)
        ids = [o.id for o in watched]
        voters = [a for a, _ in queries]
        times = [t for _, t in queries]
        listings = sorted(self.m.listings)
        args = (system, w.token_addresses, w.accounts, ids, (voters, times, listings))
        call = {"to": w.probe.address, "data": w.probe.read.encode_input(*args)}
        requests = [("eth_call", [call, "latest"]), *self.exit_calls(watched)]
        probe, *exits = web3.provider.make_batch_request(requests)
        if "error" in probe:
            raise RuntimeError(f"the probe failed: {probe['error']}")
        return w.probe.read.decode_output(probe["result"]), exits

    def check_all(self) -> None:
        """Reads every view once and checks the five money invariants, and that the
        model (every prediction so far) agrees with the chain."""
        m = self.m
        watched = [o for o in m.orders.values() if o.open or o.id in self.touched]
        queries = self.vote_queries()
        s, exits = self.read(watched, queries)
        assert s["timestamp"] == m.now, f"block time {s['timestamp']} != model {m.now}"
        self.check_orders_as_predicted(s, watched)
        self.check_marketplace_holds_escrows_credits_and_fees(s, watched)
        self.check_timeout_exits([o for o in watched if o.open], exits)
        self.check_listings_as_predicted(s)
        self.check_points_supply_is_minted_minus_burned(s)
        self.check_staking_holds_stakes_and_pending_unstakes(s)
        self.check_no_votes_beyond_staked_points(s, queries)
        self.touched = set()
        self.dirty = False
        STATS["invariant checks"] += 1

    def check_orders_as_predicted(self, s, watched: list[Order]) -> None:
        for order, view in zip(watched, s["orders"], strict=True):
            expected = (order.amount, order.deadline, order.status, order.points_escrowed)
            got = (view["amount"], view["deadline"], view["status"], view["pointsEscrowed"])
            assert got == expected, f"order {order.id[:10]}: chain {got} != model {expected}"
            assert view["flags"] == order.flags, f"order {order.id[:10]} flags"

    def check_listings_as_predicted(self, s) -> None:
        """Every listing's stock (sales take it, undone physical orders put it back)."""
        expected = [self.m.listings[i].stock for i in sorted(self.m.listings)]
        assert list(s["listingStocks"]) == expected, "listing stocks"

    def check_marketplace_holds_escrows_credits_and_fees(self, s, watched: list[Order]) -> None:
        """The marketplace's balance of each token = open escrows + credits + fees (+ what
        was sent to it by mistake, until swept), to the unit: from the contract's own books,
        from its per-order views, and from the model."""
        m, w = self.m, self.w
        accounts = w.accounts
        n = len(accounts)
        for t, token in enumerate(w.token_addresses):
            symbol = m.tokens[token].symbol
            balance = s["marketBalances"][t]
            escrow_view = sum(
                view["amount"]
                for order, view in zip(watched, s["orders"], strict=True)
                if order.token == token
            )
            credits_view = sum(s["credits"][t * n : (t + 1) * n])
            fees_view = s["fees"][t]
            stray = m.strays.get(token, 0)
            assert balance == escrow_view + credits_view + fees_view + stray, (
                f"{symbol}: the marketplace holds {balance}, but open escrows {escrow_view} + "
                f"credits {credits_view} + fees {fees_view} + stray {stray} = "
                f"{escrow_view + credits_view + fees_view + stray}"
            )
            assert s["escrowed"][t] == escrow_view, f"{symbol}: the book's escrow"
            assert s["creditsOutstanding"][t] == credits_view, f"{symbol}: the book's credits"
            escrow = sum(o.amount for o in m.open_orders() if o.token == token)
            credits = [m.credits.get((a, token), 0) for a in accounts]
            fees = m.fees.get(token, 0)
            owed = escrow + sum(credits) + fees
            assert balance == owed + stray == m.balance(token, w.market.address), (
                f"{symbol}: the model's escrows {escrow} + credits {sum(credits)} + fees {fees}"
                f" + stray {stray} != the balance {balance}"
            )
            assert list(s["credits"][t * n : (t + 1) * n]) == credits, f"{symbol} credits"
            assert fees_view == fees, f"{symbol} fees"
            balances = [m.balance(token, a) for a in accounts]
            assert list(s["tokenBalances"][t * n : (t + 1) * n]) == balances, f"{symbol} balances"

    def check_points_supply_is_minted_minus_burned(self, s) -> None:
        """Points supply = minted - burned (the Transfer events, and the model's predictions);
        the marketplace holds exactly the points escrowed by open orders."""
        m, w = self.m, self.w
        assert s["pointsSupply"] == m.initial_points_supply + m.seen_minted - m.seen_burned, (
            f"points supply {s['pointsSupply']} != minted {m.seen_minted} - burned "
            f"{m.seen_burned} (+ {m.initial_points_supply} at the start)"
        )
        assert (m.minted, m.burned) == (m.seen_minted, m.seen_burned), "points minted/burned"
        assert s["pointsSupply"] == m.points_supply
        escrowed = sum(o.points_escrowed for o in m.open_orders())
        assert s["pointsInMarket"] == escrowed == m.points.get(w.market.address, 0), (
            "the points the marketplace holds are not the open orders' escrowed points"
        )
        assert list(s["pointBalances"]) == [m.points.get(a, 0) for a in w.accounts]

    def check_staking_holds_stakes_and_pending_unstakes(self, s) -> None:
        """Staked points = the staking contract's points balance: its total stake plus the
        pending unstakes (its own views, and the model); each position and reward as
        predicted; the rewards owed are covered."""
        m, w = self.m, self.w
        staking = m.staking
        pending_view = sum(stake["pending"]["amount"] for stake in s["stakes"])
        assert s["pointsInStaking"] == s["totalStaked"] + pending_view, (
            f"staking holds {s['pointsInStaking']} points but staked {s['totalStaked']} + "
            f"pending {pending_view}"
        )
        assert s["totalStaked"] == staking.total_staked() == sum(staking.staked.values())
        assert pending_view == staking.total_pending()
        assert s["pointsInStaking"] == m.points.get(w.staking.address, 0)
        for account, stake in zip(w.accounts, s["stakes"], strict=True):
            pending = staking.pending.get(account)
            expected = (
                (pending.amount, pending.ready_at, pending.closes_at) if pending else (0,) * 3
            )
            assert tuple(stake["pending"]) == expected, f"{account} pending unstake"
            assert stake["staked"] == staking.staked.get(account, 0), f"{account} stake"
            earned = [staking.earned(account, token, m.now) for token in w.reward_tokens]
            assert list(stake["earned"]) == earned, f"{account} earned rewards"
            assert stake["delegatee"] == staking.delegatee.get(account, ZERO_ADDRESS)
        for k, token in enumerate(w.reward_tokens):
            symbol = m.tokens[token].symbol
            owed = sum(stake["earned"][k] for stake in s["stakes"])
            undistributed, held = s["undistributed"][k], s["rewardBalances"][k]
            assert undistributed == staking.remaining(token, m.now), f"{symbol} not streamed yet"
            assert owed + undistributed <= held, f"{symbol} rewards not covered"
            assert held == m.balance(token, w.staking.address), f"{symbol} held by staking"

    def check_no_votes_beyond_staked_points(self, s, queries) -> None:
        """No account's votes exceed its staked points (with delegation: the staked points
        delegated to it), now and at past timepoints; and each equals the warm-up rule's
        min(delegated units at t, at t - W)."""
        m, w = self.m, self.w
        staking = m.staking
        delegated = collections.Counter()
        for stake in s["stakes"]:
            delegated[stake["delegatee"]] += stake["staked"]
        for account, stake in zip(w.accounts, s["stakes"], strict=True):
            others = any(
                b != account and staking.delegatee.get(b) == account and staking.staked.get(b)
                for b in w.accounts
            )
            limit = delegated[account] if others else stake["staked"]
            assert stake["votes"] <= limit, (
                f"{account} has {stake['votes']} votes but {limit} staked points"
            )
            assert stake["votes"] == staking.votes_at(account, m.now), f"{account} votes now"
        assert sum(stake["votes"] for stake in s["stakes"]) <= s["totalStaked"]
        votes_at = collections.defaultdict(int)
        for (account, t), votes, total in zip(
            queries, s["pastVotes"], s["pastTotalSupply"], strict=True
        ):
            units = staking.delegated_units(account, t)
            assert votes <= units, (
                f"{account} had {votes} votes at {t} but {units} staked points delegated to it"
            )
            assert votes == staking.votes_at(account, t), f"{account} votes at {t}"
            assert total == staking.total_at(t), f"total supply at {t}: model {staking.total_at(t)}"
            votes_at[t] += votes
            # against the exact staked total at t (getPastTotalSupply samples it daily, so
            # votes may exceed it by what was staked earlier on the day of t - W)
            assert votes_at[t] <= staking.total.at(t), f"more votes than staked points at {t}"

    def exit_time(self, order: Order) -> int:
        return max(order.deadline + 1, self.m.now + 1)

    def fresh_feeds_at(self, t: int):
        """(the model's oracle, the `eth_call` state override) as if a keeper published a
        fresh round of every working feed at `t` (a failing feed stays failing)."""
        oracle = copy.deepcopy(self.m.oracle)
        override = {}
        for key, feed in oracle.feeds.items():
            if feed.mode != NORMAL:
                continue
            feed.updated_at = t
            # MockAggregator's slot 0: round id, startedAt, updatedAt, mode, decimals
            slot = 1 | t << 80 | t << 144 | NORMAL << 208 | 8 << 216
            override[self.w.feeds[key].address] = {
                "stateDiff": {"0x" + "00" * 32: f"0x{slot:064x}"}
            }
        return oracle, override

    def exit_error(self, order: Order, oracle, t: int) -> str | None:
        """The predicted answer of the order's timeout exit at `t` given `oracle`."""
        token = self.m.tokens[order.token]
        if order.status == SHIPPED:
            return complete_split(order, oracle, token, t).error
        if order.status == DISPUTED:
            share = BPS if order.flags & FLAG_SELLER_DISPUTED_UNSHIPPED else BPS // 2
            return ruling_split(order, oracle, token, t, share, True).error
        return None

    def exit_calls(self, orders: list[Order]) -> list:
        """For each open order, its timeout exit (`reclaim`, `release`, `resolveAfterTimeout`)
        called by a third party one second after its deadline (or now, if later), with the
        working feeds freshly published then, as an `eth_call` with block-time and state
        overrides: nothing is mined."""
        market, admin = self.w.market, str(self.w.admin)
        exits = {
            PAID: market.reclaim,
            SHIPPED: market.release,
            DISPUTED: market.resolveAfterTimeout,
        }
        requests = []
        for order in orders:
            if not order.open:
                continue
            call = {
                "from": admin,
                "to": market.address,
                "data": exits[order.status].encode_input(order.args),
                "gas": TX_GAS,
            }
            at = self.exit_time(order)
            _, override = self.fresh_feeds_at(at)
            requests.append(("eth_call", [call, "latest", override, {"time": hex(at)}]))
        return requests

    def check_timeout_exits(self, orders: list[Order], answers: list[dict]) -> None:
        """Every open order has a path to a final state that needs no cooperation from the
        other party once its timeout passes: its deadline is set (and at most the longest
        window ahead), and its exit goes through for a third party after it (with the feeds
        published on time). A USD-protected order whose feed has failed waits for the outage
        path instead: its exit is refused for the price only, and the outage can be recorded
        now (the drain at the end of every example takes that path to the end)."""
        now = self.m.now
        for order, answer in zip(orders, answers, strict=True):
            assert order.status in OPEN
            assert order.deadline <= now + MAX_WINDOW_SECONDS, (
                f"order {order.id[:10]} ({STATUS_NAMES[order.status]}) has deadline "
                f"{order.deadline}, now is {now}"
            )
            at = self.exit_time(order)
            oracle, _ = self.fresh_feeds_at(at)
            expected = self.exit_error(order, oracle, at)
            got = self.errors.name(answer["error"]) if "error" in answer else None
            assert got == expected, (
                f"order {order.id[:10]} ({STATUS_NAMES[order.status]}, deadline "
                f"{order.deadline}): timeout exit {got}, model {expected}"
            )
            if expected is not None:
                assert expected == "MarketplaceSettlementPriceUnavailable"
                token = self.m.tokens[order.token]
                assert self.m.oracle.settlement_quote(token, order.version, 0, now + 1) is None
                STATS["timeout exits waiting for the outage path"] += 1
        STATS["timeout exits simulated"] += len(orders)
