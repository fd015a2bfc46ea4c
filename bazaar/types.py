"""Records shared by the clients: order terms, the contracts' enums and role ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields

from eth_abi import encode as abi_encode
from eth_utils import keccak

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
# AccessControl role ids (keccak256 of the name; the admin role is zero)
ROLE_NAMES = {
    keccak(text=name): name for name in ("PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE")
} | {b"\x00" * 32: "DEFAULT_ADMIN_ROLE"}


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

    ABI_TYPES = "(address,address,address,address," + ",".join(["uint256"] * 12) + ")"

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
