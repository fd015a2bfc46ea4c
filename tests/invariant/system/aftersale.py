"""After the sale: refunds, disputes and rulings, reviews, credits, fees, sweeps, digital
resale."""

from __future__ import annotations

from tests.invariant.model import (
    BPS,
    CANCELLED,
    COMPLETED,
    DISPUTED,
    FLAG_REVIEW_REWARDED,
    FLAG_REVIEWED,
    FLAG_SELLER_DISPUTED_UNSHIPPED,
    PAID,
    REFUNDED,
    RESOLVED,
    SHIPPED,
    STATUS_NAMES,
    Order,
    ruling_split,
)
from tests.invariant.system.core import SystemCore
from tests.invariant.system.world import (
    EVIDENCE,
    REVIEW,
    STATS,
)


class AfterSaleActions(SystemCore):
    """What happens to an order after it is paid, other than its normal completion."""

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
        to_seller = ruling.seller_gross - ruling.fee
        to_seller -= self.commission_of(order, to_seller, tx)
        expected = (
            share,
            ruling.to_buyer,
            to_seller,
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
        self._pay(order.token, order.seller, to_seller)
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
