"""Sending with a predicted outcome, time and feeds, token movements the model follows."""

from __future__ import annotations

from brownie import ZERO_ADDRESS
from eth_utils import to_checksum_address

from tests.invariant.model import (
    NORMAL,
    Model,
    Order,
    fee_of,
    points_burned,
)
from tests.invariant.system.world import (
    STATS,
    TX_GAS,
    Sent,
    World,
    eth_call,
    mine_at,
    pin_next_block,
    rpc,
)
from tools.toolchain import brownie_patches


class SystemCore:
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

    def commission_of(self, order: Order, proceeds: int, tx) -> int:
        """EscrowMarketplace._payCommission: the referrer's rate of the seller's proceeds
        after the fee, paid (or credited) before the seller; checked against its event."""
        commission = fee_of(proceeds, order.terms.commissionBps)
        paid = [
            e
            for e in tx.events
            if e.name == "CommissionPaid" and str(e["orderId"]).lower() == order.id
        ]
        if not commission:
            assert not paid, "a commission of nothing was paid"
            return 0
        assert len(paid) == 1 and paid[0]["amount"] == commission, (paid, commission)
        assert paid[0]["referrer"] == order.terms.referrer
        self._pay(order.token, order.terms.referrer, commission)
        STATS["commissions paid"] += 1
        return commission

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
