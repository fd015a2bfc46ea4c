"""Uniswap Permit2's EIP-712 messages, each type written once: its domain and the
SignatureTransfer `PermitTransferFrom` (one signed, single-use transfer of one token to one
spender), and where a nonce lives in its unordered-nonce bitmap.

Permit2's domain has no version: `EIP712Domain(string name,uint256 chainId,address
verifyingContract)` with the name "Permit2" (Permit2's src/EIP712.sol), unlike the suite's own
contracts (bazaar/signing/eip712.py). A SignatureTransfer nonce is any uint256, used at most
once: bit `nonce & 255` of word `nonce >> 8` of the owner's `nonceBitmap`.

A gasless checkout (`checkoutCartWithPermit2` of the marketplace) is a
`PermitWitnessTransferFrom` whose witness is the cart, a `CartCheckout`: the lines, the arbiter,
the referrer and the relayer's fee. The token, the nonce and the deadline are Permit2's own
fields; the permitted amount is the cart's `maxTotal`, the most the buyer pays in all (the
cart and the fee); the spender is the marketplace.
"""

from __future__ import annotations

from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from bazaar.signing.eip712 import Fields

DOMAIN_NAME = "Permit2"
DOMAIN: Fields = (
    ("name", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
)
TOKEN_PERMISSIONS: Fields = (("token", "address"), ("amount", "uint256"))
PERMIT_TRANSFER_FROM: Fields = (
    ("permitted", "TokenPermissions"),
    ("spender", "address"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
)
PERMIT_WITNESS_TRANSFER_FROM: Fields = (
    ("permitted", "TokenPermissions"),
    ("spender", "address"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
    ("witness", "CartCheckout"),
)
CART_LINE: Fields = (
    ("listingId", "uint256"),
    ("quantity", "uint256"),
    ("pointsToRedeem", "uint256"),
)
CART_CHECKOUT: Fields = (
    ("lines", "CartLine[]"),
    ("arbiter", "address"),
    ("referrer", "address"),
    ("relayerFee", "uint256"),
)
# What the marketplace passes Permit2 as `witnessTypeString` (MarketplaceAdmin's
# WITNESS_TYPE_STRING): the witness field, then the referenced types sorted by name.
WITNESS_TYPE_STRING = (
    "CartCheckout witness)"
    "CartCheckout(CartLine[] lines,address arbiter,address referrer,uint256 relayerFee)"
    "CartLine(uint256 listingId,uint256 quantity,uint256 pointsToRedeem)"
    "TokenPermissions(address token,uint256 amount)"
)
# Permit2's stub that it completes with the witness type string (SignatureTransfer).
PERMIT_WITNESS_TRANSFER_FROM_STUB = (
    "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,"
    "uint256 deadline,"
)
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,uint256 chainId,address verifyingContract)")


def domain(chain_id: int, permit2: str) -> dict[str, Any]:
    """The `EIP712Domain` struct of the Permit2 at `permit2` on chain `chain_id`."""
    return {"name": DOMAIN_NAME, "chainId": chain_id, "verifyingContract": permit2}


def domain_separator(chain_id: int, permit2: str) -> bytes:
    """What `DOMAIN_SEPARATOR()` of a Permit2 at `permit2` on chain `chain_id` returns."""
    fields = abi_encode(
        ["bytes32", "bytes32", "uint256", "address"],
        [DOMAIN_TYPEHASH, keccak(text=DOMAIN_NAME), chain_id, to_checksum_address(permit2)],
    )
    return keccak(fields)


def _struct(fields: Fields) -> list[dict[str, str]]:
    return [{"name": name, "type": kind} for name, kind in fields]


def permit_transfer_from(
    chain_id: int,
    permit2: str,
    token: str,
    amount: int,
    spender: str,
    nonce: int,
    deadline: int,
) -> dict[str, Any]:
    """EIP-712 typed data of a `PermitTransferFrom`: `spender` may take up to `amount` of
    `token` from the signer once (nonce `nonce`) until `deadline` (Unix seconds), through
    `permitTransferFrom` of the Permit2 at `permit2`."""
    return {
        "types": {
            "EIP712Domain": _struct(DOMAIN),
            "PermitTransferFrom": _struct(PERMIT_TRANSFER_FROM),
            "TokenPermissions": _struct(TOKEN_PERMISSIONS),
        },
        "primaryType": "PermitTransferFrom",
        "domain": domain(chain_id, permit2),
        "message": {
            "permitted": {"token": token, "amount": amount},
            "spender": spender,
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def cart_checkout(
    chain_id: int,
    permit2: str,
    marketplace: str,
    cart: dict[str, Any],
    relayer_fee: int,
    nonce: int,
) -> dict[str, Any]:
    """EIP-712 typed data of a gasless checkout of `cart` (keys `lines` [(listingId, quantity,
    pointsToRedeem)], `token`, `maxTotal`, `deadline`, `arbiter`, `referrer`, as the
    marketplace's `Cart`) on the marketplace `marketplace`: Permit2's
    `PermitWitnessTransferFrom` of at most `maxTotal` of the token (the cart and the fee, in
    all), nonce `nonce`, the cart's deadline, with the lines, the arbiter, the referrer and the
    fee as the `CartCheckout` witness."""
    return {
        "types": {
            "EIP712Domain": _struct(DOMAIN),
            "PermitWitnessTransferFrom": _struct(PERMIT_WITNESS_TRANSFER_FROM),
            "TokenPermissions": _struct(TOKEN_PERMISSIONS),
            "CartCheckout": _struct(CART_CHECKOUT),
            "CartLine": _struct(CART_LINE),
        },
        "primaryType": "PermitWitnessTransferFrom",
        "domain": domain(chain_id, permit2),
        "message": {
            "permitted": {"token": cart["token"], "amount": cart["maxTotal"]},
            "spender": marketplace,
            "nonce": nonce,
            "deadline": cart["deadline"],
            "witness": {
                "lines": [
                    {"listingId": line[0], "quantity": line[1], "pointsToRedeem": line[2]}
                    for line in cart["lines"]
                ],
                "arbiter": cart["arbiter"],
                "referrer": cart["referrer"],
                "relayerFee": relayer_fee,
            },
        },
    }


def nonce_position(nonce: int) -> tuple[int, int]:
    """(word, bit) of `nonce` in Permit2's unordered-nonce bitmap."""
    if not 0 <= nonce < 2**256:
        raise ValueError(f"a Permit2 nonce is a uint256, not {nonce}")
    return nonce >> 8, nonce & 0xFF
