"""The marketplace's actions: listings, checkout and the order's normal life (ship,
confirm, release, reclaim, cancel)."""

from __future__ import annotations

from brownie import ZERO_ADDRESS, web3

from bazaar.signing import permit2 as permit2_typed
from bazaar.signing.eip712 import sign_typed
from bazaar.types import OrderTerms
from tests.invariant.model import (
    BPS,
    CANCELLED,
    COMPLETED,
    FLAG_CANCEL_REQUESTED,
    FLAG_DIGITAL,
    FLAG_REVIEW_REWARDED,
    MAX_CART_LINES,
    MAX_COMMISSION_BPS,
    MAX_RELAYER_FEE_BPS,
    MIN_REVIEW_REWARD_USD,
    PAID,
    POINT_UNITS_PER_USD_UNIT,
    REFUNDED,
    SHIPPED,
    Listing,
    Order,
    SignedOffer,
    buffered_deposit,
    complete_split,
)
from tests.invariant.system.core import SystemCore
from tests.invariant.system.world import (
    FAR_FUTURE,
    METADATA,
    ROYALTY_BPS,
    STATS,
    TRACKING,
)
from tests.support import offers


class MarketActions(SystemCore):
    """What buyers, sellers, arbiters and anyone do on the marketplace."""

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

    def _price_line(
        self,
        buyer: str,
        listing: Listing,
        token: str,
        quantity: int,
        arbiter: str,
        points: int,
        stock: int,
        referrer: str | None = None,
        quote: bool = True,
    ) -> tuple[str | None, int, int, int]:
        """MarketplaceCheckoutCore._priceListing for one order (a checkout, or a cart's line
        with `stock` what the lines before it left): (error, USD price, locked, paid).
        Without `quote`, `_takeLine` only (a cart quotes its lines after checking them all)."""
        m = self.m
        usd = listing.price * quantity
        expect = None
        if not listing.active:
            expect = "MarketplaceListingInactive"
        elif buyer == listing.seller:
            expect = "MarketplaceSelfDealing"
        elif quantity == 0 or quantity > stock:
            expect = "MarketplaceOutOfStock"
        elif token not in listing.tokens:
            expect = "MarketplaceTokenNotAccepted"
        elif arbiter not in m.arbiters or arbiter in (buyer, listing.seller):
            expect = "MarketplaceArbiterInvalid"
        elif referrer is not None and referrer in (buyer, listing.seller, arbiter):
            expect = "MarketplaceReferrerInvalid"
        if expect is None and points:
            discount = points // POINT_UNITS_PER_USD_UNIT
            cap = usd * listing.points_cap_bps // BPS
            if discount == 0 or discount > cap:
                expect = "MarketplaceDiscountAboveCap"
            usd -= discount
        if expect is not None or not quote:
            return expect, usd, 0, 0
        expect, locked, amount = self._quote_line(listing, token, usd)
        return expect, usd, locked, amount

    def _quote_line(self, listing: Listing, token: str, usd: int) -> tuple[str | None, int, int]:
        """The oracle's quote of a line: (error, locked, paid with the buffer)."""
        m, now = self.m, self.next_ts
        expect, locked = m.oracle.quote(m.tokens[token], usd, now)
        amount = buffered_deposit(locked, listing.buffer_bps) if listing.buffer_bps else locked
        return expect, locked, amount

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
        expect, usd, locked, amount = None, 0, 0, 0
        if m.config.paused:
            expect = "MarketplacePaused"
        elif now > deadline:
            expect = "MarketplaceCheckoutExpired"
        else:
            expect, usd, locked, amount = self._price_line(
                buyer, listing, token, quantity, arbiter, points, listing.stock
            )
        max_payment = max(amount - 1, 0) if fault == "max_payment" else 2**256 - 1
        expect = expect or self._payment_error(buyer, token, amount, max_payment, points)
        args = (listing.id, quantity, token, max_payment, deadline, arbiter, points)
        tx = self.send(self.w.market.checkout, *args, sender=buyer, expect=expect)
        if tx is None:
            STATS[f"checkout refused: {expect}"] += 1
            return None
        line = (listing, quantity, points, usd, locked, amount)
        order = self._record_order(tx.events["OrderPaid"], buyer, token, arbiter, None, line)
        self._take_payment(buyer, token, amount, points)
        return order

    def checkout_cart(
        self,
        buyer: str,
        lines: list[tuple[Listing, int, int]],
        token: str,
        arbiter: str,
        referrer: str | None,
        fault: str | None = None,
        relay: tuple[str, int, str | None] | None = None,
    ) -> list[Order]:
        """MarketplaceAdmin.checkoutCart: every line priced as a checkout would (the stock the
        lines before it left), the points escrowed at once, the total pulled at once; all or
        nothing. `fault`: "expired", "max_payment" (one unit below the total).

        `relay` (relayer, fee in bps of the total, attack): `checkoutCartWithPermit2` instead,
        signed by the buyer (its next unused Permit2 nonce) and sent by the relayer, who is
        paid the fee; the attack, "replay" (a nonce the buyer used) or "raised fee" (the
        relayer sends one unit more than was signed), must be refused by Permit2."""
        m, now = self.m, self.next_ts
        deadline = now - 1 if fault == "expired" else FAR_FUTURE
        expect, priced, stock = None, [], {}
        if m.config.paused:
            expect = "MarketplacePaused"
        elif now > deadline:
            expect = "MarketplaceCheckoutExpired"
        elif not 1 <= len(lines) <= MAX_CART_LINES:
            expect = "MarketplaceCartSizeOutOfRange"
        for listing, quantity, points in lines if expect is None else ():
            left = stock.get(listing.id, listing.stock)
            expect, usd, _, _ = self._price_line(
                buyer, listing, token, quantity, arbiter, points, left, referrer, quote=False
            )
            if expect is not None:
                break
            stock[listing.id] = left - quantity
            priced.append((listing, quantity, points, usd, 0, 0))
        for n, (listing, quantity, points, usd, _, _) in enumerate(priced if not expect else ()):
            expect, locked, amount = self._quote_line(listing, token, usd)
            if expect is not None:
                break
            priced[n] = (listing, quantity, points, usd, locked, amount)
        total = sum(line[5] for line in priced)
        points_total = sum(line[2] for line in priced)
        max_total = max(total - 1, 0) if fault == "max_payment" else 2**256 - 1
        cart = (
            [(line[0].id, line[1], line[2]) for line in lines],
            token,
            max_total,
            deadline,
            arbiter,
            referrer or ZERO_ADDRESS,
        )
        if relay is not None:
            return self._relay_cart(buyer, cart, priced, total, points_total, relay, expect)
        expect = expect or self._payment_error(buyer, token, total, max_total, points_total)
        tx = self.send(self.w.market.checkoutCart, cart, sender=buyer, expect=expect)
        if tx is None:
            STATS[f"cart refused: {expect}"] += 1
            return []
        events = list(tx.events["OrderPaid"])
        assert len(events) == len(priced), "one order per line"
        orders = [
            self._record_order(event, buyer, token, arbiter, referrer, line)
            for event, line in zip(events, priced, strict=True)
        ]
        transfers = [e for e in tx.events if e.name == "Transfer" and e.address == token]
        assert len(transfers) == 1, "one pull of the total"
        self._take_payment(buyer, token, total, points_total)
        STATS["carts"] += 1
        STATS["cart lines"] += len(orders)
        STATS["referred orders"] += len(orders) if referrer else 0
        return orders

    # --- signed offers ----------------------------------------------------------------------

    def sign_offer(self, seller: str, price: int, stock: int, tokens: list[str], expiry: int):
        """`seller` signs an offer (its current counter, a fresh salt) with its key; nothing
        is sent: the model records it, as a listing the first fill will write."""
        mask = sum(1 << (self.w.market.tokenId.call(t) - 1) for t in tokens)
        counter = self.m.offer_counters.get(seller, 0)
        offer = offers.Offer(seller, price, stock, mask, expiry=expiry, salt=len(self.m.offers))
        offer = offer.but(counter=counter)
        offer_hash = offers.offer_hash(self.w.market, offer)
        listing = Listing(int(offer_hash, 16), seller, price, stock, tuple(tokens), 0, 0, 0)
        signed = SignedOffer(offer, offer_hash, listing)
        self.m.offers[listing.id] = signed
        STATS["offers signed"] += 1
        return signed

    def checkout_offer(self, buyer: str, signed, token: str, quantity: int, arbiter: str):
        """MarketplaceOffers.checkoutOffer: the offer's own checks (expiry, counter, cancel,
        units left), then the order written as a listing's line with the offer's fields."""
        m, now, offer, listing = self.m, self.next_ts, signed.offer, signed.listing
        expect, usd, locked, amount = None, 0, 0, 0
        if m.config.paused:
            expect = "MarketplacePaused"
        elif now > offer.expiry:
            expect = "MarketplaceOfferExpired"
        elif offer.counter != m.offer_counters.get(offer.seller, 0):
            expect = "MarketplaceOfferCounterStale"
        elif signed.cancelled:
            expect = "MarketplaceOfferCancelled"
        elif quantity == 0 or quantity > listing.stock:
            expect = "MarketplaceOfferStockExceeded"
        else:
            expect, usd, locked, amount = self._price_line(
                buyer, listing, token, quantity, arbiter, 0, listing.stock
            )
        expect = expect or self._payment_error(buyer, token, amount, 2**256 - 1, 0)
        signature = offers.sign(self.w.market, self.w.keys[offer.seller], offer)
        purchase = offers.purchase(token, arbiter, quantity, deadline=FAR_FUTURE)
        fn = self.w.market.checkoutOffer
        tx = self.send(fn, offer.tuple(), signature, purchase, sender=buyer, expect=expect)
        if tx is None:
            STATS[f"offer checkout refused: {expect}"] += 1
            return None
        line = (listing, quantity, 0, usd, locked, amount)
        order = self._record_order(tx.events["OrderPaid"], buyer, token, arbiter, None, line)
        self._take_payment(buyer, token, amount, 0)
        event = tx.events["OfferFilled"]
        assert (event["quantity"], event["filled"]) == (quantity, signed.filled)
        STATS["offer fills"] += 1
        STATS["first offer fills"] += signed.filled == quantity
        return order

    def cancel_offer(self, signed, sender: str) -> None:
        expect = None if sender == signed.offer.seller else "MarketplaceUnauthorized"
        tx = self.send(
            self.w.market.cancelOffer, signed.offer.tuple(), sender=sender, expect=expect
        )
        if tx is not None:
            signed.cancelled = True
            STATS["offers cancelled"] += 1

    def cancel_all_offers(self, seller: str) -> None:
        """The counter jumps by the parent block's hash shifted into its top half, plus one
        (MarketplaceOffers.cancelAllOffers, review finding R1): predicted from that hash."""
        parent = int.from_bytes(bytes(web3.eth.get_block("latest")["hash"]), "big")
        tx = self.send(self.w.market.cancelAllOffers, sender=seller)
        old = self.m.offer_counters.get(seller, 0)
        counter = (old + ((parent << 128) % 2**256) + 1) % 2**256
        self.m.offer_counters[seller] = counter
        assert tx.events["OffersCancelled"]["counter"] == counter
        STATS["cancelAllOffers"] += 1

    def check_offers_filled(self) -> None:
        for signed in self.m.offers.values():
            assert self.w.market.offerFilled.call(signed.hash) == signed.filled, signed.hash

    def _relay_cart(self, buyer, cart, priced, total, points, relay, expect) -> list[Order]:
        """`checkoutCartWithPermit2` of `cart`, signed by `buyer`, sent by the relayer: after
        the cart's own checks, the points, the fee's cap, the signature and nonce (Permit2),
        the pull of the total and the fee, then the fee to the relayer."""
        relayer, fee_bps, attack = relay
        token, max_total, referrer = cart[1], cart[2], cart[5]
        fee = total * fee_bps // 10_000
        used = self.m.permit2_nonces.setdefault(buyer, set())
        nonce = next(n for n in range(len(used) + 1) if n not in used)
        if attack == "replay" and used:
            nonce = min(used)
        sent_fee = fee + 1 if attack == "raised fee" else fee
        if expect is None and total > max_total:
            expect = "MarketplacePriceAboveMax"
        if expect is None and points > self.m.points.get(buyer, 0):
            expect = "ERC20InsufficientBalance"
        if expect is None and sent_fee > total * MAX_RELAYER_FEE_BPS // 10_000:
            expect = "MarketplaceRelayerFeeAboveCap"
        if expect is None and attack == "raised fee":
            expect = "InvalidSigner"
        if expect is None and nonce in used:
            expect = "InvalidNonce"
        market = self.w.market.address
        if expect is None and self.transfer_error(token, buyer, market, total + fee):
            expect = "Error"  # Permit2's solmate transfer: Error("TRANSFER_FROM_FAILED")
        # The pull lands first: the market holds the fee when it pays it on.
        busd = token == self.w.busd.address
        if expect is None and fee and busd and relayer in self.m.blacklisted:
            expect = "BlacklistTokenBlocked"
        data = permit2_typed.cart_checkout(
            web3.eth.chain_id,
            self.w.permit2.address,
            market,
            {
                "lines": cart[0],
                "token": token,
                "maxTotal": max_total,
                "deadline": cart[3],
                "arbiter": cart[4],
                "referrer": referrer,
            },
            fee,
            nonce,
        )
        signature = sign_typed(self.w.keys[buyer], data)
        payment = (buyer, sent_fee, nonce, signature)
        fn = self.w.market.checkoutCartWithPermit2
        tx = self.send(fn, cart, payment, sender=relayer, expect=expect)
        if tx is None:
            STATS[f"signed cart refused: {expect}"] += 1
            return []
        used.add(nonce)
        events = list(tx.events["OrderPaid"])
        assert len(events) == len(priced), "one order per line"
        orders = [
            self._record_order(event, buyer, token, cart[4], None, line)
            for event, line in zip(events, priced, strict=True)
        ]
        relayed = [e for e in tx.events if e.name == "CartRelayed"]
        assert len(relayed) == 1 and relayed[0]["fee"] == fee and relayed[0]["relayer"] == relayer
        self._take_payment(buyer, token, total + fee, points)
        if fee:
            self.m.move(token, market, relayer, fee)
        STATS["signed carts"] += 1
        STATS["signed cart lines"] += len(orders)
        STATS["relayer fees paid"] += 1 if fee else 0
        return orders

    def _payment_error(self, buyer, token, amount, most, points) -> str | None:
        """After pricing, what `checkout` and `checkoutCart` check in turn: the buyer's bound,
        the points to escrow, the pull of the amount."""
        if amount > most:
            return "MarketplacePriceAboveMax"
        if points > self.m.points.get(buyer, 0):
            return "ERC20InsufficientBalance"
        return self.transfer_error(token, buyer, self.w.market.address, amount)

    def _take_payment(self, buyer: str, token: str, amount: int, points: int) -> None:
        """The amount pulled into escrow and the redeemed points escrowed."""
        self.m.move(token, buyer, self.w.market.address, amount)
        if points:
            self.m.move_points(buyer, self.w.market.address, points)

    def _record_order(self, event, buyer, token, arbiter, referrer, line) -> Order:
        """The model's side of `_storeOrder`: the terms it must have emitted, the order, the
        stock taken and the item delivered (the money moves are the caller's)."""
        listing, quantity, points, usd, locked, amount = line
        m, config = self.m, self.m.config
        now = m.now  # the block time of the transaction just sent
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
            referrer or ZERO_ADDRESS,
            # Only a referrer the seller approved earns its rate (finding F1); others get 0.
            listing.commission_bps if (listing.seller, referrer) in m.referrers else 0,
        )
        oid = terms.id_hex()
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
        if digital:
            m.goods_owner[listing.goods_id] = buyer
        self.touched.add(oid)
        STATS["orders"] += 1
        STATS["orders redeeming points"] += points > 0
        STATS["digital orders"] += digital
        STATS[f"orders on oracle version {terms.oracleVersion}"] += 1
        return order

    def set_commission(self, listing: Listing, bps: int, sender: str) -> None:
        expect = None
        if sender != listing.seller:
            expect = "MarketplaceUnauthorized"
        elif not listing.active:
            expect = "MarketplaceListingInactive"
        elif bps > MAX_COMMISSION_BPS:
            expect = "MarketplaceCommissionOutOfRange"
        tx = self.send(self.w.market.setCommission, listing.id, bps, sender=sender, expect=expect)
        if tx is not None:
            listing.commission_bps = bps
            assert tx.events["CommissionSet"]["commissionBps"] == bps
            STATS["commissions set"] += 1

    def set_referrer(self, seller: str, referrer: str, approved: bool) -> None:
        """`seller` approves or revokes `referrer` (the zero address is refused)."""
        expect = "MarketplaceReferrerZero" if referrer == ZERO_ADDRESS else None
        tx = self.send(self.w.market.setReferrer, referrer, approved, sender=seller, expect=expect)
        if tx is not None:
            event = tx.events["ReferrerSet"]
            assert (event["seller"], event["referrer"], event["approved"]) == (
                seller,
                referrer,
                approved,
            )
            if approved:
                self.m.referrers.add((seller, referrer))
            else:
                self.m.referrers.discard((seller, referrer))
            assert self.w.market.isReferrer(seller, referrer) == approved
            STATS["referrers approved" if approved else "referrers revoked"] += 1

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

    def royalty_of(self, order: Order, proceeds: int, cap: int) -> tuple[str | None, int]:
        """EscrowMarketplace._payRoyalty: the creator's ERC-2981 cut of a resale's proceeds,
        capped at what the commission left of them."""
        if not order.goods_id:
            return None, 0
        creator = self.m.goods_creator[order.goods_id]
        if creator == order.seller:
            return None, 0
        return creator, min(proceeds * ROYALTY_BPS // BPS, cap)

    def _completion(self, fn, order: Order, sender: str, expect, confirmed: bool) -> None:
        self._completions(fn, [order], sender, [expect], confirmed, batch=False)

    def ship_batch(self, orders: list[Order], sender: str) -> None:
        """EscrowMarketplace.shipBatch: `ship` for each order in turn, all or nothing."""
        now = self.next_ts
        expect = None
        for order in orders:
            expect = self._wrong_status(order, (PAID,))
            if expect is None and sender != order.seller:
                expect = "MarketplaceUnauthorized"
            if expect is None and now > order.deadline:
                expect = "MarketplaceDeadlinePassed"
            if expect is not None:
                break
        args = ([o.args for o in orders], [TRACKING] * len(orders))
        tx = self.send(self.w.market.shipBatch, *args, sender=sender, expect=expect)
        if tx is None:
            return
        events = [e for e in tx.events if e.name == "OrderShipped"]
        assert len(events) == len(orders)
        for order, event in zip(orders, events, strict=True):
            order.status, order.deadline = SHIPPED, now + order.terms.confirmWindow
            assert str(event["orderId"]).lower() == order.id
            assert event["confirmDeadline"] == order.deadline
            self.touched.add(order.id)
        STATS["batches shipped"] += 1

    def confirm_batch(self, orders: list[Order], sender: str) -> None:
        """EscrowMarketplace.confirmBatch: `confirm` for each order in turn, all or nothing."""
        expects = []
        for order in orders:
            expect = self._wrong_status(order, (SHIPPED,))
            if expect is None and sender != order.buyer:
                expect = "MarketplaceUnauthorized"
            expects.append(expect)
        fn = self.w.market.confirmBatch
        self._completions(fn, orders, sender, expects, confirmed=True, batch=True)
        STATS["batches confirmed"] += 1

    def _completions(self, fn, orders, sender: str, expects, confirmed: bool, batch: bool):
        """`_complete` for each of `orders` (one call, or a batch that is all or nothing):
        the first refusal (its own, or its settlement's) is the call's."""
        m = self.m
        splits = [complete_split(o, m.oracle, m.tokens[o.token], self.next_ts) for o in orders]
        refusals = (e or split.error for e, split in zip(expects, splits, strict=True))
        expect = next((e for e in refusals if e is not None), None)
        args = [o.args for o in orders] if batch else orders[0].args
        tx = self.send(fn, args, sender=sender, expect=expect)
        if tx is None:
            return
        for order, split in zip(orders, splits, strict=True):
            self._completed(tx, order, split, confirmed)

    def _completed(self, tx, order: Order, split, confirmed: bool) -> None:
        m = self.m
        mine = [e for e in tx.events if "orderId" in e and str(e["orderId"]).lower() == order.id]
        commission = self.commission_of(order, split.to_seller, tx)
        creator, royalty = self.royalty_of(order, split.to_seller, split.to_seller - commission)
        event = next(e for e in mine if e.name == "OrderCompleted")
        got = (event["toSeller"], event["fee"], event["toBuyer"], event["confirmed"])
        net = split.to_seller - royalty - commission
        expected = (net, split.fee, split.to_buyer, confirmed)
        assert got == expected, (got, expected)
        order.status, order.amount = COMPLETED, 0
        if split.usd_settled >= MIN_REVIEW_REWARD_USD:
            order.flags |= FLAG_REVIEW_REWARDED
        m.fees[order.token] = m.fees.get(order.token, 0) + split.fee
        self._settle_points(order, split.usd_settled, order.usd_amount)
        if royalty:
            self._pay(order.token, creator, royalty)
            assert next(e for e in mine if e.name == "RoyaltyPaid")["amount"] == royalty
            STATS["royalties paid"] += 1
        self._pay(order.token, order.seller, net)
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
        if order.listing_id > 2**64 - 1:  # a signed offer's: its units sold go down
            signed = self.m.offers[order.listing_id]
            if not signed.cancelled:
                signed.listing.stock += order.quantity
            event = tx.events["OfferRestocked"]
            assert (event["quantity"], event["filled"]) == (order.quantity, signed.filled)
            assert "Restocked" not in tx.events
            STATS["offer restocks"] += 1
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
