"""The DAO's settings, roles and EIP-712 messages (votes by signature), without brownie.

The settings are those `bazaar deploy` journals and `tools/governance.py` uses on the local
chain. A signed ballot is the OpenZeppelin 5 Governor's `Ballot(uint256 proposalId, uint8
support, address voter, uint256 nonce)` under the governor's EIP-712 domain; `castVoteBySig`
reads the voter's nonce on chain and consumes it, so a ballot is good for one vote and only
while its nonce is the voter's current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from bazaar.errors import BazaarError
from bazaar.types import PROPOSAL_STATES as PROPOSAL_STATES  # re-exported
from bazaar.types import ROLE_NAMES as ROLE_NAMES  # re-exported

ONE_HOUR, ONE_DAY = 3600, 86_400
POINT = 10**18  # reward points carry 18 decimals


@dataclass(frozen=True)
class GovernorSettings:
    """BazaarGovernor's constructor settings (seconds and point units)."""

    voting_delay: int = ONE_DAY
    voting_period: int = 3 * ONE_DAY
    proposal_threshold: int = 100 * POINT
    quorum_percent: int = 4
    late_quorum_extension: int = ONE_DAY  # voting extended when quorum is reached late

    def as_args(self) -> tuple[int, int, int, int, int]:
        return (
            self.voting_delay,
            self.voting_period,
            self.proposal_threshold,
            self.quorum_percent,
            self.late_quorum_extension,
        )


@dataclass(frozen=True)
class StakingSettings:
    """PointsStaking's constructor settings (seconds): votes count `warmup` after staking;
    unstaking waits `cooldown`, then may withdraw during `window`."""

    warmup: int = 2 * ONE_DAY
    cooldown: int = 7 * ONE_DAY
    window: int = 2 * ONE_DAY


GOVERNOR_SETTINGS = GovernorSettings()
STAKING_SETTINGS = StakingSettings()
TIMELOCK_DELAY = 2 * ONE_DAY
# Share of the platform fees streamed to stakers (EscrowMarketplace.setFeeShare; at most
# MAX_STAKER_SHARE_BPS = 5,000): 20 %, the rest to the treasury.
STAKER_SHARE_BPS = 2_000


def role(name: str) -> bytes:
    """An AccessControl role id: keccak256 of its name."""
    return keccak(text=name)


PROPOSER_ROLE = role("PROPOSER_ROLE")
EXECUTOR_ROLE = role("EXECUTOR_ROLE")
CANCELLER_ROLE = role("CANCELLER_ROLE")
ADMIN_ROLE = b"\x00" * 32  # DEFAULT_ADMIN_ROLE

# GovernorCountingSimple's vote types, in order
SUPPORT_NAMES = ("against", "for", "abstain")
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def parse_support(text: str) -> int:
    """ "for" / "against" / "abstain" (or 1 / 0 / 2) as the governor's support value.

    Raises:
        BazaarError: anything else.
    """
    word = str(text).strip().lower()
    if word in SUPPORT_NAMES:
        return SUPPORT_NAMES.index(word)
    if word in ("0", "1", "2"):
        return int(word)
    raise BazaarError(f"bad vote {text!r}: expected for, against or abstain")


# -- EIP-712 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain (name, version, chain id, verifying contract)."""

    name: str
    version: str
    chain_id: int
    contract: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.contract,
        }


DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
BALLOT_FIELDS = [
    ("proposalId", "uint256"),
    ("support", "uint8"),
    ("voter", "address"),
    ("nonce", "uint256"),
]
PERMIT_FIELDS = [
    ("owner", "address"),
    ("spender", "address"),
    ("value", "uint256"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
]


def typed_data(
    domain: Domain, primary: str, fields: list[tuple[str, str]], message: dict[str, Any]
) -> dict[str, Any]:
    """EIP-712 typed data of `message` (a `primary` struct with `fields`) under `domain`."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_FIELDS,
            primary: [{"name": name, "type": kind} for name, kind in fields],
        },
        "primaryType": primary,
        "domain": domain.to_json(),
        "message": message,
    }


def ballot_data(domain: Domain, proposal_id: int, support: int, voter: str, nonce: int) -> dict:
    """The governor's `Ballot` for `castVoteBySig`."""
    message = {"proposalId": proposal_id, "support": support, "voter": voter, "nonce": nonce}
    return typed_data(domain, "Ballot", BALLOT_FIELDS, message)


def permit_data(
    domain: Domain, owner: str, spender: str, value: int, nonce: int, deadline: int
) -> dict:
    """An ERC-2612 `Permit` (the reward points' `permit`)."""
    message = {
        "owner": owner,
        "spender": spender,
        "value": value,
        "nonce": nonce,
        "deadline": deadline,
    }
    return typed_data(domain, "Permit", PERMIT_FIELDS, message)


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


@dataclass(frozen=True)
class SignedBallot:
    """A vote signed off-line, as `bazaar sign-vote` prints it and `relay-votes` reads it."""

    governor: str
    chain_id: int
    proposal_id: int
    support: int
    voter: str
    nonce: int
    signature: bytes

    def typed_data(self, name: str, version: str) -> dict[str, Any]:
        """The signed typed data, under the governor's EIP-712 `name` and `version`."""
        domain = Domain(name, version, self.chain_id, self.governor)
        return ballot_data(domain, self.proposal_id, self.support, self.voter, self.nonce)

    def signer(self, name: str, version: str) -> str:
        """Who signed it (not necessarily `voter`).

        Raises:
            BazaarError: a malformed signature.
        """
        return recover_typed(self.typed_data(name, version), self.signature)

    def to_json(self) -> dict[str, Any]:
        """The ballot as JSON; the proposal id as a decimal string (it is a 256-bit hash)."""
        return {
            "type": "bazaar-ballot",
            "governor": self.governor,
            "chainId": self.chain_id,
            "proposalId": str(self.proposal_id),
            "support": SUPPORT_NAMES[self.support],
            "voter": self.voter,
            "nonce": self.nonce,
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "ballot") -> SignedBallot:
        """A ballot read back, every field checked.

        Raises:
            BazaarError: naming `where` and the field that is wrong.
        """
        if not isinstance(data, dict):
            raise BazaarError(f"{where}: expected a JSON object, got {type(data).__name__}")
        missing = [
            k
            for k in ("governor", "chainId", "proposalId", "support", "voter", "nonce", "signature")
            if k not in data
        ]
        if missing:
            raise BazaarError(f"{where}: missing {', '.join(missing)}")

        def address(key: str) -> str:
            value = data[key]
            if not isinstance(value, str) or not Web3.is_address(value):
                raise BazaarError(f"{where}: {key} {value!r} is not an address")
            return to_checksum_address(value)

        def whole(key: str) -> int:
            value = data[key]
            if isinstance(value, bool):
                raise BazaarError(f"{where}: {key} {value!r} is not a whole number")
            if isinstance(value, int):
                number = value
            elif isinstance(value, str) and value.strip().isdigit():
                number = int(value.strip())
            else:
                raise BazaarError(f"{where}: {key} {value!r} is not a whole number")
            if not 0 <= number < 2**256:
                raise BazaarError(f"{where}: {key} {value!r} is out of range")
            return number

        try:
            support = parse_support(str(data["support"]))
        except BazaarError as exc:
            raise BazaarError(f"{where}: {exc}") from None
        text = data["signature"]
        raw = text[2:] if isinstance(text, str) and text.startswith("0x") else None
        try:
            signature = bytes.fromhex(raw) if raw is not None else None
        except ValueError:
            signature = None
        if signature is None or len(signature) != 65:
            raise BazaarError(f"{where}: signature is not 0x followed by 130 hex digits")
        return cls(
            address("governor"),
            whole("chainId"),
            whole("proposalId"),
            support,
            address("voter"),
            whole("nonce"),
            signature,
        )
