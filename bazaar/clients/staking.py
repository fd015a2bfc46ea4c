"""Points staking: stake (approving first when needed), request an unstake, withdraw it or
cancel it, and an account's position. Amounts are point units (18 decimals); the checks here
say in points what is missing before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient, checksum
from bazaar.clients.erc20 import Erc20Client
from bazaar.errors import BazaarError
from bazaar.units import format_points

ZERO_ADDRESS = "0x" + "00" * 20


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
    def points(self) -> Erc20Client:
        """The staked token (the reward points)."""
        return Erc20Client(self.w3, self.view("points"), self.sender)

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

    def _account(self) -> str:
        if self.sender is None:
            raise BazaarError("this needs an account: pass --keystore")
        return self.sender.address

    def _now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    # -- transactions --------------------------------------------------------------------

    def stake(self, amount: int, approve: bool = True) -> StakeResult:
        """Stakes `amount` point units; when the allowance is short, approves `amount` first
        (or refuses, when not `approve`).

        Raises:
            BazaarError: zero, more than the wallet holds, or (without `approve`) more than
                the allowance; nothing sent.
        """
        account = self._account()
        if amount == 0:
            raise BazaarError("the amount to stake must be above 0")
        balance = self.points.balance_of(account)
        if balance < amount:
            raise BazaarError(
                f"not enough points: {account} holds {format_points(balance)}, "
                f"staking {format_points(amount)} needs {format_points(amount - balance)} more"
            )
        allowance = self.points.allowance(account, self.address)
        if allowance < amount and not approve:
            raise BazaarError(
                f"allowance too low: the staking contract may take {format_points(allowance)} "
                f"of {account}'s points, staking needs {format_points(amount)}"
            )
        call = self.call_for("stake", amount, label="stake")
        approved = False
        if allowance < amount:
            self.points.approve(self.address, amount)
            approved = True
        assert self.sender is not None
        receipt = self.sender.transact(call)
        return StakeResult(receipt, amount, self.staked(account), approved)

    def request_unstake(self, amount: int) -> TxReceipt:
        """Moves `amount` staked units into cooldown (they stop voting at once).

        Raises:
            BazaarError: zero, or more than staked; nothing sent.
        """
        account = self._account()
        if amount == 0:
            raise BazaarError("the amount to unstake must be above 0")
        staked = self.staked(account)
        if amount > staked:
            raise BazaarError(
                f"cannot unstake {format_points(amount)}: {account} has "
                f"{format_points(staked)} staked"
            )
        return self.send("requestUnstake", amount, label="request unstake")

    def withdraw(self) -> tuple[TxReceipt, int]:
        """Withdraws the pending unstake inside its window; returns the receipt and amount.

        Raises:
            BazaarError: nothing pending, the cooldown not over, or the window closed.
        """
        account = self._account()
        pending = self.pending(account)
        now = self._now()
        if pending.amount == 0:
            raise BazaarError(f"{account} has no pending unstake to withdraw")
        if now < pending.ready_at:
            raise BazaarError(
                f"the cooldown of {account}'s {format_points(pending.amount)} ends at "
                f"{pending.ready_at} (in {pending.ready_at - now} s)"
            )
        if now > pending.closes_at:
            raise BazaarError(
                f"the withdraw window closed at {pending.closes_at}: cancel the unstake "
                "(unstake --cancel) or request again"
            )
        return self.send("withdraw", label="withdraw"), pending.amount

    def cancel_unstake(self) -> tuple[TxReceipt, int]:
        """Puts the pending unstake back into the stake; returns the receipt and amount.

        Raises:
            BazaarError: nothing pending.
        """
        account = self._account()
        pending = self.pending(account)
        if pending.amount == 0:
            raise BazaarError(f"{account} has no pending unstake to cancel")
        return self.send("cancelUnstake", label="cancel unstake"), pending.amount
