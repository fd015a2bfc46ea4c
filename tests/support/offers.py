"""Signed offers in the tests: an `Offer` with defaults (bazaar.signing.offers.Offer has none),
signed with an eth-account key under the marketplace's domain, its hash (the full EIP-712
digest, the orders' listing id) and the tuples `checkoutOffer` takes. The type, the domain and
the hash are the package's (bazaar/signing/offers.py): written once."""

from __future__ import annotations

from dataclasses import asdict, astuple, dataclass, replace
from typing import Any

import brownie

from bazaar.signing import offers as signing
from bazaar.signing.eip712 import Domain, sign_typed

OFFER = signing.OFFER
OFFER_TYPE = signing.OFFER_TYPE


@dataclass(frozen=True)
class Offer:
    """An `Offer`, field for field (the tuple `checkoutOffer` takes is `astuple`)."""

    seller: str
    priceUsd: int  # the EIP-712 field names
    stock: int
    tokenMask: int
    bufferBps: int = 0
    pointsDiscountCapBps: int = 0
    commissionBps: int = 0
    metadataHash: bytes = b"\x5e" * 32
    expiry: int = 2**40
    salt: int = 0
    counter: int = 0

    def tuple(self) -> tuple:
        return astuple(self)

    def but(self, **changes: Any) -> Offer:
        return replace(self, **changes)


def _address(market: Any) -> str:
    return str(market.address if hasattr(market, "address") else market)


def domain(market: Any, chain_id: int | None = None) -> Domain:
    return signing.domain(brownie.chain.id if chain_id is None else chain_id, _address(market))


def typed(market: Any, offer: Offer) -> dict[str, Any]:
    return signing.typed_data(brownie.chain.id, _address(market), signing.Offer(**asdict(offer)))


def offer_hash(market: Any, offer: Offer) -> str:
    """The offer's id: its EIP-712 digest under `market`'s domain, as 0x hex."""
    digest = signing.offer_hash(brownie.chain.id, _address(market), signing.Offer(**asdict(offer)))
    return "0x" + digest.hex()


def sign(market: Any, key: Any, offer: Offer) -> bytes:
    """`key`'s (an eth-account LocalAccount) signature of `offer` for `market`."""
    return sign_typed(key, typed(market, offer))


def purchase(
    token: Any,
    arbiter: Any,
    quantity: int = 1,
    max_payment: int = 2**256 - 1,
    deadline: int = 2**40,
    referrer: Any = brownie.ZERO_ADDRESS,
    points: int = 0,
) -> tuple:
    """An OfferPurchase tuple."""
    return (quantity, token, max_payment, deadline, arbiter, referrer, points)
