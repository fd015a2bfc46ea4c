"""Signed offers in the tests: the EIP-712 `Offer` under the marketplace's domain, signed with
an eth-account key, its hash (the full EIP-712 digest, the orders' listing id) and the tuples
`checkoutOffer` takes.

The client's own offer module (issue K, written beside these contracts) is to replace this:
the type is to be written once, in the package."""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace
from typing import Any

import brownie
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak

from bazaar.signing.eip712 import Domain, Fields, sign_typed, typed_data

MARKETPLACE_DOMAIN_NAME = "BTC Bazaar Marketplace"
OFFER: Fields = (
    ("seller", "address"),
    ("priceUsd", "uint256"),
    ("stock", "uint256"),
    ("tokenMask", "uint256"),
    ("bufferBps", "uint256"),
    ("pointsDiscountCapBps", "uint256"),
    ("commissionBps", "uint256"),
    ("metadataHash", "bytes32"),
    ("expiry", "uint256"),
    ("salt", "uint256"),
    ("counter", "uint256"),
)
OFFER_TYPE = "Offer(" + ",".join(f"{kind} {name}" for name, kind in OFFER) + ")"


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


def domain(market: Any, chain_id: int | None = None) -> Domain:
    return Domain(
        MARKETPLACE_DOMAIN_NAME,
        "1",
        brownie.chain.id if chain_id is None else chain_id,
        str(market.address if hasattr(market, "address") else market),
    )


def typed(market: Any, offer: Offer) -> dict[str, Any]:
    message = dict(zip((name for name, _ in OFFER), offer.tuple(), strict=True))
    return typed_data(domain(market), "Offer", OFFER, message)


def offer_hash(market: Any, offer: Offer) -> str:
    """The offer's id: its EIP-712 digest under `market`'s domain, as 0x hex."""
    signable = encode_typed_data(full_message=typed(market, offer))
    digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
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
