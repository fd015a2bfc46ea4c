"""The escrow marketplace: listings, checkout (approving first when needed), the order
lifecycle, and the status of orders and listings.

Orders are known by their id, the hash of their terms; every lifecycle call passes the terms
back. The client takes them from the `OrderPaid` event of the order (in the checkout's receipt,
or found by its id, an indexed topic) and checks that they hash to the id before using them.
The contract's rules are checked by the contract: every transaction is preflighted and a
refusal comes back as the contract's decoded error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.points import PointsClient
from bazaar.errors import BazaarError, RevertError
from bazaar.types import KIND_NAMES, STATUS_NAMES, OrderId, OrderTerms
from bazaar.units import checksum

PHYSICAL = 0


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
            # A points balance too low fails in the points token with the same ERC-20 error as
            # a payment allowance yet to approve: checked here, or an approval would go out
            # before a checkout that cannot succeed.
            buyer = self.signer("the checkout").address
            rewards = PointsClient(self.w3, checksum(self.view("rewards")))
            held = rewards.balance_of(buyer)
            if held < points:
                raise BazaarError(
                    f"not enough points: {buyer} holds {rewards.format(held)}, the checkout "
                    f"redeems {rewards.format(points)}"
                )
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
