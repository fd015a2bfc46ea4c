"""Votes signed off-line: the ballot `bazaar sign-vote` prints and `relay-votes` reads, checked
field by field when read back, and the vote types typed by people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bazaar.errors import BazaarError
from bazaar.signing import eip712, fields
from bazaar.signing.eip712 import Domain
from bazaar.types import SUPPORT_NAMES


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
        return eip712.ballot(domain, self.proposal_id, self.support, self.voter, self.nonce)

    def signer(self, name: str, version: str) -> str:
        """Who signed it (not necessarily `voter`).

        Raises:
            BazaarError: a malformed signature.
        """
        return eip712.recover_typed(self.typed_data(name, version), self.signature)

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
            return fields.address(data[key], f"{where}: {key}")

        def whole(key: str) -> int:
            return fields.whole(data[key], f"{where}: {key}")

        try:
            support = parse_support(str(data["support"]))
        except BazaarError as exc:
            raise BazaarError(f"{where}: {exc}") from None
        signature = fields.hex_bytes(data["signature"], 65, f"{where}: signature")
        return cls(
            address("governor"),
            whole("chainId"),
            whole("proposalId"),
            support,
            address("voter"),
            whole("nonce"),
            signature,
        )
