"""Gasless checkouts signed off-line: the file `bazaar buy --sign-only` prints and
`bazaar relay-checkout` reads. A `SignedCheckout` is a cart (the marketplace's `Cart`) and its
Permit2 payment (`Permit2Payment`: buyer, relayer fee, nonce, signature); its signature is
Permit2's `PermitWitnessTransferFrom` with the cart as witness (bazaar/signing/permit2.py), so
whoever relays it can change nothing but who earns the fee. Read back, every field is checked;
the facts only the chain knows (nonce used, price, balance) are the relay's to check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bazaar.errors import InputRefused
from bazaar.signing import eip712, fields
from bazaar.signing import permit2 as typed

FILE_TYPE = "bazaar-gasless-checkout"
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class SignedCheckout:
    """A cart signed for a gasless checkout on `marketplace` (chain `chain_id`, through the
    Permit2 at `permit2`). `lines` are (listingId, quantity, pointsToRedeem); `max_total` is
    the most the buyer pays in all, the relayer's fee included."""

    chain_id: int
    marketplace: str
    permit2: str
    lines: tuple[tuple[int, int, int], ...]
    token: str
    max_total: int
    deadline: int
    arbiter: str
    referrer: str
    buyer: str
    relayer_fee: int
    nonce: int
    signature: bytes

    def cart_fields(self) -> dict[str, Any]:
        return {
            "lines": [list(line) for line in self.lines],
            "token": self.token,
            "maxTotal": self.max_total,
            "deadline": self.deadline,
            "arbiter": self.arbiter,
            "referrer": self.referrer,
        }

    def typed_data(self) -> dict[str, Any]:
        """What the buyer signed."""
        return typed.cart_checkout(
            self.chain_id,
            self.permit2,
            self.marketplace,
            self.cart_fields(),
            self.relayer_fee,
            self.nonce,
        )

    def signer(self) -> str:
        """Who signed it (not necessarily `buyer`).

        Raises:
            BazaarError: a malformed signature.
        """
        return eip712.recover_typed(self.typed_data(), self.signature)

    def cart_tuple(self) -> tuple[Any, ...]:
        """`Cart` as web3 passes it."""
        lines = [list(line) for line in self.lines]
        return (lines, self.token, self.max_total, self.deadline, self.arbiter, self.referrer)

    def payment_tuple(self) -> tuple[Any, ...]:
        """`Permit2Payment` as web3 passes it."""
        return (self.buyer, self.relayer_fee, self.nonce, self.signature)

    def to_json(self) -> dict[str, Any]:
        """The signed checkout as JSON; token amounts and the nonce as decimal strings."""
        return {
            "type": FILE_TYPE,
            "chainId": self.chain_id,
            "marketplace": self.marketplace,
            "permit2": self.permit2,
            "cart": {
                "lines": [
                    {"listingId": i, "quantity": q, "pointsToRedeem": str(p)}
                    for i, q, p in self.lines
                ],
                "token": self.token,
                "maxTotal": str(self.max_total),
                "deadline": self.deadline,
                "arbiter": self.arbiter,
                "referrer": self.referrer,
            },
            "payment": {
                "buyer": self.buyer,
                "relayerFee": str(self.relayer_fee),
                "nonce": str(self.nonce),
                "signature": "0x" + self.signature.hex(),
            },
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "signed checkout") -> SignedCheckout:
        """A signed checkout read back, every field checked.

        Raises:
            InputRefused: naming `where` and the field that is wrong.
        """
        top = _object(data, where)
        if top.get("type") != FILE_TYPE:
            raise InputRefused(f"{where}: not a signed checkout (type {top.get('type')!r})")
        cart = _object(_field(top, "cart", where), f"{where}: cart")
        payment = _object(_field(top, "payment", where), f"{where}: payment")
        raw_lines = _field(cart, "lines", where)
        if not isinstance(raw_lines, list) or not raw_lines:
            raise InputRefused(f"{where}: cart.lines must be a non-empty list")
        lines = []
        for n, raw in enumerate(raw_lines, 1):
            line = _object(raw, f"{where}: line {n}")
            lines.append(
                (
                    _whole(line, "listingId", f"{where}: line {n}"),
                    _whole(line, "quantity", f"{where}: line {n}"),
                    _whole(line, "pointsToRedeem", f"{where}: line {n}"),
                )
            )
        signature = fields.hex_bytes(payment.get("signature"), 65, f"{where}: signature")
        return cls(
            chain_id=_whole(top, "chainId", where),
            marketplace=_address(top, "marketplace", where),
            permit2=_address(top, "permit2", where),
            lines=tuple(lines),
            token=_address(cart, "token", where),
            max_total=_whole(cart, "maxTotal", where),
            deadline=_whole(cart, "deadline", where),
            arbiter=_address(cart, "arbiter", where),
            referrer=_address(cart, "referrer", where),
            buyer=_address(payment, "buyer", where),
            relayer_fee=_whole(payment, "relayerFee", where),
            nonce=_whole(payment, "nonce", where),
            signature=signature,
        )


def _object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputRefused(f"{where}: expected a JSON object, got {type(data).__name__}")
    return data


def _field(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise InputRefused(f"{where}: missing {key}")
    return data[key]


def _address(data: dict[str, Any], key: str, where: str) -> str:
    return fields.address(_field(data, key, where), f"{where}: {key}")


def _whole(data: dict[str, Any], key: str, where: str) -> int:
    return fields.whole(_field(data, key, where), f"{where}: {key}")
