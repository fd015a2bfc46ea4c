"""The escrow marketplace: listings, checkout (approving first when needed), the order
lifecycle, and the status of orders and listings.

Orders are known by their id, the hash of their terms; every lifecycle call passes the terms
back. The client takes them from the `OrderPaid` event of the order (in the checkout's receipt,
or found by its id, an indexed topic) and checks that they hash to the id before using them.
The contract's rules are checked by the contract: every transaction is preflighted and a
refusal comes back as the contract's decoded error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.points import PointsClient
from bazaar.errors import BazaarError, InputRefused, RevertError
from bazaar.types import KIND_NAMES, STATUS_NAMES, OrderId, OrderTerms
from bazaar.units import checksum

PHYSICAL = 0
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
# The contract's bounds (its MAX_CART_LINES and MAX_COMMISSION_BPS), checked before sending.
MAX_CART_LINES = 20
MAX_COMMISSION_BPS = 2_000
# Order ids per eth_getLogs topic filter when terms are looked up by id (any of them).
IDS_PER_QUERY = 100


@dataclass(frozen=True)
class Listing:
    id: int
    seller: str
    price_usd: int
    stock: int
    token_mask: int
    buffer_bps: int
    points_discount_cap_bps: int
    kind: str
    active: bool
    goods_token_id: int  # digital listings: the DigitalGoods item in escrow (0: physical)
    metadata_hash: bytes
    commission_bps: int = 0  # affiliate commission offered to referrers (of the proceeds)


@dataclass(frozen=True)
class OrderState:
    amount: int
    deadline: int
    status: str
    cancel_requested: bool
    reviewed: bool
    points_escrowed: int = 0  # reward point units the buyer redeemed, held until the order ends


@dataclass(frozen=True)
class Order:
    id: OrderId
    terms: OrderTerms
    state: OrderState
    paid_amount: int
    quantity: int
    block: int

    @property
    def id_hex(self) -> str:
        return "0x" + self.id.hex()


@dataclass(frozen=True)
class CartLine:
    """A line of a cart: `quantity` units of listing `listing_id`, redeeming `points` reward
    point units (18 decimals) on this line, as a single checkout would."""

    listing_id: int
    quantity: int = 1
    points: int = 0

    def as_tuple(self) -> tuple[int, int, int]:
        """IEscrowMarketplaceTypes.CartLine as web3 passes it."""
        return (self.listing_id, self.quantity, self.points)


@dataclass(frozen=True)
class CommissionPayment:
    """A commission a referrer earned (a `CommissionPaid` event): pushed to it, or credited
    when the transfer failed."""

    order_id: OrderId
    token: str
    amount: int
    block: int
    tx_hash: str

    @property
    def id_hex(self) -> str:
        return "0x" + self.order_id.hex()


@dataclass(frozen=True)
class CommissionEarnings:
    """What a referrer earned: every commission paid, oldest first, and its claimable credits
    by payment token (every payment token, zero included)."""

    referrer: str
    payments: tuple[CommissionPayment, ...]
    credits: dict[str, int]

    def totals(self) -> dict[str, int]:
        """Commissions earned, summed by token."""
        sums: dict[str, int] = {}
        for p in self.payments:
            sums[p.token] = sums.get(p.token, 0) + p.amount
        return sums


def address_topic(address: str) -> str:
    """An indexed address as an eth_getLogs topic (0x + 64 hex digits)."""
    return "0x" + "00" * 12 + checksum(address)[2:].lower()


def parse_order_id(text: str) -> OrderId:
    """An order id: 0x + 64 hex digits.

    Raises:
        BazaarError: anything else.
    """
    raw = text.removeprefix("0x") if isinstance(text, str) else ""
    if len(raw) != 64 or not all(c in "0123456789abcdefABCDEF" for c in raw):
        raise BazaarError(f"bad order id {text!r}: expected 0x followed by 64 hex digits")
    return OrderId(bytes.fromhex(raw))


def hash_text(text: str) -> bytes:
    """A commitment to free text (tracking data, evidence, review): its keccak256, or the
    32-byte value itself when given as 0x + 64 hex digits. Only the hash goes on chain."""
    raw = text.removeprefix("0x")
    if text.startswith("0x") and len(raw) == 64:
        try:
            return bytes.fromhex(raw)
        except ValueError:
            pass
    return keccak(text=text)


# The selector of MarketplaceListingUnknown(uint256): getListing's answer for an id never used.
LISTING_UNKNOWN = keccak(text="MarketplaceListingUnknown(uint256)")[:4]


class MarketplaceClient(ContractClient):
    ARTIFACT = "EscrowMarketplace"

    # -- views ---------------------------------------------------------------------------

    def listing(self, listing_id: int) -> Listing:
        """Listing `listing_id`.

        Raises:
            BazaarError: no such listing.
        """
        try:
            raw = self.view("getListing", listing_id)
        except RevertError as exc:
            if exc.data[:4] != LISTING_UNKNOWN:
                raise
            raise BazaarError(f"unknown listing {listing_id} on {self.address}") from None
        seller, price, stock, mask, buffer, cap, kind, active, goods_id, commission, metadata = raw
        return Listing(
            listing_id,
            seller,
            price,
            stock,
            mask,
            buffer,
            cap,
            KIND_NAMES[kind],
            active,
            goods_id,
            metadata,
            commission,
        )

    def accepted_tokens(self, listing: Listing) -> list[str]:
        """The tokens a listing accepts (mask bit i: token id i + 1)."""
        mask = listing.token_mask
        return [self.view("paymentToken", i + 1) for i in range(16) if mask & (1 << i)]

    def quote(self, listing_id: int, quantity: int, token: str) -> int:
        """Token units the buyer pays now (the deposit, for USD-protected listings)."""
        return int(self.view("quote", listing_id, quantity, checksum(token, "token")))

    def is_arbiter(self, account: str) -> bool:
        return bool(self.view("isActiveArbiter", checksum(account, "arbiter")))

    # (terms, paid block) of an order from an index, or None (set by whoever has one)
    terms_lookup: Callable[[OrderId], tuple[OrderTerms, int] | None] | None = None

    def arbiters(self) -> list[str]:
        """Every active arbiter (the marketplace keeps at most MAX_ACTIVE_ARBITERS)."""
        return [checksum(a) for a in self.view("arbiters")]

    def state(self, order_id: OrderId) -> OrderState:
        amount, deadline, status, flags, points = self.view("getOrder", order_id)
        return OrderState(
            amount, deadline, STATUS_NAMES[status], bool(flags & 1), bool(flags & 2), points
        )

    def order(self, order_id: OrderId) -> Order:
        """The order `order_id`: its terms from the index when one is attached
        (`terms_lookup`) and knows it, else from its OrderPaid event; and its state. Terms
        from either source are checked to hash to `order_id`.

        Raises:
            BazaarError: no OrderPaid event carries this id on this marketplace.
        """
        if self.terms_lookup is not None:
            indexed = self.terms_lookup(order_id)
            if indexed is not None and indexed[0].order_id() == order_id:
                terms, block = indexed
                state = self.state(order_id)
                return Order(order_id, terms, state, terms.deposit(), terms.quantity, block)
        found = next(self.logs("OrderPaid", "0x" + order_id.hex()), None)
        if found is None:
            raise BazaarError(
                f"unknown order 0x{order_id.hex()}: no OrderPaid event on marketplace "
                f"{self.address}"
            )
        return self._order(order_id, found["args"], found["blockNumber"])

    def _order(self, order_id: OrderId, paid: Any, block: int) -> Order:
        """The order of an OrderPaid event's arguments `paid`, checked against `order_id`."""
        terms = OrderTerms.from_event(paid["terms"])
        if terms.order_id() != order_id:  # a node returning foreign logs must not fool us
            raise BazaarError(f"the OrderPaid event of 0x{order_id.hex()} has terms of another id")
        return Order(order_id, terms, self.state(order_id), terms.deposit(), terms.quantity, block)

    def fees(self) -> tuple[int, int]:
        """The platform fee and the arbiter fee of new orders, in basis points."""
        config = self.view("config")
        return int(config[0]), int(config[1])

    def seller_rating(self, seller: str) -> tuple[int, int]:
        total, count = self.view("sellerRating", checksum(seller, "seller"))
        return int(total), int(count)

    # -- listings ------------------------------------------------------------------------

    def list_item(
        self,
        price_usd: int,
        stock: int,
        tokens: list[str],
        buffer_bps: int = 0,
        points_cap_bps: int = 0,
        metadata_hash: bytes = b"\0" * 32,
    ) -> int:
        """Lists an item; returns its listing id."""
        receipt = self.send(
            "list",
            price_usd,
            stock,
            [checksum(t, "token") for t in tokens],
            buffer_bps,
            points_cap_bps,
            PHYSICAL,
            metadata_hash,
            label="list",
        )
        return int(self.events(receipt, "Listed")[0]["listingId"])

    def list_digital(
        self,
        goods_token_id: int,
        price_usd: int,
        tokens: list[str],
        buffer_bps: int = 0,
        points_cap_bps: int = 0,
    ) -> int:
        """Lists the seller's DigitalGoods item `goods_token_id` (it moves into escrow; stock
        1, the description is the item's content hash); returns the listing id."""
        receipt = self.send(
            "listDigital",
            goods_token_id,
            price_usd,
            [checksum(t, "token") for t in tokens],
            buffer_bps,
            points_cap_bps,
            label="list the digital item",
        )
        return int(self.events(receipt, "Listed")[0]["listingId"])

    def _own_listing(self, listing_id: int, what: str) -> Listing:
        """Listing `listing_id`, checked to be the signer's and active before `what` is sent.

        Raises:
            BazaarError: unknown, another seller's, or delisted; nothing sent.
        """
        me = self.signer(what).address
        listing = self.listing(listing_id)
        if listing.seller != me:
            raise BazaarError(f"listing {listing_id} is {listing.seller}'s: {me} may not {what} it")
        if not listing.active:
            raise BazaarError(f"listing {listing_id} is delisted already")
        return listing

    def update_listing(self, listing_id: int, price_usd: int, stock: int) -> TxReceipt:
        """The seller changes price and stock (paid orders keep their terms).

        Raises:
            BazaarError: not the signer's active listing, or nothing would change; nothing
                sent.
        """
        listing = self._own_listing(listing_id, "update")
        if (listing.price_usd, listing.stock) == (price_usd, stock):
            raise BazaarError(f"listing {listing_id} has this price and stock already")
        return self.send("updateListing", listing_id, price_usd, stock, label="update-listing")

    def delist(self, listing_id: int) -> TxReceipt:
        """The seller withdraws a listing; an unsold digital item comes back.

        Raises:
            BazaarError: not the signer's active listing; nothing sent.
        """
        self._own_listing(listing_id, "delist")
        return self.send("delist", listing_id, label="delist")

    # -- checkout ------------------------------------------------------------------------

    def checkout(
        self,
        listing_id: int,
        quantity: int,
        token: Erc20Client,
        max_payment: int,
        deadline: int,
        arbiter: str,
        approve: bool = True,
        points: int = 0,
    ) -> tuple[Order, int, bool]:
        """Buys, approving `max_payment` of `token` first when the allowance is short (or
        refusing, when not `approve`); the order is the one in the checkout's receipt.
        `points` (reward point units) are redeemed for a discount of one US cent per whole
        point, up to the listing's cap; the marketplace holds them until the order ends.

        Returns:
            The order, the amount paid, and whether an approval was sent.
        Raises:
            RevertError: the marketplace refuses the checkout (decoded); nothing sent.
            BazaarError: the balance (of the token, or of points) is short, or the allowance
                and not `approve`; nothing sent.
        """
        if points:
            self._check_points_held(points, "the checkout")
        call = self.call_for(
            "checkout",
            listing_id,
            quantity,
            token.address,
            max_payment,
            deadline,
            checksum(arbiter, "arbiter"),
            points,
            label="checkout",
        )
        receipt, approved = token.pay(
            call,
            max_payment,
            approve=approve,
            purpose="the checkout",
            spender_name="the marketplace",
        )
        paid = self.events(receipt, "OrderPaid")[0]
        order = self._order(OrderId(bytes(paid["orderId"])), paid, int(receipt["blockNumber"]))
        return order, order.terms.deposit(), approved

    def _check_points_held(self, points: int, what: str) -> None:
        """A points balance too low fails in the points token with the same ERC-20 error as a
        payment allowance yet to approve: checked here, or an approval would go out before a
        checkout that cannot succeed.

        Raises:
            BazaarError: the signer holds fewer than `points`; nothing sent.
        """
        buyer = self.signer(what).address
        rewards = PointsClient(self.w3, checksum(self.view("rewards")))
        held = rewards.balance_of(buyer)
        if held < points:
            raise BazaarError(
                f"not enough points: {buyer} holds {rewards.format(held)}, {what} redeems "
                f"{rewards.format(points)}"
            )

    # -- carts -----------------------------------------------------------------------------

    @staticmethod
    def check_cart(lines: Sequence[CartLine]) -> None:
        """The cart's shape, as the contract bounds it.

        Raises:
            InputRefused: no line, more than MAX_CART_LINES, or a line without a listing, with
                no unit or with negative points.
        """
        if not lines:
            raise InputRefused("an empty cart: give at least one line")
        if len(lines) > MAX_CART_LINES:
            raise InputRefused(f"a cart of {len(lines)} lines: a cart has at most {MAX_CART_LINES}")
        for n, line in enumerate(lines, 1):
            if line.listing_id < 1 or line.quantity < 1 or line.points < 0:
                raise InputRefused(
                    f"cart line {n}: listing {line.listing_id} x{line.quantity} (points "
                    f"{line.points}): a listing id and a quantity of at least 1, points not "
                    "negative"
                )

    def quote_cart(self, lines: Sequence[CartLine], token: str) -> int:
        """Token units the cart costs now: the sum of its lines' quotes (deposits, for
        USD-protected listings), before any points discount (so an upper bound when lines
        redeem points).

        Raises:
            InputRefused: as `check_cart`.
        """
        self.check_cart(lines)
        return sum(self.quote(line.listing_id, line.quantity, token) for line in lines)

    def checkout_cart(
        self,
        lines: Sequence[CartLine],
        token: Erc20Client,
        max_total: int,
        deadline: int,
        arbiter: str,
        referrer: str | None = None,
        approve: bool = True,
    ) -> tuple[list[Order], int, bool]:
        """Buys every line in one transaction (`checkoutCart`): one order per line, one pull
        of the total, all or nothing; approving `max_total` of `token` first when the
        allowance is short (or refusing, when not `approve`). `referrer` (None: nobody)
        earns the commission of each line whose seller approved it (`commission_for`) when
        its order completes; other lines record it with a commission of 0.

        Returns:
            The orders, in the order of the lines (from the receipt's OrderPaid events), the
            total paid, and whether an approval was sent.
        Raises:
            InputRefused: an empty or oversized cart, or a referrer that is the buyer, a
                line's seller or the arbiter; nothing sent.
            RevertError: the marketplace refuses the cart (decoded); nothing sent.
            BazaarError: an unknown listing, a balance (of the token, or of points) short, or
                the allowance and not `approve`; nothing sent.
        """
        buyer = self.signer("the cart checkout").address
        self.check_cart(lines)
        arbiter = checksum(arbiter, "arbiter")
        referred = self.check_referrer(lines, buyer, arbiter, referrer)
        points = sum(line.points for line in lines)
        if points:
            self._check_points_held(points, "the cart checkout")
        cart = (
            [line.as_tuple() for line in lines],
            token.address,
            max_total,
            deadline,
            arbiter,
            referred,
        )
        call = self.call_for("checkoutCart", cart, label="cart checkout")
        receipt, approved = token.pay(
            call,
            max_total,
            approve=approve,
            purpose="the cart checkout",
            spender_name="the marketplace",
        )
        self.last_receipt = receipt
        orders = self.orders_paid(receipt)
        return orders, sum(o.paid_amount for o in orders), approved

    def check_referrer(
        self, lines: Sequence[CartLine], buyer: str, arbiter: str, referrer: str | None
    ) -> str:
        """The cart's referrer (the zero address for none), refused where the contract would
        refuse it: the buyer, the arbiter or a line's seller.

        Raises:
            InputRefused: naming who the referrer is; nothing sent.
        """
        referred = checksum(referrer, "referrer") if referrer else ZERO_ADDRESS
        if referred == buyer:
            raise InputRefused(
                f"the referrer {referred} is the buyer: nobody earns a commission on their "
                "own purchase"
            )
        if referred == arbiter:
            raise InputRefused(f"the referrer {referred} is the order's arbiter")
        if referred != ZERO_ADDRESS:
            for line_id in dict.fromkeys(line.listing_id for line in lines):
                if self.listing(line_id).seller == referred:
                    raise InputRefused(
                        f"the referrer {referred} is the seller of listing {line_id}"
                    )
        return referred

    def orders_paid(self, receipt: TxReceipt) -> list[Order]:
        """The orders a checkout's receipt paid (its OrderPaid events), each checked."""
        block = int(receipt["blockNumber"])
        return [
            self._order(OrderId(bytes(paid["orderId"])), paid, block)
            for paid in self.events(receipt, "OrderPaid")
        ]

    # -- lifecycle -----------------------------------------------------------------------

    # what a refusal calls each lifecycle function: the `bazaar` command that sends it
    LIFECYCLE_LABELS: ClassVar[dict[str, str]] = {
        "openDispute": "dispute",
        "resolveDispute": "rule",
        "addCheckpoint": "checkpoint",
        "addEvidence": "evidence",
        "resolveAfterTimeout": "resolve-timeout",
    }

    def _lifecycle(self, fn: str, order: Order, *args: Any) -> TxReceipt:
        label = self.LIFECYCLE_LABELS.get(fn, fn)
        return self.send(fn, order.terms.as_tuple(), *args, label=label)

    def ship(self, order: Order, tracking_commitment: bytes) -> TxReceipt:
        return self._lifecycle("ship", order, tracking_commitment)

    def confirm(self, order: Order) -> TxReceipt:
        return self._lifecycle("confirm", order)

    def release(self, order: Order) -> TxReceipt:
        return self._lifecycle("release", order)

    def reclaim(self, order: Order) -> TxReceipt:
        return self._lifecycle("reclaim", order)

    def cancel(self, order: Order) -> TxReceipt:
        return self._lifecycle("cancel", order)

    def refund(self, order: Order, amount: int) -> TxReceipt:
        return self._lifecycle("refund", order, amount)

    def open_dispute(self, order: Order, evidence_hash: bytes) -> TxReceipt:
        return self._lifecycle("openDispute", order, evidence_hash)

    def resolve_dispute(self, order: Order, buyer_share_bps: int) -> TxReceipt:
        """The arbiter rules: `buyer_share_bps` (0..10,000) of the ruled part to the buyer."""
        return self._lifecycle("resolveDispute", order, buyer_share_bps)

    def review(self, order: Order, rating: int, content_hash: bytes) -> TxReceipt:
        return self._lifecycle("review", order, rating, content_hash)

    def add_checkpoint(self, order: Order, checkpoint_hash: bytes) -> TxReceipt:
        """The seller or a registered carrier appends a logistics checkpoint (a hash)."""
        return self._lifecycle("addCheckpoint", order, checkpoint_hash)

    def add_evidence(self, order: Order, evidence_hash: bytes) -> TxReceipt:
        """Buyer, seller or arbiter adds evidence (a hash) to a dispute."""
        return self._lifecycle("addEvidence", order, evidence_hash)

    def resolve_after_timeout(self, order: Order) -> TxReceipt:
        """Anyone applies the default ruling once the arbiter missed the ruling deadline."""
        return self._lifecycle("resolveAfterTimeout", order)

    @staticmethod
    def _check_batch(orders: Sequence[Order], what: str) -> None:
        if not orders:
            raise InputRefused(f"no order to {what}")
        seen: set[OrderId] = set()
        for order in orders:
            if order.id in seen:
                raise InputRefused(f"order {order.id_hex} is twice in the batch to {what}")
            seen.add(order.id)

    def ship_batch(
        self, orders: Sequence[Order], tracking_commitments: Sequence[bytes]
    ) -> TxReceipt:
        """The seller ships several orders in one transaction (`shipBatch`, all or none), one
        tracking commitment per order, in the same order.

        Raises:
            InputRefused: no order, an order twice, or not one commitment per order; nothing
                sent.
            RevertError: the marketplace refuses one of them (decoded); nothing sent.
        """
        self._check_batch(orders, "ship")
        if len(tracking_commitments) != len(orders):
            raise InputRefused(
                f"{len(orders)} orders to ship and {len(tracking_commitments)} tracking "
                "commitments: one per order"
            )
        terms = [o.terms.as_tuple() for o in orders]
        return self.send("shipBatch", terms, list(tracking_commitments), label="ship")

    def confirm_batch(self, orders: Sequence[Order]) -> TxReceipt:
        """The buyer confirms several orders in one transaction (`confirmBatch`, all or none).

        Raises:
            InputRefused: no order, or an order twice; nothing sent.
            RevertError: the marketplace refuses one of them (decoded); nothing sent.
        """
        self._check_batch(orders, "confirm")
        return self.send("confirmBatch", [o.terms.as_tuple() for o in orders], label="confirm")

    # -- commissions ---------------------------------------------------------------------

    def set_commission(self, listing_id: int, commission_bps: int) -> TxReceipt:
        """The seller offers referrers `commission_bps` of the listing's proceeds (after the
        platform fee) on new orders; orders already paid keep their rate.

        Raises:
            InputRefused: a rate outside 0..MAX_COMMISSION_BPS; nothing sent.
            BazaarError: not the signer's active listing, or the listing offers this rate
                already; nothing sent.
        """
        if not 0 <= commission_bps <= MAX_COMMISSION_BPS:
            raise InputRefused(
                f"a commission of {commission_bps} bps: at most {MAX_COMMISSION_BPS} bps "
                f"({MAX_COMMISSION_BPS // 100}%), not negative"
            )
        listing = self._own_listing(listing_id, "set the commission of")
        if listing.commission_bps == commission_bps:
            raise BazaarError(f"listing {listing_id} offers {commission_bps} bps already")
        return self.send("setCommission", listing_id, commission_bps, label="set-commission")

    def is_referrer(self, seller: str, referrer: str) -> bool:
        """Whether `seller` approved `referrer` (`isReferrer`): only then do new orders of its
        listings referred by it carry the listing's commission."""
        return bool(
            self.view("isReferrer", checksum(seller, "seller"), checksum(referrer, "referrer"))
        )

    def set_referrer(self, referrer: str, approved: bool) -> TxReceipt:
        """The signer, as a seller, approves (or revokes) `referrer`: its referred orders of
        the signer's listings carry their commission from now on (or no longer; orders
        already paid keep theirs).

        Raises:
            BazaarError: a malformed address, or the referrer is already in that state;
                nothing sent.
            RevertError: the marketplace refuses (the zero address); nothing sent.
        """
        seller = self.signer("approving a referrer").address
        referrer = checksum(referrer, "referrer")
        if referrer != ZERO_ADDRESS and self.is_referrer(seller, referrer) == approved:
            state = "approved" if approved else "not approved"
            raise BazaarError(f"the referrer {referrer} is {state} by {seller} already")
        label = "approve-referrer" if approved else "revoke-referrer"
        return self.send("setReferrer", referrer, approved, label=label)

    def commission_for(self, listing: Listing, referrer: str | None) -> int:
        """The commission (bps) a new order of `listing` referred by `referrer` would carry:
        the listing's rate when its seller approved the referrer, else 0."""
        if not referrer or not listing.commission_bps:
            return 0
        return listing.commission_bps if self.is_referrer(listing.seller, referrer) else 0

    def payment_tokens(self) -> list[str]:
        """Every payment token the marketplace accepts, by id (`config().tokenCount`)."""
        count = int(self.view("config")[8])
        return [checksum(self.view("paymentToken", i)) for i in range(1, count + 1)]

    def terms_of(self, order_ids: Iterable[OrderId]) -> dict[OrderId, OrderTerms]:
        """The terms of several orders: from the index when one is attached and knows them,
        the rest from their OrderPaid events (one scan for up to IDS_PER_QUERY ids); each
        checked to hash to its id.

        Raises:
            BazaarError: an id no OrderPaid event carries on this marketplace.
        """
        wanted = list(dict.fromkeys(order_ids))
        found: dict[OrderId, OrderTerms] = {}
        if self.terms_lookup is not None:
            for order_id in wanted:
                indexed = self.terms_lookup(order_id)
                if indexed is not None and indexed[0].order_id() == order_id:
                    found[order_id] = indexed[0]
        rest = [i for i in wanted if i not in found]
        for start in range(0, len(rest), IDS_PER_QUERY):
            ids = ["0x" + i.hex() for i in rest[start : start + IDS_PER_QUERY]]
            for log in self.logs("OrderPaid", ids):
                terms = OrderTerms.from_event(log["args"]["terms"])
                if terms.order_id() == bytes(log["args"]["orderId"]):
                    found[terms.order_id()] = terms
        missing = [i for i in wanted if i not in found]
        if missing:
            raise BazaarError(
                f"unknown order 0x{missing[0].hex()}: no OrderPaid event on marketplace "
                f"{self.address}"
            )
        return found

    def commission_earnings(
        self, referrer: str, from_block: int | None = None
    ) -> CommissionEarnings:
        """What `referrer` earned: its `CommissionPaid` events from `from_block` (default: the
        marketplace's deploy block), each with the token of its order, and its claimable
        credits by payment token (a commission whose transfer failed is credited there,
        among any other payout the address could not take)."""
        referrer = checksum(referrer, "referrer")
        events = list(
            self.logs("CommissionPaid", None, address_topic(referrer), from_block=from_block)
        )
        terms = self.terms_of(OrderId(bytes(e["args"]["orderId"])) for e in events)
        payments = tuple(
            CommissionPayment(
                OrderId(bytes(e["args"]["orderId"])),
                terms[OrderId(bytes(e["args"]["orderId"]))].token,
                int(e["args"]["amount"]),
                int(e["blockNumber"]),
                "0x" + bytes(e["transactionHash"]).hex(),
            )
            for e in events
        )
        credits = {t: self.credit(referrer, t) for t in self.payment_tokens()}
        return CommissionEarnings(referrer, payments, credits)

    # -- money out -----------------------------------------------------------------------

    def credit(self, account: str, token: str) -> int:
        """Token units `account` may claim (payouts its address could not receive)."""
        return int(self.view("credits", checksum(account, "account"), checksum(token, "token")))

    def claim(self, token: str, to: str) -> TxReceipt:
        """Pays the caller's credit in `token` to `to`."""
        return self.send("claim", checksum(token, "token"), checksum(to, "receiver"), label="claim")

    def fees_accrued(self, token: str) -> int:
        return int(self.view("feesAccrued", checksum(token, "token")))

    def withdraw_fees(self, token: str) -> TxReceipt:
        """Anyone: the accrued fees in `token` go to the stakers (their share) and treasury."""
        return self.send("withdrawFees", checksum(token, "token"), label="withdraw fees")

    def sweep(self, token: str) -> TxReceipt:
        """Anyone: what the contract holds of `token` beyond what it owes goes to the treasury."""
        return self.send("sweep", checksum(token, "token"), label="sweep")

    # -- guardian ------------------------------------------------------------------------

    def paused(self) -> bool:
        """New listings and checkouts are paused (`config().paused`)."""
        return bool(self.view("config")[5])

    def guardian(self) -> str:
        return checksum(self.view("guardian"))

    def set_paused(self, paused: bool) -> TxReceipt:
        """The guardian (or governance) pauses new listings and checkouts (orders already
        paid go on), or resumes them.

        Raises:
            BazaarError: the signer is neither the guardian nor the owner (governance), or
                the marketplace is so already; nothing sent.
        """
        me = self.signer("pause").address
        guardian, owner = self.guardian(), checksum(self.view("owner"))
        if me not in (guardian, owner):
            raise BazaarError(
                f"only the guardian {guardian} or governance ({owner}) may pause or unpause; "
                f"{me} is neither"
            )
        if self.paused() == paused:
            raise BazaarError(f"the marketplace is {'paused' if paused else 'not paused'} already")
        return self.send("setPaused", paused, label="pause" if paused else "unpause")
