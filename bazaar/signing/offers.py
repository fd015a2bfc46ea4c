"""Signed listings ("offers"): a seller's EIP-712 `Offer` under the marketplace's own domain
(name "BTC Bazaar Marketplace", version "1", the chain, the marketplace), which anyone may
check out against (`checkoutOffer`) until it expires, sells out, or its seller cancels it
(`cancelOffer`) or all its offers (`cancelAllOffers`, the seller's counter). The offer's hash,
its id everywhere (orders' `listingId`, the index, `bazaar status`), is the full EIP-712 digest,
so it is unique per chain and marketplace.

`SignedOffer` is the file `bazaar list --sign-only` prints and `buy --offer`, `cancel-offer`
and `publish-offer` read; read back, every field is checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.messages import encode_typed_data
from eth_utils.address import to_checksum_address
from web3 import Web3

from bazaar.errors import InputRefused
from bazaar.signing import eip712, fields
from bazaar.signing.eip712 import Domain, Fields

DOMAIN_NAME = "BTC Bazaar Marketplace"
DOMAIN_VERSION = "1"
FILE_TYPE = "bazaar-signed-offer"
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
# What the contract hashes (EIP-712 encodeType of `Offer`).
OFFER_TYPE = "Offer(" + ",".join(f"{kind} {name}" for name, kind in OFFER) + ")"


def domain(chain_id: int, marketplace: str) -> Domain:
    """The marketplace's EIP-712 domain for offers."""
    return Domain(DOMAIN_NAME, DOMAIN_VERSION, chain_id, to_checksum_address(marketplace))


@dataclass(frozen=True)
class Offer:
    """The contract's `Offer`, field for field (USD with 8 decimals, a token mask by the
    marketplace's token ids, a 32-byte metadata hash)."""

    seller: str
    priceUsd: int
    stock: int
    tokenMask: int
    bufferBps: int
    pointsDiscountCapBps: int
    commissionBps: int
    metadataHash: bytes
    expiry: int
    salt: int
    counter: int

    def as_tuple(self) -> tuple[Any, ...]:
        """`Offer` as web3 passes it."""
        return tuple(getattr(self, name) for name, _ in OFFER)

    def message(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name, _ in OFFER}


def typed_data(chain_id: int, marketplace: str, offer: Offer) -> dict[str, Any]:
    """EIP-712 typed data of `offer` on the marketplace at `marketplace`."""
    return eip712.typed_data(domain(chain_id, marketplace), "Offer", OFFER, offer.message())


def offer_hash(chain_id: int, marketplace: str, offer: Offer) -> bytes:
    """The offer's id: the EIP-712 digest the seller signs (`\\x19\\x01 ‖ domain ‖ struct`)."""
    signable = encode_typed_data(full_message=typed_data(chain_id, marketplace, offer))
    return bytes(Web3.keccak(b"\x19" + signable.version + signable.header + signable.body))


@dataclass(frozen=True)
class SignedOffer:
    """An offer signed by its seller for the marketplace `marketplace` on chain `chain_id`."""

    chain_id: int
    marketplace: str
    offer: Offer
    signature: bytes

    @property
    def hash(self) -> bytes:
        return offer_hash(self.chain_id, self.marketplace, self.offer)

    @property
    def hash_hex(self) -> str:
        return "0x" + self.hash.hex()

    def signer(self) -> str:
        """Who signed it (not necessarily the offer's seller).

        Raises:
            BazaarError: a malformed signature.
        """
        return eip712.recover_typed(
            typed_data(self.chain_id, self.marketplace, self.offer), self.signature
        )

    def to_json(self) -> dict[str, Any]:
        """The signed offer as JSON; 256-bit numbers as decimal strings."""
        offer = {
            name: ("0x" + value.hex() if isinstance(value, bytes) else value)
            for name, value in self.offer.message().items()
        }
        for name in ("priceUsd", "salt"):
            offer[name] = str(offer[name])
        return {
            "type": FILE_TYPE,
            "chainId": self.chain_id,
            "marketplace": self.marketplace,
            "offerHash": self.hash_hex,
            "offer": offer,
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "signed offer") -> SignedOffer:
        """A signed offer read back, every field checked (and its hash, when given, matching
        its fields).

        Raises:
            InputRefused: naming `where` and the field that is wrong.
        """
        if not isinstance(data, dict) or data.get("type") != FILE_TYPE:
            kind = data.get("type") if isinstance(data, dict) else type(data).__name__
            raise InputRefused(f"{where}: not a signed offer ({kind!r})")
        raw = data.get("offer")
        if not isinstance(raw, dict):
            raise InputRefused(f"{where}: missing offer")
        values: dict[str, Any] = {}
        for name, kind in OFFER:
            if name not in raw:
                raise InputRefused(f"{where}: offer.{name} is missing")
            value = raw[name]
            if kind == "address":
                values[name] = fields.address(value, f"{where}: offer.{name}")
            elif kind == "bytes32":
                values[name] = fields.hex_bytes(value, 32, f"{where}: offer.{name}")
            else:
                values[name] = fields.whole(value, f"{where}: offer.{name}")
        signed = cls(
            chain_id=fields.whole(data.get("chainId"), f"{where}: chainId"),
            marketplace=fields.address(data.get("marketplace"), f"{where}: marketplace"),
            offer=Offer(**values),
            signature=fields.hex_bytes(data.get("signature"), 65, f"{where}: signature"),
        )
        given = data.get("offerHash")
        if given is not None and str(given).lower() != signed.hash_hex:
            raise InputRefused(f"{where}: offerHash {given} is not the hash of its offer")
        return signed
