"""Records shared by the clients: order terms and the contracts' enums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields

from eth_abi import encode as abi_encode
from eth_utils import keccak

# IEscrowMarketplace.Status and .Kind, in declaration order
STATUS_NAMES = (
    "None",
    "Paid",
    "Shipped",
    "Completed",
    "Refunded",
    "Cancelled",
    "Disputed",
    "Resolved",
)
KIND_NAMES = ("Physical", "Digital")
ENUM_NAMES = {
    "enum IEscrowMarketplace.Status": STATUS_NAMES,
    "enum IEscrowMarketplace.Kind": KIND_NAMES,
}


@dataclass(frozen=True)
class OrderTerms:
    """IEscrowMarketplace.OrderTerms: the immutable terms hashed into an order's id."""

    buyer: str
    seller: str
    token: str
    arbiter: str
    listingId: int  # Solidity field names: tuples map one to one
    nonce: int
    usdAmount: int
    lockedAmount: int
    bufferBps: int
    feeBps: int
    arbiterFeeBps: int
    confirmWindow: int
    rulingWindow: int

    ABI_TYPES = "(address,address,address,address," + ",".join(["uint256"] * 9) + ")"

    def as_tuple(self) -> tuple:
        """The struct as web3 passes it to a function taking `OrderTerms`."""
        return astuple(self)

    def order_id(self) -> bytes:
        """keccak256(abi.encode(terms)), as the contract computes the order id."""
        return keccak(abi_encode([self.ABI_TYPES], [self.as_tuple()]))

    def deposit(self) -> int:
        """What the buyer paid into escrow at checkout: the locked amount, or for USD-protected
        orders the locked amount plus the buffer, rounded up (SettlementMath.bufferedDeposit)."""
        if self.bufferBps == 0:
            return self.lockedAmount
        return -(-self.lockedAmount * (10_000 + self.bufferBps) // 10_000)

    @classmethod
    def from_event(cls, terms: Mapping | tuple) -> OrderTerms:
        if isinstance(terms, Mapping):
            return cls(**{f.name: terms[f.name] for f in fields(cls)})
        return cls(*terms)

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
