"""The EIP-712 messages the suite's contracts accept, each type written once: the governor's
`Ballot` and `ExtendedBallot`, the staking's `Delegation` and the points' ERC-2612 `Permit`,
under the domain (name, version, chain id, contract) of OpenZeppelin's EIP712.

A ballot is the OpenZeppelin 5 Governor's `Ballot(uint256 proposalId, uint8 support, address
voter, uint256 nonce)`; BazaarGovernor checks it against the voter's current nonce without
using it up (a voter votes once per proposal), while an `ExtendedBallot` uses its nonce up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from bazaar.errors import BazaarError

# The names the contracts give their EIP-712 domains (constructor `EIP712(name, "1")`).
GOVERNOR_DOMAIN_NAME = "BazaarGovernor"
POINTS_DOMAIN_NAME = "BTC Bazaar Points"
STAKING_DOMAIN_NAME = "BTC Bazaar Staked Points"
DOMAIN_VERSION = "1"
# secp256k1's group order: OpenZeppelin's ECDSA refuses an s above half of it (malleable).
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

Fields = tuple[tuple[str, str], ...]  # (name, type) of a struct, in order

DOMAIN: Fields = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
)
BALLOT: Fields = (
    ("proposalId", "uint256"),
    ("support", "uint8"),
    ("voter", "address"),
    ("nonce", "uint256"),
)
EXTENDED_BALLOT: Fields = (*BALLOT, ("reason", "string"), ("params", "bytes"))
DELEGATION: Fields = (("delegatee", "address"), ("nonce", "uint256"), ("expiry", "uint256"))
PERMIT: Fields = (
    ("owner", "address"),
    ("spender", "address"),
    ("value", "uint256"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
)


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain (name, version, chain id, verifying contract)."""

    name: str
    version: str
    chain_id: int
    contract: str

    def to_json(self) -> dict[str, Any]:
        """The `EIP712Domain` struct (name, version, chainId, verifyingContract)."""
        return _message(DOMAIN, self.name, self.version, self.chain_id, self.contract)


def domain_from_erc5267(fields: Sequence[Any]) -> Domain:
    """The domain a contract reports through ERC-5267's `eip712Domain()` (fields bitmap, name,
    version, chain id, verifying contract, salt, extensions)."""
    _, name, version, chain_id, contract, _, _ = fields
    return Domain(str(name), str(version), int(chain_id), to_checksum_address(contract))


def typed_data(
    domain: Domain, primary: str, fields: Fields, message: dict[str, Any]
) -> dict[str, Any]:
    """EIP-712 typed data of `message` (a `primary` struct with `fields`) under `domain`."""
    return {
        "types": {
            "EIP712Domain": [{"name": name, "type": kind} for name, kind in DOMAIN],
            primary: [{"name": name, "type": kind} for name, kind in fields],
        },
        "primaryType": primary,
        "domain": domain.to_json(),
        "message": message,
    }


def _message(fields: Fields, *values: Any) -> dict[str, Any]:
    return {name: value for (name, _), value in zip(fields, values, strict=True)}


def ballot(
    domain: Domain, proposal_id: int, support: int, voter: str, nonce: int
) -> dict[str, Any]:
    """The governor's `Ballot` (castVoteBySig)."""
    return typed_data(
        domain, "Ballot", BALLOT, _message(BALLOT, proposal_id, support, voter, nonce)
    )


def extended_ballot(
    domain: Domain,
    proposal_id: int,
    support: int,
    voter: str,
    nonce: int,
    reason: str,
    params: bytes,
) -> dict[str, Any]:
    """The governor's `ExtendedBallot` (castVoteWithReasonAndParamsBySig)."""
    message = _message(EXTENDED_BALLOT, proposal_id, support, voter, nonce, reason, params)
    return typed_data(domain, "ExtendedBallot", EXTENDED_BALLOT, message)


def delegation(domain: Domain, delegatee: str, nonce: int, expiry: int) -> dict[str, Any]:
    """The staking's ERC-5805 `Delegation` (delegateBySig)."""
    message = _message(DELEGATION, delegatee, nonce, expiry)
    return typed_data(domain, "Delegation", DELEGATION, message)


def permit(
    domain: Domain, owner: str, spender: str, value: int, nonce: int, deadline: int
) -> dict[str, Any]:
    """An ERC-2612 `Permit` (the reward points' `permit`)."""
    message = _message(PERMIT, owner, spender, value, nonce, deadline)
    return typed_data(domain, "Permit", PERMIT, message)


def sign_typed(account: LocalAccount, data: dict[str, Any]) -> bytes:
    """The 65-byte signature (r, s, v with v 27/28) of typed `data` by `account`."""
    return bytes(account.sign_message(encode_typed_data(full_message=data)).signature)


def recover_typed(data: dict[str, Any], signature: bytes) -> str:
    """The signer of typed `data`, refusing what OpenZeppelin's ECDSA refuses (length, v other
    than 27/28, s in the upper half).

    Raises:
        BazaarError: a malformed signature.
    """
    if len(signature) != 65:
        raise BazaarError(f"a signature has 65 bytes, this one {len(signature)}")
    s, v = int.from_bytes(signature[32:64], "big"), signature[64]
    if v not in (27, 28):
        raise BazaarError(f"signature v is {v}, expected 27 or 28")
    if s > SECP256K1_N // 2:
        raise BazaarError("signature s is in the upper half (malleable); the governor refuses it")
    try:
        message = encode_typed_data(full_message=data)
        return str(Account.recover_message(message, signature=signature))
    except Exception:
        raise BazaarError("the signature does not recover to any address") from None
