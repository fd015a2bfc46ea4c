"""Signed listings ("offers"): a seller signs an `Offer` off-line and pays no gas to list;
buyers check out against it (`checkoutOffer`) until it expires, sells out or is cancelled
(`cancelOffer`, or `cancelAllOffers`: the seller's counter moves on). The marketplace is the
judge; what a buyer or a seller can know before a transaction (a file for another chain or
marketplace, a signature not the seller's, an expired, sold-out, cancelled or superseded
offer) is checked here and refused in one line, nothing sent."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import MAX_COMMISSION_BPS, MarketplaceClient, Order
from bazaar.clients.oracle import OracleClient
from bazaar.errors import InputRefused
from bazaar.settings import BPS
from bazaar.signing import eip712
from bazaar.signing.offers import Offer, SignedOffer, typed_data
from bazaar.units import checksum

CANCELLED = 2**256 - 1  # offerFilled of a cancelled offer
MAX_BUFFER_BPS = 5_000  # SettlementMath.MAX_BUFFER_BPS
MAX_POINTS_DISCOUNT_BPS = 2_000  # MarketplaceLimits.MAX_POINTS_DISCOUNT_BPS


@dataclass(frozen=True)
class OfferState:
    """What the chain says of an offer now."""

    filled: int  # units sold (not counting restocks)
    cancelled: bool  # cancelled on its own (cancelOffer)
    superseded: bool  # its seller's counter has moved on (cancelAllOffers)
    expired: bool
    left: int  # units still for sale (0 when cancelled, superseded or expired)


def token_mask(market: MarketplaceClient, tokens: Sequence[str]) -> int:
    """The mask of the marketplace's token ids for `tokens` (as `list` computes it).

    Raises:
        InputRefused: no token, or one the marketplace does not accept.
    """
    if not tokens:
        raise InputRefused("an offer accepts at least one payment token")
    accepted = market.payment_tokens()
    mask = 0
    for token in tokens:
        address = checksum(token, "token")
        if address not in accepted:
            raise InputRefused(f"the marketplace does not accept {address} as a payment token")
        mask |= 1 << accepted.index(address)
    return mask


def sign_offer(
    market: MarketplaceClient,
    account: LocalAccount,
    price_usd: int,
    stock: int,
    tokens: Sequence[str],
    expiry: int,
    *,
    buffer_bps: int = 0,
    points_cap_bps: int = 0,
    commission_bps: int = 0,
    metadata_hash: bytes = b"\0" * 32,
    salt: int | None = None,
) -> SignedOffer:
    """`account`'s offer signed for the marketplace, with its current counter; sends nothing.

    Raises:
        InputRefused: a field outside what `list` accepts, or an expiry in the past.
    """
    if not 1 <= price_usd < 2**64:
        raise InputRefused(f"a price of {price_usd} USD units: from 1 to 2^64 - 1")
    if not 1 <= stock < 2**32:
        raise InputRefused(f"a stock of {stock}: from 1 to 2^32 - 1")
    if not 0 <= buffer_bps <= MAX_BUFFER_BPS:
        raise InputRefused(f"a buffer of {buffer_bps} bps: 0 to {MAX_BUFFER_BPS}")
    if not 0 <= points_cap_bps <= MAX_POINTS_DISCOUNT_BPS:
        raise InputRefused(f"a points cap of {points_cap_bps} bps: 0 to {MAX_POINTS_DISCOUNT_BPS}")
    if not 0 <= commission_bps <= MAX_COMMISSION_BPS:
        raise InputRefused(f"a commission of {commission_bps} bps: 0 to {MAX_COMMISSION_BPS}")
    now = int(market.w3.eth.get_block("latest")["timestamp"])
    if expiry <= now:
        raise InputRefused(f"an offer expiring at {expiry} (unix) is over: the chain is at {now}")
    seller = checksum(account.address)
    offer = Offer(
        seller=seller,
        priceUsd=price_usd,
        stock=stock,
        tokenMask=token_mask(market, tokens),
        bufferBps=buffer_bps,
        pointsDiscountCapBps=points_cap_bps,
        commissionBps=commission_bps,
        metadataHash=metadata_hash,
        expiry=expiry,
        salt=secrets.randbits(256) if salt is None else salt,
        counter=int(market.view("offerCounter", seller)),
    )
    chain_id = int(market.w3.eth.chain_id)
    signature = eip712.sign_typed(account, typed_data(chain_id, market.address, offer))
    return SignedOffer(chain_id, market.address, offer, signature)


def offer_state(market: MarketplaceClient, signed: SignedOffer) -> OfferState:
    offer = signed.offer
    filled = int(market.view("offerFilled", signed.hash))
    cancelled = filled == CANCELLED
    superseded = int(market.view("offerCounter", offer.seller)) != offer.counter
    now = int(market.w3.eth.get_block("latest")["timestamp"])
    expired = now > offer.expiry
    left = 0 if cancelled or superseded or expired else max(offer.stock - filled, 0)
    return OfferState(0 if cancelled else filled, cancelled, superseded, expired, left)


def check_offer(market: MarketplaceClient, signed: SignedOffer, quantity: int = 1) -> OfferState:
    """`signed` good for `quantity` units on this chain and marketplace now.

    Raises:
        InputRefused: one line naming what is wrong; nothing sent.
    """
    chain_id = int(market.w3.eth.chain_id)
    if signed.chain_id != chain_id:
        raise InputRefused(
            f"the offer was signed for chain {signed.chain_id}; this node is chain {chain_id}"
        )
    if signed.marketplace != market.address:
        raise InputRefused(
            f"the offer was signed for the marketplace {signed.marketplace}, not this "
            f"deployment's {market.address}"
        )
    signer = signed.signer()
    if signer != signed.offer.seller:
        raise InputRefused(
            f"the offer is signed by {signer}, not by its seller {signed.offer.seller}: altered "
            "or forged"
        )
    state = offer_state(market, signed)
    if state.cancelled:
        raise InputRefused(f"the offer {signed.hash_hex} was cancelled by its seller")
    if state.superseded:
        raise InputRefused(
            f"the offer {signed.hash_hex} is no longer valid: its seller cancelled all its offers "
            "since (cancel-offers)"
        )
    if state.expired:
        raise InputRefused(f"the offer {signed.hash_hex} expired at {signed.offer.expiry} (unix)")
    if quantity > state.left:
        raise InputRefused(
            f"the offer {signed.hash_hex} has {state.left} unit(s) left, not {quantity}"
        )
    return state


def quote_offer(market: MarketplaceClient, signed: SignedOffer, quantity: int, token: str) -> int:
    """Token units a checkout of `quantity` units pays now (the deposit, with the buffer of a
    USD-protected offer), before any points discount."""
    oracle = OracleClient(market.w3, checksum(market.view("oracle")))
    locked = oracle.quote(token, signed.offer.priceUsd * quantity).token_amount
    buffer = signed.offer.bufferBps
    return locked if buffer == 0 else -(-locked * (BPS + buffer) // BPS)


def checkout_offer(
    market: MarketplaceClient,
    signed: SignedOffer,
    quantity: int,
    token: Erc20Client,
    max_payment: int,
    deadline: int,
    arbiter: str,
    referrer: str | None = None,
    points: int = 0,
    approve: bool = True,
) -> tuple[Order, int, bool]:
    """Buys `quantity` units of the offer (`checkoutOffer`), approving `max_payment` of
    `token` first when the allowance is short (or refusing, when not `approve`).

    Returns:
        The order, the amount paid, and whether an approval was sent.
    Raises:
        InputRefused: as `check_offer`, or a referrer that may not refer; nothing sent.
        RevertError: the marketplace refuses the checkout (decoded); nothing sent.
    """
    buyer = market.signer("the offer checkout").address
    check_offer(market, signed, quantity)
    arbiter = checksum(arbiter, "arbiter")
    if buyer == signed.offer.seller:
        raise InputRefused("you are the offer's seller: nobody buys from themselves")
    referred = checksum(referrer, "referrer") if referrer else "0x" + "00" * 20
    if referrer and referred in (buyer, arbiter, signed.offer.seller):
        raise InputRefused(f"the referrer {referred} is a party to the order")
    purchase = (quantity, token.address, max_payment, deadline, arbiter, referred, points)
    call = market.call_for(
        "checkoutOffer", signed.offer.as_tuple(), signed.signature, purchase, label="buy --offer"
    )
    receipt, approved = token.pay(
        call, max_payment, approve=approve, purpose="the checkout", spender_name="the marketplace"
    )
    market.last_receipt = receipt
    (order,) = market.orders_paid(receipt)
    return order, order.paid_amount, approved


def cancel_offer(market: MarketplaceClient, signed: SignedOffer) -> TxReceipt:
    """The seller cancels one offer for good.

    Raises:
        InputRefused: the signer is not the offer's seller, or it is cancelled already.
    """
    me = market.signer("cancel-offer").address
    if me != signed.offer.seller:
        raise InputRefused(f"only the offer's seller {signed.offer.seller} can cancel it")
    if offer_state(market, signed).cancelled:
        raise InputRefused(f"the offer {signed.hash_hex} is cancelled already")
    return market.send("cancelOffer", signed.offer.as_tuple(), label="cancel-offer")


def cancel_all_offers(market: MarketplaceClient) -> tuple[int, TxReceipt]:
    """The seller's counter moves on: every offer it signed so far is void. The new counter."""
    receipt = market.send("cancelAllOffers", label="cancel-offers")
    (event,) = market.events(receipt, "OffersCancelled")
    return int(event["counter"]), receipt


def is_offer_listing(listing_id: int) -> bool:
    """Whether an order's `listingId` is an offer's hash (listing ids count from 1)."""
    return listing_id > 2**64 - 1
