"""Uniswap Permit2's EIP-712 messages, each type written once: its domain and the
SignatureTransfer `PermitTransferFrom` (one signed, single-use transfer of one token to one
spender), and where a nonce lives in its unordered-nonce bitmap.

Permit2's domain has no version: `EIP712Domain(string name,uint256 chainId,address
verifyingContract)` with the name "Permit2" (Permit2's src/EIP712.sol), unlike the suite's own
contracts (bazaar/signing/eip712.py). A SignatureTransfer nonce is any uint256, used at most
once: bit `nonce & 255` of word `nonce >> 8` of the owner's `nonceBitmap`.
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


def nonce_position(nonce: int) -> tuple[int, int]:
    """(word, bit) of `nonce` in Permit2's unordered-nonce bitmap."""
    if not 0 <= nonce < 2**256:
        raise ValueError(f"a Permit2 nonce is a uint256, not {nonce}")
    return nonce >> 8, nonce & 0xFF
