"""Points staking: stake (approving first when needed), request an unstake, withdraw it or
cancel it, and an account's position. Amounts are point units (18 decimals). The staking
contract checks its own rules (amounts, cooldown, window): each transaction is preflighted and
a refusal comes back as its decoded error."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.clients.points import PointsClient
from bazaar.units import checksum


@dataclass(frozen=True)
class PendingUnstake:
    """IPointsStaking.Pending: points in cooldown, withdrawable from `ready_at` to
    `closes_at` (Unix seconds)."""

    amount: int
    ready_at: int
    closes_at: int


@dataclass(frozen=True)
class Position:
    """An account's stake now."""

    account: str
    staked: int
    votes: int  # current votes (after the warm-up rule), as a delegate
    delegate: str
    pending: PendingUnstake
    earned: dict[str, int]  # per reward token (address): units claimable
    wallet: int  # points in the wallet, not staked


@dataclass(frozen=True)
class StakeResult:
    receipt: TxReceipt
    amount: int
    staked: int  # the account's stake after
    approved: bool  # an approval was sent first


class StakingClient(ContractClient):
    ARTIFACT = "PointsStaking"

    @cached_property
    def points(self) -> PointsClient:
        """The staked token (the reward points)."""
        return PointsClient(self.w3, self.view("points"), self.sender)

    @cached_property
    def reward_tokens(self) -> list[str]:
        """The tokens fees are shared in (the marketplace's payment tokens), in order."""
        return [checksum(token) for token in self.view("rewardTokens")]

    @cached_property
    def warmup(self) -> int:
        return int(self.view("warmupSeconds"))

    def staked(self, account: str) -> int:
        return int(self.view("balanceOf", checksum(account)))

    def pending(self, account: str) -> PendingUnstake:
        amount, ready_at, closes_at = self.view("pendingUnstake", checksum(account))
        return PendingUnstake(int(amount), int(ready_at), int(closes_at))

    def position(self, account: str) -> Position:
        account = checksum(account)
        return Position(
            account,
            self.staked(account),
            int(self.view("getVotes", account)),
            self.view("delegates", account),
            self.pending(account),
            {token: int(self.view("earned", account, token)) for token in self.reward_tokens},
            self.points.balance_of(account),
        )

    # -- transactions --------------------------------------------------------------------

    def stake(self, amount: int, approve: bool = True) -> StakeResult:
        """Stakes `amount` point units; when the allowance is short, approves `amount` first
        (or refuses, when not `approve`).

        Raises:
            RevertError: the staking contract refuses (decoded); nothing sent.
            BazaarError: more than the wallet holds, or (without `approve`) more than the
                allowance; nothing sent.
        """
        call = self.call_for("stake", amount, label="stake")
        receipt, approved = self.points.pay(
            call, amount, approve=approve, purpose="staking", spender_name="the staking contract"
        )
        return StakeResult(receipt, amount, self.staked(self.signer("stake").address), approved)

    def request_unstake(self, amount: int) -> TxReceipt:
        """Moves `amount` staked units into cooldown (they stop voting at once)."""
        return self.send("requestUnstake", amount, label="request unstake")

    def withdraw(self) -> tuple[TxReceipt, int]:
        """Withdraws the pending unstake inside its window; returns the receipt and amount."""
        receipt = self.send("withdraw", label="withdraw")
        return receipt, int(self.events(receipt, "Withdrawn")[0]["amount"])

    def cancel_unstake(self) -> tuple[TxReceipt, int]:
        """Puts the pending unstake back into the stake; returns the receipt and amount."""
        receipt = self.send("cancelUnstake", label="cancel unstake")
        return receipt, int(self.events(receipt, "UnstakeCancelled")[0]["amount"])
