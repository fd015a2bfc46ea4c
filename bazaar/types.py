"""Records and encodings shared by the clients, the tools and the tests, each written once:
order terms and their id, the contracts' enums, vote types and role ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields
from typing import Any, NewType

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

# IEscrowMarketplaceTypes.Status and .Kind, in declaration order
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
# IGovernor.ProposalState and TimelockController.OperationState, in declaration order
PROPOSAL_STATES = (
    "Pending",
    "Active",
    "Canceled",
    "Defeated",
    "Succeeded",
    "Queued",
    "Expired",
    "Executed",
)
OPERATION_STATES = ("Unset", "Waiting", "Ready", "Done")
ENUM_NAMES = {
    "enum IEscrowMarketplaceTypes.Status": STATUS_NAMES,
    "enum IEscrowMarketplaceTypes.Kind": KIND_NAMES,
    "enum IGovernor.ProposalState": PROPOSAL_STATES,
    "enum TimelockController.OperationState": OPERATION_STATES,
}
# GovernorCountingSimple's vote types, in order (against 0, for 1, abstain 2)
SUPPORT_NAMES = ("against", "for", "abstain")


def role(name: str) -> bytes:
    """An AccessControl role id: keccak256 of its name."""
    return keccak(text=name)


PROPOSER_ROLE = role("PROPOSER_ROLE")
EXECUTOR_ROLE = role("EXECUTOR_ROLE")
CANCELLER_ROLE = role("CANCELLER_ROLE")
ADMIN_ROLE = b"\x00" * 32  # DEFAULT_ADMIN_ROLE
ROLE_NAMES = {
    PROPOSER_ROLE: "PROPOSER_ROLE",
    EXECUTOR_ROLE: "EXECUTOR_ROLE",
    CANCELLER_ROLE: "CANCELLER_ROLE",
    ADMIN_ROLE: "DEFAULT_ADMIN_ROLE",
}

# An order's id: keccak256(abi.encode(terms)) (OrderIdLibrary), 32 bytes; not a listing id.
OrderId = NewType("OrderId", bytes)


@dataclass(frozen=True)
class OrderTerms:
    """IEscrowMarketplace.OrderTerms: the immutable terms hashed into an order's id."""

    buyer: str
    seller: str
    token: str
    arbiter: str
    listingId: int  # Solidity field names: tuples map one to one
    nonce: int
    quantity: int
    usdAmount: int
    lockedAmount: int
    bufferBps: int
    feeBps: int
    arbiterFeeBps: int
    confirmWindow: int
    rulingWindow: int
    oracleVersion: int
    pointsPerUsd: int
    # who brought the sale (zero: nobody)
    referrer: str = "0x0000000000000000000000000000000000000000"
    commissionBps: int = 0  # the referrer's rate of the seller's proceeds, fixed at checkout

    ABI_TYPES = (
        "(address,address,address,address," + ",".join(["uint256"] * 12) + ",address,uint256)"
    )

    def as_tuple(self) -> tuple[Any, ...]:
        """The struct as web3 passes it to a function taking `OrderTerms`."""
        return astuple(self)

    def order_id(self) -> OrderId:
        """keccak256(abi.encode(terms)), as the contract computes the order id."""
        return OrderId(keccak(abi_encode([self.ABI_TYPES], [self.as_tuple()])))

    def id_hex(self) -> str:
        """The order id as 0x + 64 hex digits."""
        return "0x" + self.order_id().hex()

    def deposit(self) -> int:
        """What the buyer paid into escrow at checkout: the locked amount, or for USD-protected
        orders the locked amount plus the buffer, rounded up (SettlementMath.bufferedDeposit)."""
        if self.bufferBps == 0:
            return self.lockedAmount
        return -(-self.lockedAmount * (10_000 + self.bufferBps) // 10_000)

    @classmethod
    def from_event(cls, terms: Mapping[str, Any] | tuple[Any, ...]) -> OrderTerms:
        if isinstance(terms, Mapping):
            return cls(**{f.name: terms[f.name] for f in fields(cls)})
        return cls(*terms)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# The terms' field names in the struct's order (tuples from events and calls map one to one).
ORDER_TERM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OrderTerms))
