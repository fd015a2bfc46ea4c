"""Delegations signed off-line: what `bazaar sign-delegation` prints and `relay-delegation`
reads (the staking contract's ERC-5805 `delegateBySig`), checked field by field when read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount

from bazaar.errors import BazaarError
from bazaar.signing import eip712
from bazaar.signing.eip712 import Domain
from bazaar.units import checksum

KIND = "bazaar-delegation"


@dataclass(frozen=True)
class SignedDelegation:
    """`delegator` delegates its staked points to `delegatee` until `expiry` (Unix seconds)."""

    domain: Domain
    delegator: str
    delegatee: str
    nonce: int
    expiry: int
    signature: bytes

    @classmethod
    def sign(
        cls, account: LocalAccount, domain: Domain, delegatee: str, nonce: int, expiry: int
    ) -> SignedDelegation:
        data = eip712.delegation(domain, delegatee, nonce, expiry)
        signature = eip712.sign_typed(account, data)
        return cls(domain, account.address, delegatee, nonce, expiry, signature)

    def signer(self) -> str:
        """Who signed it.

        Raises:
            BazaarError: a malformed signature.
        """
        data = eip712.delegation(self.domain, self.delegatee, self.nonce, self.expiry)
        return eip712.recover_typed(data, self.signature)

    def vrs(self) -> tuple[int, bytes, bytes]:
        return self.signature[64], self.signature[:32], self.signature[32:64]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": KIND,
            "staking": self.domain.contract,
            "chainId": self.domain.chain_id,
            "delegator": self.delegator,
            "delegatee": self.delegatee,
            "nonce": self.nonce,
            "expiry": self.expiry,
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: Any, name: str, version: str) -> SignedDelegation:
        """A delegation read back (the domain's `name` and `version` are the contract's).

        Raises:
            BazaarError: naming the field that is missing or wrong.
        """
        if not isinstance(data, dict) or data.get("type") != KIND:
            raise BazaarError(f"not a signed delegation: expected a JSON object of type {KIND}")
        fields = ("staking", "chainId", "delegator", "delegatee", "nonce", "expiry", "signature")
        missing = [f for f in fields if f not in data]
        if missing:
            raise BazaarError(f"signed delegation: missing {', '.join(missing)}")
        for f in ("chainId", "nonce", "expiry"):
            if not isinstance(data[f], int) or isinstance(data[f], bool) or data[f] < 0:
                raise BazaarError(f"signed delegation: {f} must be a whole number")
        text = data["signature"]
        raw = text.removeprefix("0x") if isinstance(text, str) else ""
        try:
            signature = bytes.fromhex(raw)
        except ValueError:
            signature = b""
        if len(signature) != 65:
            raise BazaarError("signed delegation: signature must be 0x + 130 hex digits")
        domain = Domain(name, version, data["chainId"], checksum(data["staking"], "staking"))
        return cls(
            domain,
            checksum(data["delegator"], "delegator"),
            checksum(data["delegatee"], "delegatee"),
            data["nonce"],
            data["expiry"],
            signature,
        )
